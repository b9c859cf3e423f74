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


def test_read_aloud_gives_audio_the_browser_can_play(open_page):
    page = open_page("/apps/agri")
    page.fill("#question", "How dry should maize be before storage?")
    page.click("#send")
    page.wait_for_selector("#read-form:not([hidden])")
    with page.expect_response("**/apps/agri/speak") as spoken:
        page.click("#read")
    assert spoken.value.headers["content-type"] == "audio/wav"
    # Decoded by the browser itself: its media element knows how long the speech lasts.
    page.wait_for_function("document.getElementById('voice').readyState >= 1")
    duration = page.evaluate("document.getElementById('voice').duration")
    assert duration > 1.0
    assert page.is_visible("#voice")


def test_a_spoken_question_is_written_down_and_answered(open_page):
    page = open_page("/apps/agri")
    talk = page.locator("#talk")
    assert talk.is_visible() and not page.is_visible("#record-file"), "MediaRecorder works here: the button shows"
    box = talk.bounding_box()
    page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    page.mouse.down()
    page.wait_for_selector("#talk.recording")
    page.wait_for_timeout(3500)  # the fake microphone plays the espeak-ng question (about 2.5 s)
    with page.expect_response("**/apps/agri/api/transcribe") as heard:
        page.mouse.up()
    assert heard.value.ok, heard.value.text()
    page.wait_for_selector("#sources li")
    written = page.input_value("#question").lower()
    assert {"dry", "grain", "storage"} <= set(written.strip("?.").split()), (VOICE_QUESTION, written)
    assert page.inner_text("#answer-text").strip()
    assert page.locator("#sources li").count() >= 1


def test_without_javascript_the_form_asks_and_the_box_renders_the_answer(open_page):
    page = open_page("/apps/agri", js=False)
    assert not page.is_visible("#talk"), "no script: no hold-to-talk button, the recorder field instead"
    assert page.is_visible("#audio")
    page.fill("#question", "How do I stop weevils in stored maize?")
    page.click("#send")
    page.wait_for_url("**/apps/agri/ask")
    assert page.inner_text("#answer-text").strip()
    assert page.locator("#sources li").count() >= 1
    assert page.input_value("#read-text").strip()
    screenshot(page, "answer-no-js")
    with page.expect_response("**/apps/agri/speak") as spoken:
        page.click("#read")
    # The browser plays the WAV on its own page (its body cannot be read back here: the media player holds it).
    headers = spoken.value.headers
    assert headers["content-type"] == "audio/wav" and int(headers["content-length"]) > 10_000
