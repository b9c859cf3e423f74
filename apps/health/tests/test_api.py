"""The health API over HTTP: the roles that get in, triage, the registry, referrals and the CSV export."""

from __future__ import annotations

import csv
import io
from datetime import date, timedelta

import pytest

from edgekit import testing

TRIAGE_KEYS = {"level", "signs", "refer", "advice", "sources"}


@pytest.fixture
def client(kit):
    with testing.server(kit) as client:
        yield client


def bearer(kit, name: str) -> dict:
    return testing.bearer(kit, name)


def test_triage_answers_in_the_documented_shape(kit, client):
    response = client.post(
        "/apps/health/api/triage",
        json={"text": "She had fits this morning and is bleeding heavily", "lang": "en"},
        headers=bearer(kit, "amina"),
    )
    assert response.status_code == 200, response.text
    body = response.json()
    assert set(body) == TRIAGE_KEYS
    assert body["level"] == "emergency" and body["refer"] is True
    assert {"code", "label", "evidence"} == set(body["signs"][0])
    assert body["sources"] and all("WHO" in source for source in body["sources"])


def test_triage_reads_blood_pressure_numbers_sent_apart(kit, client):
    response = client.post(
        "/apps/health/api/triage", json={"text": "", "systolic": 162, "diastolic": 100}, headers=bearer(kit, "tech")
    )
    assert response.json()["level"] == "emergency"


@pytest.mark.parametrize(
    "who, status, code",
    [(None, 401, "not_authenticated"), ("juma", 403, "forbidden")],
)
def test_guests_and_students_are_refused_every_health_route(kit, client, who, status, code):
    headers = bearer(kit, who) if who else {}
    for method, path, body in [
        ("POST", "/apps/health/api/triage", {"text": "bleeding"}),
        ("GET", "/apps/health/api/women", None),
        ("POST", "/apps/health/api/women", {"village": "X", "lmp": "2026-01-01"}),
        ("GET", "/apps/health/api/due", None),
        ("GET", "/apps/health/api/referrals", None),
        ("GET", "/apps/health/api/export.csv", None),
        ("POST", "/apps/health/api/ask", {"question": "What are the danger signs in pregnancy?"}),
    ]:
        response = client.request(method, path, json=body, headers=headers)
        assert response.status_code == status, (path, response.text)
        assert response.json()["error"]["code"] == code


def test_register_visit_refer_and_export_over_http(kit, client):
    amina = bearer(kit, "amina")
    edd = date.today() + timedelta(weeks=12)  # she is 28 weeks along today
    created = client.post(
        "/apps/health/api/women", json={"village": "Kibera", "edd": edd.isoformat(), "code": "API-1"}, headers=amina
    )
    assert created.status_code == 201, created.text
    assert created.json()["lmp"] == (edd - timedelta(days=280)).isoformat() and len(created.json()["schedule"]) == 8
    assert created.json()["gestational_age"] == "28w0d"
    visit = client.post(
        "/apps/health/api/women/API-1/visits",
        json={
            "visit_date": (date.today() - timedelta(days=3)).isoformat(),
            "systolic": 145,
            "diastolic": 92,
            "signs": "swollen face and hands",
        },
        headers=amina,
    )
    assert visit.status_code == 201, visit.text
    assert visit.json()["visit"]["level"] == "urgent" and visit.json()["referral"]["status"] == "referred"
    referral_id = visit.json()["referral"]["id"]
    assert [r["id"] for r in client.get("/apps/health/api/referrals?status=open", headers=amina).json()] == [
        referral_id
    ]
    changed = client.patch(f"/apps/health/api/referrals/{referral_id}", json={"status": "arrived"}, headers=amina)
    assert changed.json()["status"] == "arrived"
    shown = client.get("/apps/health/api/women/API-1", headers=amina).json()
    assert shown["visits"][0]["blood_pressure"] == "145/92" and shown["referrals"][0]["status"] == "arrived"
    export = client.get("/apps/health/api/export.csv", headers=amina)
    assert (
        export.headers["content-type"].startswith("text/csv") and "attachment" in export.headers["content-disposition"]
    )
    rows = list(csv.DictReader(io.StringIO(export.text)))
    assert rows[0]["woman_code"] == "API-1" and rows[0]["referral_status"] == "arrived"


def test_another_health_workers_woman_is_not_found(kit, client):
    client.post(
        "/apps/health/api/women",
        json={"village": "A", "lmp": "2026-03-01", "code": "API-2"},
        headers=bearer(kit, "baraka"),
    )
    response = client.get("/apps/health/api/women/API-2", headers=bearer(kit, "amina"))
    assert response.status_code == 404 and response.json()["error"]["code"] == "not_found"


def test_bad_input_gets_a_clear_error(kit, client):
    amina = bearer(kit, "amina")
    response = client.post("/apps/health/api/women", json={"village": "A", "lmp": "2030-01-01"}, headers=amina)
    assert response.status_code == 422 and response.json()["error"]["code"] == "bad_date"
    response = client.post("/apps/health/api/triage", json={"text": "   "}, headers=amina)
    assert response.status_code == 422 and response.json()["error"]["code"] == "empty_triage"
    response = client.patch("/apps/health/api/referrals/999", json={"status": "arrived"}, headers=amina)
    assert response.status_code == 404


@pytest.mark.parametrize(
    "dating", [{"lmp": "9999-12-31"}, {"edd": "0001-01-01"}, {"lmp": "0001-01-01"}, {"edd": "9999-12-31"}]
)
def test_a_date_off_the_calendar_is_a_bad_date_not_a_crash(kit, client, dating):
    response = client.post("/apps/health/api/women", json={"village": "x", **dating}, headers=bearer(kit, "amina"))
    assert response.status_code == 422, response.text
    error = response.json()["error"]
    assert error["code"] == "bad_date" and "accepted" in error["message"]
    assert client.get("/apps/health/api/women", headers=bearer(kit, "amina")).json() == []


@pytest.mark.parametrize("referral_id", ["9223372036854775808", "-9223372036854775809", "0", "1" + "0" * 40])
def test_a_referral_id_out_of_range_is_not_found(kit, client, referral_id):
    response = client.patch(
        f"/apps/health/api/referrals/{referral_id}", json={"status": "arrived"}, headers=bearer(kit, "amina")
    )
    assert response.status_code == 404, response.text
    assert response.json()["error"]["code"] == "not_found"
