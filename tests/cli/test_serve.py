"""`edgekit serve` as a real process on loopback, the way make run starts it."""

import json
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from tests.conftest import CHAT_MODEL


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def served(home, installed_models_dir):
    port = free_port()
    env = {**os.environ, "EDGEKIT_HOME": str(home), "EDGEKIT_MODELS_DIR": str(installed_models_dir)}
    edgekit = Path(sys.executable).parent / "edgekit"
    process = subprocess.Popen(
        [str(edgekit), "serve", "--host", "127.0.0.1", "--port", str(port)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            httpx.get(url + "/healthz", timeout=1)
            break
        except httpx.TransportError:
            assert process.poll() is None, process.stdout.read()
            time.sleep(0.2)
    yield url, process
    process.terminate()
    process.wait(timeout=10)


def test_serve_answers_healthz_and_the_root_page(served, home):
    url, process = served
    health = httpx.get(url + "/healthz").json()
    assert health["status"] == "ok"
    assert CHAT_MODEL in [m["id"] for m in health["models"]]
    assert 'href="/apps/agri"' in httpx.get(url + "/").text  # the home page lists the apps a guest may use
    assert (home / "edgekit.db").exists()
    process.terminate()
    output = process.communicate(timeout=10)[0]
    assert f"edgekit is serving on http://127.0.0.1:{url.rsplit(':', 1)[1]}" in output
    # The server's own log survives a power cut that empties a journal kept in RAM: `edgekit logs` reads it.
    log_file = (home / "logs" / "edgekit.log").read_text()
    assert "INFO uvicorn: Application startup complete." in log_file


def test_serve_with_an_unusable_data_directory_fails_clearly(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    edgekit = Path(sys.executable).parent / "edgekit"
    run = subprocess.run(
        [str(edgekit), "--home", str(blocker / "home"), "serve", "--port", str(free_port())],
        capture_output=True,
        text=True,
        timeout=30,
        check=False,
    )
    assert run.returncode == 1
    assert "data_dir_unwritable" in run.stderr and str(blocker) in run.stderr
    assert "Traceback" not in run.stderr


def test_models_status_asks_the_running_server(served):
    url, _process = served
    port = url.rsplit(":", 1)[1]
    edgekit = Path(sys.executable).parent / "edgekit"
    run = subprocess.run(
        [str(edgekit), "models", "status", "--port", port, "--json"],
        capture_output=True,
        text=True,
        timeout=30,
        check=False,
    )
    assert run.returncode == 0, run.stderr
    body = json.loads(run.stdout)
    assert body["loaded"] == [] and body["used_mb"] == 0 and body["budget_mb"] > 0


def test_models_status_without_a_server_says_so(edgekit):
    result = edgekit("models", "status", "--port", str(free_port()))
    assert result.exit_code == 1
    assert "server_not_running" in result.stderr and "edgekit serve" in result.stderr
