"""edgekit logs: from a (fake) journalctl on PATH, and from the server's own file when there is no journal."""

import json
import os
from datetime import datetime, timedelta

import pytest

NOW = datetime.now().astimezone().replace(microsecond=0)


def journal_line(minutes_ago: int, priority: int, message, unit: str = "edgekit.service") -> str:
    stamp = int((NOW - timedelta(minutes=minutes_ago)).timestamp() * 1e6)
    return json.dumps(
        {"__REALTIME_TIMESTAMP": str(stamp), "PRIORITY": str(priority), "MESSAGE": message, "_SYSTEMD_UNIT": unit}
    )


@pytest.fixture
def fake_journalctl(tmp_path, monkeypatch):
    """A journalctl that records its arguments and prints four entries, as `-o json` does."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    entries = [
        journal_line(50, 6, "uvicorn: Application startup complete."),
        journal_line(40, 4, "edgekit.manager: chat model evicted to make room"),
        journal_line(30, 3, list("cannot load \xff".encode("latin-1"))),  # not UTF-8: a list of bytes
        journal_line(20, 6, "imported 2 packs", unit="edgekit-usb-import@sda1.service"),
    ]
    (tmp_path / "journal.json").write_text("\n".join(entries) + "\n")
    script = bin_dir / "journalctl"
    script.write_text(f'#!/bin/sh\nprintf "%s\\n" "$*" > {tmp_path}/args\ncat {tmp_path}/journal.json\n')
    script.chmod(0o755)
    monkeypatch.setenv("PATH", f"{bin_dir}{os.pathsep}{os.environ['PATH']}")
    return tmp_path / "args"


def test_logs_from_the_journal_in_plain_words(edgekit, fake_journalctl):
    result = edgekit("logs", "--lines", "3")
    assert result.exit_code == 0, result.output
    args = fake_journalctl.read_text().split()
    assert args[:4] == ["-u", "edgekit.service", "-u", "edgekit-usb-import@*.service"]
    assert args[4:9] == ["--no-pager", "-o", "json", "-n", "3"]
    lines = result.stdout.splitlines()
    assert len(lines) == 3  # the newest three, oldest first
    assert lines[0].endswith("warning  edgekit.manager: chat model evicted to make room")
    assert "error    cannot load \ufffd" in lines[1]
    assert lines[2].endswith("info     [edgekit-usb-import@sda1] imported 2 packs")
    assert (NOW - timedelta(minutes=20)).strftime("%Y-%m-%d %H:%M") in lines[2]
    assert "from the systemd journal" in result.stderr


def test_errors_only_and_since_reach_journalctl_and_are_applied(edgekit, fake_journalctl):
    since = (NOW - timedelta(minutes=45)).strftime("%Y-%m-%d %H:%M:%S")
    result = edgekit("logs", "--errors", "--since", since, "--json")
    assert result.exit_code == 0, result.output
    args = fake_journalctl.read_text()
    assert "-p warning" in args and f"--since {since}" in args
    body = json.loads(result.stdout)
    assert body["source"] == "the systemd journal"
    assert [e["level"] for e in body["entries"]] == ["warning", "error"]


def test_without_a_journal_the_server_log_file_is_read(edgekit, home, tmp_path, monkeypatch):
    monkeypatch.setenv("PATH", str(tmp_path / "empty-bin"))  # no journalctl here
    logs = home / "logs"
    logs.mkdir(parents=True)
    earlier = (NOW - timedelta(hours=3)).strftime("%Y-%m-%d %H:%M:%S%z")
    later = (NOW - timedelta(minutes=5)).strftime("%Y-%m-%d %H:%M:%S%z")
    (logs / "edgekit.log.1").write_text(f"{earlier} INFO uvicorn: Started server process [41]\n")
    (logs / "edgekit.log").write_text(
        f"{earlier} WARNING edgekit.power: on battery\n"
        f"{later} ERROR edgekit.grounded: an answer failed\n"
        "Traceback (most recent call last):\n"
        "RuntimeError: boom\n"
        f"{later} INFO uvicorn: Shutting down\n"
    )
    everything = edgekit("logs")
    assert everything.exit_code == 0, everything.output
    assert [line.split("  ")[1].strip() for line in everything.stdout.splitlines() if line[:2] == "20"] == [
        "info",
        "warning",
        "error",
        "info",
    ]
    assert "RuntimeError: boom" in everything.stdout
    assert f"from {logs / 'edgekit.log'}" in everything.stderr
    recent_errors = json.loads(edgekit("logs", "--errors", "--since", "-1h", "--json").stdout)["entries"]
    assert [(e["level"], e["message"].splitlines()[0]) for e in recent_errors] == [
        ("error", "edgekit.grounded: an answer failed")
    ]
    asked_journal = edgekit("logs", "--source", "journal")
    assert asked_journal.exit_code == 1 and "error [no_journal]" in asked_journal.stderr


def test_no_logs_yet(edgekit, tmp_path, monkeypatch):
    monkeypatch.setenv("PATH", str(tmp_path / "empty-bin"))
    result = edgekit("logs", "--errors")
    assert result.exit_code == 0 and "No log entries with warnings or errors." in result.stdout
