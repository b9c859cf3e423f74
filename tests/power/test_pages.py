"""The profile on the ask page, and the technician's power page with its inline charts."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from edgekit.answering import record_exchange
from edgekit.kit import Kit
from edgekit.plugins import load_plugins
from edgekit.power.config import pin_profile
from edgekit.power.energy import EnergyUse
from edgekit.server import create_app
from edgekit.settings import Settings
from tests.power.fake_sysfs import battery, no_eco_hours
from tests.server.test_ui import HTML, PINS, EchoApp, sign_in, write_echo_app

PAGE_LIMIT = 200 * 1024


@pytest.fixture
def kit(tmp_path):
    from edgekit.apps import load_manifest

    host = load_plugins(entry_points=False)
    host.add_app(EchoApp(), load_manifest(write_echo_app(tmp_path / "edgekit_echo")))
    settings = Settings(home=tmp_path / "home", login_delay_s=0, sysfs_root=tmp_path / "sys")
    battery(settings.sysfs_root, 70)
    no_eco_hours(settings.home)
    kit = Kit(settings, plugin_host=host)
    kit.accounts.add_user("tech", "admin", pin=PINS["tech"])
    return kit


@pytest.fixture
def client(kit):
    with TestClient(create_app(kit=kit)) as test_client:
        yield test_client


@pytest.mark.parametrize(
    "lang, normal, critical",
    [
        ("en", "Power: normal.", "Answers are shorter"),
        ("sw", "Nishati: kawaida.", "Majibu ni mafupi"),
        ("fr", "Énergie : normale.", "réponses sont plus courtes"),
    ],
)
def test_the_ask_page_shows_the_profile_and_in_critical_that_answers_are_shorter(client, kit, lang, normal, critical):
    client.cookies.set("edgekit_lang", lang)
    page = client.get("/apps/echo", headers=HTML).text
    assert normal in page and critical not in page
    pin_profile(kit.settings.home, "critical")
    kit.power.refresh()
    page = client.get("/apps/echo", headers=HTML).text
    assert critical in page


def test_the_technicians_power_page_draws_its_charts_inline_and_stays_small(client, kit):
    for joules in (36.0, 7.2):
        use = EnergyUse(joules, "estimated", 1.0, 1.0, "normal")
        record_exchange(kit.db, question="q", answer="a", model="extractive", app="echo", energy=use)
    from edgekit.power.monitor import PowerMonitor

    PowerMonitor(kit, poweroff=lambda command: None).tick()  # logs the battery
    assert client.get("/admin/power", headers=HTML, follow_redirects=False).status_code == 303
    sign_in(client, "tech")
    page = client.get("/admin/power", headers=HTML)
    assert page.status_code == 200 and len(page.content) < PAGE_LIMIT
    assert page.text.count("<svg") == 4 and "<script" not in page.text.split("</footer>")[0]
    assert "polyline" in page.text  # the battery over the day
    assert "0.0120 Wh" in page.text or "0.012 Wh" in page.text  # 43.2 J of answers today


def test_the_technician_pins_a_profile_from_the_page(client, kit):
    import re

    sign_in(client, "tech")
    token = re.search(r'name="csrf_token" value="([^"]+)"', client.get("/admin/power", headers=HTML).text).group(1)
    response = client.post("/admin/power/profile", data={"profile": "eco", "csrf_token": token}, headers=HTML)
    assert response.status_code == 200 and kit.power.profile.name == "eco"
    assert "chosen by hand" in response.text
    client.post("/admin/power/profile", data={"profile": "auto", "csrf_token": token}, headers=HTML)
    assert kit.power.profile.name == "normal" and not kit.power.decision.pinned
