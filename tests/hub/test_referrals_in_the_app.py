"""A referral across boxes, as health workers meet it in the health app (three homes, a hub on the real
PostgreSQL): box A refers a woman to box B's facility; B's health worker finds her on the referrals page by card
code, danger signs and date (no phone number), marks her arrived with the page's form, later closed through the
API; the word travels up from B, down to A (by network, then by USB), and A's own referral record shows it on
its page and in its API. Box C, another facility, never sees the referral."""

from __future__ import annotations

import re

import sqlalchemy as sa
from sqlmodel import Session

from edgekit import testing
from edgekit.hub import usb as hub_usb
from edgekit.sdk import audit_entries
from tests.hub.conftest import add_health_records, enrol_and_approve

HTML = {"Accept": "text/html"}
PIN = "4826"  # amina's, as the box fixture makes her


def _page(client, path: str) -> str:
    html = client.get(path, headers=HTML).text
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def _received(kit) -> list[dict]:
    with testing.server(kit) as client:
        response = client.get("/apps/health/api/referrals/received", headers=testing.bearer(kit, "amina"))
    assert response.status_code == 200, response.text
    return response.json()


def _own_referrals(kit) -> list[dict]:
    with testing.server(kit) as client:
        response = client.get("/apps/health/api/referrals", headers=testing.bearer(kit, "amina"))
    assert response.status_code == 200, response.text
    return response.json()


def test_a_referral_is_seen_and_closed_at_b_and_a_own_record_shows_it(hub_server, hub_engine, make_box, tmp_path):
    from edgekit_health.triage.rules import load_rules

    a = make_box("village-a", "Village A Dispensary")
    b = make_box("centre-b", "Mwembe Health Centre")
    c = make_box("clinic-c", "Pwani Clinic")
    for box in (a, b, c):
        enrol_and_approve(box, hub_server.url, hub_engine)
    [woman] = add_health_records(a, women=1, referral_facility="Mwembe Health Centre")
    for box in (a, b, c):
        box.sync.push()

    # B: on the health app's referrals page, by card code, signs and date; never the phone number.
    [received] = _received(b.kit)
    assert received["woman_code"] == woman["code"] and received["from_facility"] == "Village A Dispensary"
    assert received["level"] == "emergency" and received["status"] == "referred" and received["signs"]
    labels = {code: rule.label["en"] for code, rule in load_rules().rules.items()}
    assert all(sign["label"] == labels[sign["code"]] for sign in received["signs"])
    assert _received(c.kit) == []  # another facility's box is not told
    with testing.server(b.kit) as client:
        testing.sign_in(client, "amina", PIN)
        page = _page(client, "/apps/health/referrals")
        assert woman["code"] in page and "Village A Dispensary" in page and received["referred_on"] in page
        assert received["signs"][0]["label"] in page and "+254" not in page and "700 000" not in page
        token = testing.csrf_token(client, "/apps/health/referrals")
        marked = client.post(
            f"/apps/health/referrals/received/{received['id']}",
            data={"status": "arrived", "csrf_token": token},
            headers=HTML,
            follow_redirects=False,
        )
        assert marked.status_code == 303
        unsigned = client.post(f"/apps/health/referrals/received/{received['id']}", data={"status": "closed"})
        assert unsigned.status_code == 403  # no CSRF token: refused like every other form
    assert _received(b.kit)[0]["status"] == "arrived"
    with Session(b.kit.db) as session:
        assert ("amina", "sync.referral.mark", woman["code"]) in [
            (e.actor, e.action, e.target) for e in audit_entries(session, 50)
        ]

    # Up from B, down to A by network: A's own referral record now says arrived.
    b.sync.push()
    a.sync.push()
    [own] = [r for r in _own_referrals(a.kit) if r["woman_code"] == woman["code"]]
    assert own["status"] == "arrived" and own["updated_by"] == "Mwembe Health Centre"
    with testing.server(a.kit) as client:
        testing.sign_in(client, "amina", PIN)
        assert "arrived at the facility" in _page(client, "/apps/health/referrals?show=all")

    # Closed at B through the API; this time the word travels by USB stick, both ways.
    with testing.server(b.kit) as client:
        closed = client.patch(
            f"/apps/health/api/referrals/received/{received['id']}",
            json={"status": "closed"},
            headers=testing.bearer(b.kit, "amina"),
        )
        assert closed.status_code == 200 and closed.json()["status"] == "closed"
        wrong = client.patch(
            f"/apps/health/api/referrals/received/{received['id']}",
            json={"status": "referred"},
            headers=testing.bearer(b.kit, "amina"),
        )
        assert wrong.status_code == 422
    stick = tmp_path / "stick"
    b.sync.export(stick)
    assert not hub_usb.import_dir(hub_engine, stick).refused
    hub_usb.export_down(hub_engine, hub_server.settings.home, stick, ["village-a"])
    assert a.sync.import_down(stick) >= 1
    [own] = [r for r in _own_referrals(a.kit) if r["woman_code"] == woman["code"]]
    assert own["status"] == "closed"
    assert a.registry().referrals(a.worker(), "open") == []  # no longer among A's open referrals
    with Session(a.kit.db) as session:
        entries = [(e.actor, e.action, e.detail) for e in audit_entries(session, 50)]
    assert ("hub:centre-b", "health.referral.update", f"referral={own['id']} closed") in entries

    # A's record, changed by the word, goes up like any change: the hub's referral is closed too.
    a.sync.push()
    with hub_engine.connect() as connection:
        statuses = connection.execute(sa.text("SELECT status FROM hub_referral")).scalars().all()
    assert statuses == ["closed"]


def test_a_word_said_before_the_senders_echo_still_lands(hub_server, hub_engine, make_box):
    """B marks arrived, then treated while offline; A takes 'arrived' and sends its record up before B's
    'treated' reaches the hub. A's echo carries the time B said 'arrived', so 'treated' is still the newer word:
    it lands at the hub and comes down to A."""
    from edgekit_health.received import mark_received

    a = make_box("echo-a", "Echo Dispensary")
    b = make_box("echo-b", "Echo Health Centre")
    for box in (a, b):
        enrol_and_approve(box, hub_server.url, hub_engine)
    [woman] = add_health_records(a, women=1, referral_facility="Echo Health Centre")
    a.sync.push()
    b.sync.push()
    [received] = _received(b.kit)
    mark_received(b.kit.db, b.worker(), received["id"], "arrived")
    b.sync.push()  # 'arrived' at the hub
    mark_received(b.kit.db, b.worker(), received["id"], "treated")  # said now, synced later

    a.sync.push()  # 'arrived' comes down to A
    [own] = [r for r in a.registry().referrals(a.worker()) if r["woman_code"] == woman["code"]]
    assert own["status"] == "arrived"
    a.sync.push()  # A's record, with the word, goes up before B's next sync
    b.sync.push()
    with hub_engine.connect() as connection:
        assert connection.execute(sa.text("SELECT status FROM hub_referral")).scalars().all() == ["treated"]
    a.sync.push()
    [own] = [r for r in a.registry().referrals(a.worker()) if r["woman_code"] == woman["code"]]
    assert own["status"] == "treated" and own["updated_by"] == "Echo Health Centre"
