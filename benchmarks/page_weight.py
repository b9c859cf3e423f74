"""What each page of the box weighs on a phone's first visit: bytes over the wire (headers and bodies of the page and
everything it loads, empty cache), measured by Debian's chromium, against the 200 KB budget for a first load.
    .venv/bin/python benchmarks/page_weight.py
Starts `edgekit serve` on a free loopback port with a fresh data directory (and the installed models), signs in
a teacher and a technician for the pages that need one. Needs chromium (apt-get install chromium) and the test
extra (playwright).
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

from edgekit.kit import Kit
from edgekit.settings import Settings

BUDGET = 200 * 1024
PEOPLE = {"mwalimu": ("teacher", "1357"), "tech": ("admin", "2468"), "amina": ("health_worker", "4826")}
PAGES = [
    ("home", "/", None),
    ("app (ask page)", "/apps/agri", None),
    ("sign in", "/login", None),
    ("source", "/apps/agri/source?title=Fall%20armyworm%20in%20maize", None),
    ("home, Swahili", "/", "sw"),
    ("past questions", "/history", "mwalimu"),
    ("device status", "/admin", "tech"),
    ("apps on/off", "/admin/apps", "tech"),
    ("people", "/admin/users", "tech"),
    ("health: danger signs", "/apps/health/triage", "amina"),
    ("health: mothers", "/apps/health/mothers", "amina"),
    ("health: referrals", "/apps/health/referrals", "amina"),
]
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]  # fmt: skip


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def first_load_bytes(page, url: str) -> int:
    cdp = page.context.new_cdp_session(page)
    cdp.send("Network.enable")
    cdp.send("Network.setCacheDisabled", {"cacheDisabled": True})
    sizes: dict[str, float] = {}
    cdp.on("Network.loadingFinished", lambda event: sizes.__setitem__(event["requestId"], event["encodedDataLength"]))
    page.goto(url)
    page.wait_for_load_state("networkidle")
    return int(sum(sizes.values()))


def main() -> None:
    from playwright.sync_api import sync_playwright

    home = Path(tempfile.mkdtemp(prefix="edgekit-pages-"))
    models = os.environ.get("EDGEKIT_MODELS_DIR") or str(Settings().models_dir)
    kit = Kit(Settings(home=home, models_dir_override=Path(models)))
    for name, (role, pin) in PEOPLE.items():
        kit.accounts.add_user(name, role, pin=pin)
    kit.close()
    port = free_port()
    env = {**os.environ, "EDGEKIT_HOME": str(home), "EDGEKIT_MODELS_DIR": models}
    edgekit = Path(sys.executable).parent / "edgekit"
    server = subprocess.Popen(
        [str(edgekit), "serve", "--host", "127.0.0.1", "--port", str(port)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 180  # the server serves at once; the source page needs the documents indexed
        while True:
            try:
                health = httpx.get(base + "/healthz", timeout=2)
                if health.status_code == 200 and health.json().get("knowledge") == "ready":
                    break
            except httpx.HTTPError:
                pass
            if time.monotonic() > deadline or server.poll() is not None:
                sys.exit("the server did not start")
            time.sleep(0.5)
        rows = []
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
            for label, path, who in PAGES:
                context = browser.new_context(viewport={"width": 360, "height": 740})
                page = context.new_page()
                if who in PEOPLE:
                    page.goto(base + "/login")
                    page.fill("#name", who)
                    page.fill("#pin", PEOPLE[who][1])
                    page.click("form.stack button[type=submit]")
                    page.wait_for_load_state()
                elif who:  # a language
                    context.add_cookies([{"name": "edgekit_lang", "value": who, "url": base}])
                rows.append((label, path, first_load_bytes(page, base + path)))
                context.close()
            browser.close()
    finally:
        server.terminate()
        server.wait(timeout=20)
    print(f"{'page':<18} {'path':<52} {'bytes':>8} {'of 200 KB':>9}")
    for label, path, weight in rows:
        print(f"{label:<18} {path:<52} {weight:>8} {weight / BUDGET:>9.1%}")
    heaviest = max(rows, key=lambda row: row[2])
    print(f"heaviest: {heaviest[0]}, {heaviest[2]} bytes = {heaviest[2] / BUDGET:.1%} of the budget")


if __name__ == "__main__":
    main()
