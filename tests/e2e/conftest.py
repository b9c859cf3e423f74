"""The browser tests: Debian's chromium driven by Playwright against the real server on loopback, with the real
models, the agri app and a staff-room app built here. One browser and one server for all of tests/e2e: package
scope, because Playwright's sync API holds an event loop in the main thread until it stops, and later tests call
asyncio.run() there.

Never `playwright install` (it downloads a browser): chromium comes from Debian (.ci/run installs it).
Screenshots and page weights are written under test-artifacts/ (git-ignored).
"""

from __future__ import annotations

import shutil
import subprocess
import wave
from pathlib import Path

import pytest

from edgekit.apps import load_manifest
from edgekit.kit import Kit
from edgekit.plugins import load_plugins
from edgekit.settings import Settings
from tests.e2e.staffroom import StaffroomPlugin, write_app
from tests.server.live import live_server

CHROMIUM = Path("/usr/bin/chromium")
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
SCREENSHOTS = ARTIFACTS / "screenshots"
PHONE = {"width": 360, "height": 740}
VOICE_QUESTION = "How should I dry my grain before storage?"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--use-fake-device-for-media-stream",
    "--use-fake-ui-for-media-stream",
]
PEOPLE = {
    "tech": ("admin", "2468"),
    "mwalimu": ("teacher", "1357"),
    "pupil": ("student", "8642"),
    "amina": ("health_worker", "4826"),
}


def spoken_question_wav(folder: Path, text: str, words_per_minute: int) -> Path:
    """`text` spoken by espeak-ng, then a second of silence: what the fake microphone hears."""
    if shutil.which("espeak-ng") is None:
        pytest.fail("The browser tests speak into the fake microphone with espeak-ng: apt-get install espeak-ng")
    spoken = folder / "spoken.wav"
    command = ["espeak-ng", "-v", "en-us", "-s", str(words_per_minute), "-w", str(spoken), text]
    subprocess.run(command, check=True)
    with wave.open(str(spoken), "rb") as source:
        params, frames = source.getparams(), source.readframes(source.getnframes())
    padded = folder / "question.wav"
    with wave.open(str(padded), "wb") as out:
        out.setparams(params)
        out.writeframes(frames + b"\0" * params.sampwidth * params.framerate)
    return padded


@pytest.fixture(scope="package")
def voice_question_wav(tmp_path_factory) -> Path:
    """The farm question the package's fake microphone plays."""
    return spoken_question_wav(tmp_path_factory.mktemp("voice"), VOICE_QUESTION, 140)


@pytest.fixture(scope="package")
def e2e_kit(installed_models_dir, embed_models_dir, tmp_path_factory) -> Kit:
    from edgekit.knowledge.sync import sync_app_knowledge

    staffroom = write_app(tmp_path_factory.mktemp("staffroom") / "edgekit_staffroom")
    host = load_plugins()
    host.add_app(StaffroomPlugin(), load_manifest(staffroom))
    settings = Settings(
        home=tmp_path_factory.mktemp("e2e-home"),
        models_dir_override=installed_models_dir,
        threads=2,
        max_tokens=48,
        login_delay_s=0,
    )
    kit = Kit(settings, plugin_host=host)
    for name, (role, pin) in PEOPLE.items():
        kit.accounts.add_user(name, role, pin=pin)
    sync_app_knowledge(kit)  # here, not in the server's child: the child would not know the staff-room app
    yield kit
    kit.close()


@pytest.fixture(scope="package")
def server(e2e_kit) -> str:
    with live_server(e2e_kit) as url:
        yield url


@pytest.fixture(scope="package")
def browser(voice_question_wav):
    from playwright.sync_api import sync_playwright

    if not CHROMIUM.exists():
        pytest.fail("The browser tests drive Debian's chromium: apt-get install chromium")
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    # Playwright gives every launch a fresh, temporary user-data-dir of its own.
    args = [*CHROMIUM_ARGS, f"--use-file-for-fake-audio-capture={voice_question_wav}%noloop"]
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=args, headless=True)
        yield browser
        browser.close()


@pytest.fixture
def open_page(browser, server):
    """open_page(path, js=True): a new phone-sized browser context (its own cookies) at `path`."""
    contexts = []

    def open_(path: str = "/", *, js: bool = True):
        # bypass_csp: the escaping tests must prove escaping, not that the page's CSP would stop a script anyway
        # (and Playwright's wait_for_function evaluates strings, which the CSP forbids).
        context = browser.new_context(
            viewport=PHONE, java_script_enabled=js, permissions=["microphone"], bypass_csp=True
        )
        context.set_default_timeout(60_000)
        contexts.append(context)
        page = context.new_page()
        page.goto(server + path)
        return page

    yield open_
    for context in contexts:
        context.close()


def screenshot(page, name: str) -> None:
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)


def sign_in(page, server: str, name: str) -> None:
    """Through the sign-in form, as a person would."""
    page.goto(server + "/login")
    page.fill("#name", name)
    page.fill("#pin", PEOPLE[name][1])
    page.click("form.stack button[type=submit]")
    page.wait_for_load_state()
