"""The health worker's pages on the phone: triage, the mothers to visit, one mother's record with visit entry,
and referrals. Plain forms that work without JavaScript; each post redirects to a page (post, redirect, get), so
a reload never records a visit twice. Every read and write goes through the Registry and so into the audit log.
"""

# No `from __future__ import annotations`: FastAPI must see the real Request class, imported in the hook.

import math
from datetime import date

from edgekit.sdk import AppContext, EdgekitError

# Under the app's prefix (/apps/health), which the box chooses: links are made with app.url(path).
PAGES = (
    ("/triage", "triage"),
    ("/mothers", "mothers"),
    ("/referrals", "referrals"),
)


def _number(value: str, kind=int):
    """A form field as a number; empty is None. What is not a number is refused with the field's words."""
    value = (value or "").strip().replace(",", ".")
    if not value:
        return None
    try:
        number = float(value)
        if not math.isfinite(number):
            raise ValueError(value)
        return int(number) if kind is int else kind(number)
    except (ValueError, OverflowError):
        raise EdgekitError(f"'{value}' is not a number.", code="bad_number", http_status=422) from None


def _day(value: str):
    value = (value or "").strip()
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise EdgekitError(f"'{value}' is not a date.", code="bad_date", http_status=422) from None


def add_pages(app: AppContext, router) -> None:
    """The pages, on the app's router (mounted at app.prefix)."""
    from fastapi import Form, Request
    from fastapi.responses import RedirectResponse

    from edgekit.sdk import choose_language, require_app_access
    from edgekit_health.received import RECEIVED_STATUSES, mark_received, received_referrals
    from edgekit_health.registry import Actor, Registry
    from edgekit_health.tables import REFERRAL_STATUSES
    from edgekit_health.triage import triage

    def access(request: Request):
        _manifest, user = require_app_access(request, app.id)
        return Actor(user.name, user.role), Registry(app.db)

    def page(request: Request, template: str, context: dict, status: int = 200):
        return app.render(request, template, {"today": date.today().isoformat(), **context}, status=status)

    def problem(exc: EdgekitError) -> dict:
        accepted = getattr(exc, "accepted", None)  # a date out of range: the days that would be taken
        shown = {"accepted": [day.isoformat() for day in accepted]} if accepted else {}
        return {"code": exc.code, "message": exc.message, **shown}

    def back_to(path: str) -> RedirectResponse:
        """Post, redirect, get: to one of the app's own pages (path under its prefix)."""
        return RedirectResponse(app.url(path), status_code=303)

    # --- triage ----------------------------------------------------------------------------------------------

    @router.get("/triage")
    def triage_page(request: Request):
        access(request)
        return page(request, "triage.html", {"result": None, "form": {}})

    @router.post("/triage")
    def triage_form(
        request: Request,
        text: str = Form("", max_length=2000),
        systolic: str = Form(""),
        diastolic: str = Form(""),
        temperature: str = Form(""),
    ):
        who, _registry = access(request)
        form = {"text": text, "systolic": systolic, "diastolic": diastolic, "temperature": temperature}
        try:
            result = triage(
                text,
                choose_language(request),  # advice in the reader's language; every language's words are read
                systolic=_number(systolic),
                diastolic=_number(diastolic),
                temperature_c=_number(temperature, float),
            )
        except EdgekitError as exc:
            return page(request, "triage.html", {"result": None, "form": form, "error": problem(exc)}, status=422)
        _registry.note_triage(who, result.level)
        return page(request, "triage.html", {"result": result, "form": form})

    # --- mothers ---------------------------------------------------------------------------------------------

    def mothers_page(request: Request, who: Actor, registry: Registry, form: dict, error=None, status=200):
        return page(
            request,
            "mothers.html",
            {"due": registry.due(who), "women": registry.women(who), "form": form, "error": error},
            status=status,
        )

    @router.get("/mothers")
    def mothers(request: Request):
        who, registry = access(request)
        return mothers_page(request, who, registry, {})

    @router.post("/mothers")
    def register_mother(
        request: Request,
        village: str = Form("", max_length=100),
        dating: str = Form("lmp"),
        day: str = Form(""),
        phone: str = Form("", max_length=32),
        code: str = Form("", max_length=32),
    ):
        who, registry = access(request)
        form = {"village": village, "dating": dating, "day": day, "phone": phone, "code": code}
        try:
            known = _day(day)
            woman = registry.add_woman(
                who,
                village=village,
                lmp=known if dating != "edd" else None,
                edd=known if dating == "edd" else None,
                code=code.strip() or None,
                phone=phone,
            )
        except EdgekitError as exc:
            return mothers_page(request, who, registry, form, problem(exc), status=422)
        return back_to(f"/mothers/{woman['code']}?new=1")

    def mother_page(request: Request, who: Actor, registry: Registry, code: str, extra: dict, status=200):
        return page(request, "mother.html", {"woman": registry.woman(who, code), "form": {}, **extra}, status=status)

    @router.get("/mothers/{code}")
    def mother(code: str, request: Request):
        who, registry = access(request)
        woman = registry.woman(who, code)
        shown = {"new": request.query_params.get("new") == "1", "woman": woman, "visit_triage": None, "saved": False}
        visit = next((v for v in woman["visits"] if str(v["id"]) == request.query_params.get("visit")), None)
        if visit is not None:  # just saved: its triage again (deterministic), the advice in the reader's language
            shown["saved"] = True
            shown["visit_triage"] = _visit_triage(visit, choose_language(request), triage)
        return page(request, "mother.html", {"form": {}, **shown})

    @router.post("/mothers/{code}/visits")
    def add_visit(
        code: str,
        request: Request,
        visit_date: str = Form(""),
        systolic: str = Form(""),
        diastolic: str = Form(""),
        weight: str = Form(""),
        temperature: str = Form(""),
        signs: str = Form("", max_length=2000),
        notes: str = Form("", max_length=2000),
    ):
        who, registry = access(request)
        form = {
            "visit_date": visit_date,
            "systolic": systolic,
            "diastolic": diastolic,
            "weight": weight,
            "temperature": temperature,
            "signs": signs,
            "notes": notes,
        }
        try:
            result = registry.add_visit(
                who,
                code,
                visit_date=_day(visit_date),
                systolic=_number(systolic),
                diastolic=_number(diastolic),
                weight_kg=_number(weight, float),
                temperature_c=_number(temperature, float),
                signs=signs,
                notes=notes,
                lang=choose_language(request),
            )
        except EdgekitError as exc:
            if exc.code == "not_found":
                raise
            return mother_page(request, who, registry, code, {"form": form, "error": problem(exc)}, status=422)
        return back_to(f"/mothers/{code}?visit={result['visit']['id']}")

    @router.post("/mothers/{code}/delivered")
    def delivered(code: str, request: Request, born: str = Form("")):
        who, registry = access(request)
        try:
            registry.update_woman(who, code, delivered_on=_day(born) or date.today())
        except EdgekitError as exc:
            if exc.code == "not_found":
                raise
            return mother_page(request, who, registry, code, {"error": problem(exc)}, status=422)
        return back_to(f"/mothers/{code}")

    # --- referrals -------------------------------------------------------------------------------------------

    @router.get("/referrals")
    def referrals(request: Request):
        who, registry = access(request)
        shown = "all" if request.query_params.get("show") == "all" else "open"
        rows = registry.referrals(who, None if shown == "all" else "open")
        received = received_referrals(app.db, who, choose_language(request), None if shown == "all" else "open")
        return page(
            request,
            "referrals.html",
            {
                "referrals": rows,
                "received": received,
                "shown": shown,
                "statuses": REFERRAL_STATUSES,
                "received_statuses": RECEIVED_STATUSES,
            },
        )

    @router.post("/referrals/received/{received_id}")
    def mark_received_referral(received_id: int, request: Request, status: str = Form("")):
        who, _registry = access(request)
        mark_received(app.db, who, received_id, status, choose_language(request))
        return RedirectResponse(app.url("/referrals") + "#received", status_code=303)

    @router.post("/referrals/{referral_id}")
    def change_referral(
        referral_id: int,
        request: Request,
        status: str = Form(""),
        facility: str = Form("", max_length=100),
        next: str = Form(app.url("/referrals")),
    ):
        who, registry = access(request)
        registry.update_referral(who, referral_id, status, facility or None)
        # Only back to one of this app's pages: a forged `next` must not send the phone elsewhere.
        return RedirectResponse(next if next.startswith(app.url("/")) else app.url("/referrals"), status_code=303)


def _visit_triage(visit: dict, lang: str, triage):
    """The triage of a stored visit: its signs and measurements read again. None for a visit with nothing to read."""
    systolic, diastolic = visit["systolic"], visit["diastolic"]
    if not visit["signs"] and systolic is None and visit["temperature_c"] is None:
        return None
    return triage(visit["signs"], lang, systolic=systolic, diastolic=diastolic, temperature_c=visit["temperature_c"])
