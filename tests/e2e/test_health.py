"""The health worker on a phone-sized browser: triage shows the referral first, a mother is registered and
visited, the ask page puts the referral before anything else, and a student is kept out."""

from __future__ import annotations

from datetime import date, timedelta

from tests.e2e.conftest import screenshot, sign_in


def test_a_health_worker_triages_an_emergency_and_sees_the_referral_first(open_page, server):
    page = open_page("/login")
    sign_in(page, server, "amina")
    page.goto(server + "/apps/health/triage")
    screenshot(page, "health-triage")
    page.fill("#text", "She is bleeding heavily and had a fit this morning")
    page.click("#triage-form button[type=submit]")
    page.wait_for_selector("#level")
    first = page.evaluate("document.querySelector('main').firstElementChild.id")
    assert first == "level", "the level is the first thing on the page"
    assert page.inner_text("#level .level-name") == "EMERGENCY: refer now"
    assert page.inner_text("#level .level-advice").startswith("Refer now")
    red = page.evaluate("getComputedStyle(document.getElementById('level')).backgroundColor")
    assert red == "rgb(180, 35, 24)"
    box = page.locator("#level").bounding_box()
    assert box["y"] < 200 and box["width"] > 300, "at the top, the width of the phone"
    screenshot(page, "health-triage-emergency")


def test_a_health_worker_registers_a_mother_and_records_a_visit_that_refers_her(open_page, server):
    page = open_page("/login")
    sign_in(page, server, "amina")
    page.goto(server + "/apps/health/mothers")
    page.fill("#village", "Kibera")
    page.fill("#day", (date.today() - timedelta(weeks=34)).isoformat())
    page.fill("#code", "E2E-1")
    page.click("#register-form button[type=submit]")
    page.wait_for_selector("#visit-form")
    assert "E2E-1" in page.inner_text("h1")
    page.fill("#systolic", "150")
    page.fill("#diastolic", "100")
    page.fill("#signs", "swollen face and hands")
    page.click("#visit-form button[type=submit]")
    page.wait_for_selector("#level")
    assert page.inner_text("#level .level-name").startswith("URGENT")
    screenshot(page, "health-mother")
    page.goto(server + "/apps/health/referrals")
    assert "E2E-1" in page.inner_text("#referrals")
    screenshot(page, "health-referrals")
    page.goto(server + "/apps/health/mothers")
    screenshot(page, "health-mothers")


def test_asking_the_health_app_puts_the_referral_before_the_answer(open_page, server):
    page = open_page("/login")
    sign_in(page, server, "amina")
    page.goto(server + "/apps/health")
    page.fill("#question", "The mother is bleeding heavily after the birth, what should I do?")
    page.click("#send")
    page.wait_for_selector("#read-form:not([hidden])")
    assert page.inner_text("#answer-text").startswith("Refer now")
    assert page.inner_text("#status") == "Safety advice: act on it now."
    assert "guarded" in page.get_attribute("#answer", "class")
    screenshot(page, "health-ask")


def test_a_student_is_refused_the_health_app(open_page, server):
    page = open_page("/login")
    sign_in(page, server, "pupil")
    assert page.locator("a.tile[href='/apps/health']").count() == 0
    response = page.goto(server + "/apps/health")
    assert response.status == 403
    response = page.goto(server + "/apps/health/mothers")
    assert response.status == 403
    screenshot(page, "health-refused")
