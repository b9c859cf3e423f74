"""Power cuts, over and over: a real server (`edgekit serve`) and the CLI (`edgekit health visit`) both record
visits into one box, and both are killed with SIGKILL at a random moment, mid-write. After each round every visit
a writer was told was stored (a 201, or the command returning) must be there, and SQLite's integrity check must
pass. Then the box starts again on the same data.

EDGEKIT_KILL_ROUNDS (default 8; each round starts two Python processes) sets the rounds, EDGEKIT_KILL_SEED
the random moments (printed on failure)."""

from __future__ import annotations

import os
import random
import signal
import sqlite3
import subprocess
import sys
import textwrap
import threading
import time
from datetime import date, timedelta
from pathlib import Path

import httpx
import pytest

from edgekit import testing

# Read at import: the suite's autouse fixture clears EDGEKIT_* before each test runs.
ROUNDS = int(os.environ.get("EDGEKIT_KILL_ROUNDS", "8"))
SEED = int(os.environ.get("EDGEKIT_KILL_SEED", str(int(time.time()))))
CODE = "KILL-1"
START_TIMEOUT_S = 90

# The CLI writer: the real `edgekit health visit` command, called in a loop in one process (a new process per
# visit would spend the round starting Python). "ACK note" is printed only once the command has returned.
CLI_WRITER = textwrap.dedent(
    """
    import sys
    from edgekit.testing import cli_app
    app = cli_app()
    home, code, prefix = sys.argv[1:4]
    for number in range(100000):
        note = f"{prefix}-{number}"
        app(["--home", home, "health", "visit", code, "--bp", "118/76", "--notes", note, "--as", "amina"],
            standalone_mode=False)
        print("ACK", note, flush=True)
    """
)


def free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def box(tmp_path) -> tuple[Path, str]:
    """A data directory with a health worker, her token and one woman; the apps' documents indexed already, so
    each start of the server goes straight to serving (no indexing child to kill as well)."""
    from edgekit_health.registry import Actor, Registry

    home = tmp_path / "home"
    kit = testing.new_kit(home, threads=1)
    kit.prepare_database()
    kit.accounts.add_user("amina", "health_worker", pin="4826")
    token = kit.accounts.create_token("amina")
    Registry(kit.db).add_woman(
        Actor("amina", "health_worker"), village="Kibera", lmp=date.today() - timedelta(weeks=20), code=CODE
    )
    testing.sync_knowledge(kit)
    kit.close()
    return home, token


class ServerWriter(threading.Thread):
    """Posts visits to the server one after another; a note is acknowledged when the server answered 201."""

    def __init__(self, base_url: str, token: str, prefix: str):
        super().__init__(daemon=True)
        self.client = httpx.Client(base_url=base_url, headers={"Authorization": f"Bearer {token}"}, timeout=30)
        self.prefix, self.acked, self.stop = prefix, [], threading.Event()

    def run(self) -> None:
        number = 0
        while not self.stop.is_set():
            note = f"{self.prefix}-{number}"
            try:
                response = self.client.post(
                    f"/apps/health/api/women/{CODE}/visits", json={"systolic": 118, "diastolic": 76, "notes": note}
                )
            except httpx.HTTPError:
                return  # the server is gone: this visit was never acknowledged
            if response.status_code == 201:
                self.acked.append(note)
            number += 1


class CliWriter(threading.Thread):
    """Reads the CLI writer's acknowledgements as they come."""

    def __init__(self, home: Path, prefix: str, env: dict):
        super().__init__(daemon=True)
        self.process = subprocess.Popen(
            [sys.executable, "-c", CLI_WRITER, str(home), CODE, prefix],
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            text=True,
            env=env,
        )
        self.acked: list[str] = []

    def run(self) -> None:
        for line in self.process.stdout:
            if line.startswith("ACK "):
                self.acked.append(line.split()[1])


def start_server(home: Path, env: dict) -> tuple[subprocess.Popen, str]:
    port = free_port()
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "edgekit.cli.main",
            "--home",
            str(home),
            "serve",
            "--host",
            "127.0.0.1",
            "--port",
            f"{port}",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env=env,
        start_new_session=True,  # its own process group: the kill takes any child with it, as a power cut does
    )
    base_url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + START_TIMEOUT_S
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"{base_url}/healthz", timeout=5).status_code == 200:
                return server, base_url
        except httpx.HTTPError:
            time.sleep(0.1)
    os.killpg(server.pid, signal.SIGKILL)
    raise AssertionError("the server did not start")


def wait_for(condition, message: str, timeout_s: float = START_TIMEOUT_S) -> None:
    deadline = time.monotonic() + timeout_s
    while not condition():
        assert time.monotonic() < deadline, message
        time.sleep(0.02)


def stored_notes(home: Path) -> tuple[str, set[str]]:
    """SQLite's own verdict on the file, and the notes of every visit stored, read as a fresh process would."""
    connection = sqlite3.connect(home / "edgekit.db")
    try:
        integrity = connection.execute("PRAGMA integrity_check").fetchone()[0]
        notes = {row[0] for row in connection.execute("SELECT notes FROM health_visit")}
    finally:
        connection.close()
    return integrity, notes


def test_every_acknowledged_visit_survives_repeated_kills(box):
    home, token = box
    env = {**os.environ, "EDGEKIT_HOME": str(home)}
    env.pop("EDGEKIT_MODELS_DIR", None)
    chance = random.Random(SEED)
    acknowledged: list[str] = []
    for round_number in range(ROUNDS):
        cli = CliWriter(home, f"cli{round_number}", env)  # both processes start together: the round's slow part
        cli.start()
        server, base_url = start_server(home, env)
        wait_for(lambda cli=cli: cli.acked, f"round {round_number}: the CLI writer never wrote (seed {SEED})")
        writer = ServerWriter(base_url, token, f"srv{round_number}")
        writer.start()
        wait_for(lambda writer=writer: writer.acked, f"round {round_number}: the server never wrote (seed {SEED})")
        time.sleep(chance.uniform(0, 0.4))  # a random moment, mid-write for one writer or both
        os.killpg(server.pid, signal.SIGKILL)
        cli.process.kill()
        server.wait(timeout=30)
        cli.process.wait(timeout=30)
        writer.join(timeout=30)
        cli.join(timeout=30)
        acknowledged += writer.acked + cli.acked
        integrity, notes = stored_notes(home)
        assert integrity == "ok", f"round {round_number}: {integrity} (seed {SEED})"
        lost = sorted(set(acknowledged) - notes)
        assert not lost, f"round {round_number}: acknowledged visits lost: {lost[:10]} (seed {SEED})"
    assert len(acknowledged) >= 2 * ROUNDS
    print(f"{ROUNDS} rounds, {len(acknowledged)} acknowledged visits, all found (seed {SEED})")
