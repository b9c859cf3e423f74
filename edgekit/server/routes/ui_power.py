"""The technician's power page (role admin): the profile and why, pinning one, and what the box spent, as inline
SVG charts (edgekit/power/charts.py) so the page needs no script and stays small."""

# No `from __future__ import annotations`: FastAPI must see the real Request class.

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import RedirectResponse

from edgekit.cli.power import PROFILE_CHOICES, site_zone
from edgekit.errors import BadInput
from edgekit.kit import Kit
from edgekit.power.charts import bar_chart, line_chart
from edgekit.power.config import pin_profile
from edgekit.power.report import power_report
from edgekit.server.deps import get_kit, require_roles
from edgekit.server.pages import render
from edgekit.store import audit, session_for

REPORT_DAYS = 7

router = APIRouter()
admin_only = require_roles("admin")


@router.get("/admin/power")
def power_page(request: Request, kit: Kit = Depends(get_kit), _admin=Depends(admin_only)):
    report = power_report(kit.db, REPORT_DAYS, zone=site_zone(kit.settings))
    context = {
        "state": kit.power.as_dict(),
        "report": report,
        "day_items": [(day["day"][5:], day["wh"]) for day in report["by_day"]],
        "app_items": list(report["by_app"].items()),
        "battery_points": [(sample["at"][11:16], sample["percent"]) for sample in report["battery"]],
        "bar_chart": bar_chart,
        "line_chart": line_chart,
    }
    return render(request, "admin/power.html", context)


@router.post("/admin/power/profile")
def pin(profile: str = Form(...), kit: Kit = Depends(get_kit), admin=Depends(admin_only)):
    if profile not in PROFILE_CHOICES:
        raise BadInput(f"Unknown profile '{profile}'.", code="bad_input")
    pin_profile(kit.settings.home, None if profile == "auto" else profile)
    kit.power.refresh()
    kit.manager.unload_idle()  # idle models loaded for the old profile go now; a busy one after its answer
    with session_for(kit.db) as session:
        audit.record(session, admin.name, "power_profile", profile)
        session.commit()
    return RedirectResponse("/admin/power", status_code=303)
