"""edgekit backup | restore around a real `edgekit serve`: the backup is taken while it serves, the restore waits
for it to stop."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from tests.cli.test_serve import free_port

EDGEKIT = Path(sys.executable).parent / "edgekit"


def edgekit(home: Path, *args: str, input: str | None = None) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith("EDGEKIT_")}
    return subprocess.run(
        [str(EDGEKIT), "--home", str(home), *args],
        env=env,
        input=input,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


@pytest.fixture
def server(tmp_path, installed_models_dir):
    """`edgekit serve` on a data directory of its own (reading the installed models), and its stop function."""
    home = tmp_path / "box"
    port = free_port()
    env = {**os.environ, "EDGEKIT_HOME": str(home), "EDGEKIT_MODELS_DIR": str(installed_models_dir)}
    process = subprocess.Popen(
        [str(EDGEKIT), "serve", "--host", "127.0.0.1", "--port", str(port)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    deadline = time.monotonic() + 60
    while True:
        try:
            httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=1)
            break
        except httpx.TransportError:
            assert process.poll() is None and time.monotonic() < deadline, process.stdout.read()
            time.sleep(0.2)

    def stop():
        process.terminate()
        process.wait(timeout=20)

    yield home, stop
    if process.poll() is None:
        stop()


def test_backup_while_serving_and_restore_once_stopped(server, tmp_path):
    home, stop = server
    added = edgekit(home, "users", "add", "amina", "--role", "health_worker", "--pin", "4821")
    assert added.returncode == 0, added.stderr
    backed_up = edgekit(home, "backup", "--to", str(tmp_path / "usb" / "backup"), "--json")
    assert backed_up.returncode == 0, backed_up.stderr
    assert "edgekit.db" in json.loads(backed_up.stdout)["files"]

    assert edgekit(home, "users", "add", "later", "--role", "teacher", "--pin", "1111").returncode == 0
    refused = edgekit(home, "restore", "--from", str(tmp_path / "usb" / "backup"))
    assert refused.returncode == 1 and "error [server_running]" in refused.stderr
    assert "edgekit serve" in refused.stderr and "Traceback" not in refused.stderr

    stop()
    restored = edgekit(home, "restore", "--from", str(tmp_path / "usb" / "backup"))
    assert restored.returncode == 0, restored.stderr
    assert "edgekit.db.before-restore" in restored.stdout
    users = json.loads(edgekit(home, "users", "list", "--json").stdout)
    assert [u["name"] for u in users] == ["amina"]


def test_a_damaged_backup_is_refused_by_the_command(tmp_path):
    home = tmp_path / "box"
    assert edgekit(home, "users", "add", "amina", "--role", "health_worker", "--pin", "4821").returncode == 0
    assert edgekit(home, "backup", "--to", str(tmp_path / "backup")).returncode == 0
    (tmp_path / "backup" / "edgekit.db").write_bytes(b"nothing like a database")
    refused = edgekit(home, "restore", "--from", str(tmp_path / "backup"))
    assert (
        refused.returncode == 1
        and "error [backup_damaged]" in refused.stderr
        and "Nothing was changed" in refused.stderr
    )
    assert not list(home.glob("*.before-restore"))
