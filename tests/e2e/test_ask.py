"""Asking the agriculture app from a phone-sized browser: by text, by voice, read aloud, without JavaScript."""

from __future__ import annotations

from tests.e2e.conftest import VOICE_QUESTION, screenshot


def test_a_guest_asks_by_text_and_sees_the_answer_stream_in_with_sources(open_page):
    page = open_page("/")
    screenshot(page, "home")
    page.click("a.tile[href='/apps/agri']")
    screenshot(page, "app")
    page.fill("#question", "How do I control fall armyworm in my maize?")
    with page.expect_response("**/apps/agri/api/ask") as asked:
        page.click("#send")
    assert asked.value.headers["content-type"].startswith("text/event-stream")
    page.wait_for_selector("#sources li")
    answer = page.inner_text("#answer-text")
    assert answer.strip()
    first_source = page.locator("#sources li a").first
    assert "armyworm" in first_source.inner_text().lower()
    screenshot(page, "answer")
    first_source.click()
    page.wait_for_selector("article.document h1")
    assert "armyworm" in page.inner_text("article.document h1").lower()
    screenshot(page, "source")
