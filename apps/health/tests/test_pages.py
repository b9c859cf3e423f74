"""The health worker's pages, through the real server: triage shows its level first, mothers are registered and
visited with plain forms (no JavaScript needed), referrals are followed up, and other roles are kept out."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
from fastapi.testclient import TestClient

from edgekit import testing

HTML = {"Accept": "text/html"}
PINS = {"amina": "4826", "baraka": "5937", "juma": "6048"}


@pytest.fixture
def client(kit):
    with testing.server(kit) as client:
        yield client


def token(client: TestClient, path: str) -> str:
    return testing.csrf_token(client, path)


def sign_in(client: TestClient, name: str) -> None:
    testing.sign_in(client, name, PINS[name])  # fails the test unless the sign-in lands on a page (200)


def main_text(html: str) -> str:
    main = html.split('<main id="main">', 1)[1]
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", main)).strip()


def test_triage_shows_the_level_before_anything_else(client):
    sign_in(client, "amina")
    page = client.post(
        "/apps/health/triage",
        data={"text": "She had fits and is bleeding heavily", "csrf_token": token(client, "/apps/health/triage")},
        headers=HTML,
    )
    assert page.status_code == 200
    assert main_text(page.text).startswith("EMERGENCY: refer now Refer now")
    assert 'class="level level-emergency" role="alert"' in page.text
    assert "WHO" in page.text


def test_triage_in_swahili_answers_in_swahili(client):
    sign_in(client, "amina")
    client.cookies.set("edgekit_lang", "sw")
    form = {"text": "", "systolic": "150", "diastolic": "95", "csrf_token": token(client, "/apps/health/triage")}
    page = client.post("/apps/health/triage", data=form, headers=HTML)
    assert main_text(page.text).startswith("HARAKA: kituo cha afya leo")


def test_register_a_mother_record_a_visit_and_follow_the_referral(client):
    sign_in(client, "amina")
    lmp = date.today() - timedelta(weeks=30)
    registered = client.post(
        "/apps/health/mothers",
        data={
            "village": "Kibera",
            "dating": "lmp",
            "day": lmp.isoformat(),
            "code": "PG-1",
            "csrf_token": token(client, "/apps/health/mothers"),
        },
        headers=HTML,
    )
    assert registered.status_code == 200 and "Write the code PG-1 on her card" in registered.text
    assert "30w0d" in registered.text
    visit = client.post(
        "/apps/health/mothers/PG-1/visits",
        data={
            "systolic": "165",
            "diastolic": "112",
            "signs": "severe headache",
            "weight": "64,5",
            "csrf_token": token(client, "/apps/health/mothers/PG-1"),
        },
        headers=HTML,
    )
    assert visit.status_code == 200 and str(visit.url).endswith("visit=1")
    assert main_text(visit.text).startswith("EMERGENCY: refer now Refer now")
    assert "A referral was opened for this visit." in visit.text
    assert "165/112" in visit.text and "64.5 kg" in visit.text
    referrals = client.get("/apps/health/referrals", headers=HTML)
    assert "PG-1" in referrals.text
    followed = client.post(
        "/apps/health/referrals/1",
        data={"status": "arrived", "facility": "Kibera HC", "csrf_token": token(client, "/apps/health/referrals")},
        headers=HTML,
    )
    assert "No referrals." in followed.text
    mothers = client.get("/apps/health/mothers", headers=HTML)
    assert "PG-1" in mothers.text


def test_a_bad_visit_is_explained_and_nothing_is_stored(client, kit):
    sign_in(client, "amina")
    client.post(
        "/apps/health/mothers",
        data={
            "village": "Kibera",
            "dating": "edd",
            "day": (date.today() + timedelta(weeks=10)).isoformat(),
            "code": "PG-2",
            "csrf_token": token(client, "/apps/health/mothers"),
        },
        headers=HTML,
    )
    bad = client.post(
        "/apps/health/mothers/PG-2/visits",
        data={"systolic": "abc", "diastolic": "80", "csrf_token": token(client, "/apps/health/mothers/PG-2")},
        headers=HTML,
    )
    assert bad.status_code == 422 and "Write numbers only" in bad.text and 'value="abc"' in bad.text
    for odd in ("inf", "1e999", "nan"):
        refused = client.post(
            "/apps/health/mothers/PG-2/visits",
            data={"systolic": odd, "diastolic": "80", "csrf_token": token(client, "/apps/health/mothers/PG-2")},
            headers=HTML,
        )
        assert refused.status_code == 422, odd
    assert "No visits recorded yet." in bad.text


def test_a_student_is_refused_and_a_guest_is_sent_to_sign_in(client):
    guest = client.get("/apps/health/mothers", headers=HTML, follow_redirects=False)
    assert guest.status_code in (302, 303, 401) and "login" in (guest.headers.get("location", "") + guest.text)
    sign_in(client, "juma")
    for path in ("/apps/health", "/apps/health/triage", "/apps/health/mothers", "/apps/health/referrals"):
        assert client.get(path, headers=HTML).status_code == 403
    home = client.get("/", headers=HTML)
    assert "/apps/health" not in home.text, "the student's home page does not offer the app"


def test_another_health_workers_mother_is_not_shown(client):
    sign_in(client, "baraka")
    client.post(
        "/apps/health/mothers",
        data={
            "village": "Mathare",
            "dating": "lmp",
            "day": (date.today() - timedelta(weeks=12)).isoformat(),
            "code": "PG-3",
            "csrf_token": token(client, "/apps/health/mothers"),
        },
        headers=HTML,
    )
    client.post("/logout", data={"csrf_token": token(client, "/apps/health/mothers")}, headers=HTML)
    sign_in(client, "amina")
    assert client.get("/apps/health/mothers/PG-3", headers=HTML).status_code == 404
    assert "PG-3" not in client.get("/apps/health/mothers", headers=HTML).text


def test_the_app_page_links_to_the_health_workers_pages(client):
    sign_in(client, "amina")
    page = client.get("/apps/health", headers=HTML).text
    for path in ("/apps/health/triage", "/apps/health/mothers", "/apps/health/referrals"):
        assert f'href="{path}"' in page


def test_a_visit_with_nothing_of_concern_is_simply_saved(client):
    sign_in(client, "amina")
    client.post(
        "/apps/health/mothers",
        data={
            "village": "Kisumu",
            "dating": "lmp",
            "day": (date.today() - timedelta(weeks=20)).isoformat(),
            "code": "PG-4",
            "csrf_token": token(client, "/apps/health/mothers"),
        },
        headers=HTML,
    )
    saved = client.post(
        "/apps/health/mothers/PG-4/visits",
        data={"weight": "58", "csrf_token": token(client, "/apps/health/mothers/PG-4")},
        headers=HTML,
    )
    assert main_text(saved.text).startswith("The visit is saved.")
    assert "level-" not in saved.text.split("<h1>")[0], "no level shown when nothing was checked"


def test_without_javascript_an_emergency_question_shows_the_referral_as_safety_advice(client):
    sign_in(client, "amina")
    page = client.post(
        "/apps/health/ask",
        data={"question": "The baby is not breathing", "csrf_token": token(client, "/apps/health")},
        headers=HTML,
    )
    assert page.status_code == 200
    assert 'class="answer guarded"' in page.text and "Safety advice: act on it now." in page.text
    answer = re.search(r'<div id="answer-text"[^>]*>(.*?)</div>', page.text, re.S).group(1)
    assert answer.startswith("Refer now")


@pytest.mark.parametrize("dating, day", [("lmp", "9999-12-31"), ("edd", "0001-01-01"), ("edd", "9999-12-31")])
def test_a_date_off_the_calendar_is_explained_on_the_form(client, dating, day):
    sign_in(client, "amina")
    form = {"village": "x", "dating": dating, "day": day, "csrf_token": token(client, "/apps/health/mothers")}
    page = client.post("/apps/health/mothers", data=form, headers=HTML)
    assert page.status_code == 422, page.text[:300]
    from edgekit_health.schedule import accepted_range

    first, last = accepted_range(dating.upper(), date.today())
    assert f'value="{day}"' in page.text and "That date cannot be right" in page.text
    assert f"Dates from {first.isoformat()} to {last.isoformat()} are accepted." in page.text


@pytest.mark.parametrize("referral_id", ["9223372036854775808", "9" * 30])
def test_a_referral_id_out_of_range_on_the_form_is_not_found(client, referral_id):
    sign_in(client, "amina")
    form = {"status": "arrived", "csrf_token": token(client, "/apps/health/referrals")}
    page = client.post(f"/apps/health/referrals/{referral_id}", data=form, headers=HTML)
    assert page.status_code == 404, page.text[:300]
