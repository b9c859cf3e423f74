"""Recent service logs in plain words: from the systemd journal when there is one, else from the server's own file.

A technician needs what happened, when, and how bad it was: a time, a level in words (error, warning, info) and
the message, whichever of the two places holds them.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from edgekit.errors import BadInput
from edgekit.logs.service import BACKUPS, DATE_FORMAT, LOG_FILE

# The index is the syslog priority.
LEVELS = ("emergency", "alert", "critical", "error", "warning", "notice", "info", "debug")
WARNING = LEVELS.index("warning")
PYTHON_LEVELS = {"CRITICAL": "critical", "ERROR": "error", "WARNING": "warning", "INFO": "info", "DEBUG": "debug"}
UNITS = ("edgekit.service", "edgekit-usb-import@*.service")
FILE_LINE = re.compile(r"^(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d[+-]\d{4}) (DEBUG|INFO|WARNING|ERROR|CRITICAL) (.*)$")
AGO = re.compile(r"^(?:-(\d+)\s*([smhd])|(\d+)\s*(s|sec|seconds?|m|min|minutes?|h|hours?|d|days?)\s+ago)$")
SECONDS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


@dataclass(frozen=True)
class LogEntry:
    time: datetime
    level: str
    message: str
    unit: str = ""

    @property
    def priority(self) -> int:
        return LEVELS.index(self.level)

    def as_dict(self) -> dict:
        return {
            "time": self.time.isoformat(timespec="seconds"),
            "level": self.level,
            "message": self.message,
            "unit": self.unit,
        }


def local_now() -> datetime:
    return datetime.now().astimezone()


def parse_since(text: str, now: datetime | None = None) -> datetime:
    """'2024-05-01', '2024-05-01 14:30', 'today', 'yesterday', '-2h', '30 min ago' -> a local time."""
    now = now or local_now()
    value = text.strip().lower()
    midnight = now.replace(hour=0, minute=0, second=0, microsecond=0)
    if value == "today":
        return midnight
    if value == "yesterday":
        return midnight - timedelta(days=1)
    if match := AGO.match(value):
        amount = int(match.group(1) or match.group(3))
        unit = (match.group(2) or match.group(4))[0]
        return now - timedelta(seconds=amount * SECONDS[unit])
    try:
        moment = datetime.fromisoformat(text.strip())
    except ValueError:
        raise BadInput(
            f"--since '{text}' is not a time: use 2024-05-01, '2024-05-01 14:30', today, yesterday, -2h "
            "or '30 min ago'.",
            code="bad_since",
        ) from None
    return moment if moment.tzinfo else moment.replace(tzinfo=now.tzinfo)


# --- the journal ----------------------------------------------------------------------------------------------


def read_journal(
    lines: int, since: datetime | None = None, errors_only: bool = False, journalctl: str | None = None
) -> list[LogEntry] | None:
    """The last entries of edgekit's units, oldest first; None when there is no journal to ask."""
    program = journalctl or shutil.which("journalctl")
    if program is None:
        return None
    command = [program]
    for unit in UNITS:
        command += ["-u", unit]
    command += ["--no-pager", "-o", "json", "-n", str(lines)]
    if since is not None:
        command += ["--since", since.astimezone().strftime("%Y-%m-%d %H:%M:%S")]
    if errors_only:
        command += ["-p", "warning"]
    try:
        run = subprocess.run(command, capture_output=True, text=True, timeout=30, check=False)
    except (OSError, subprocess.TimeoutExpired):
        return None
    if run.returncode != 0:
        return None
    entries = [entry for line in run.stdout.splitlines() if (entry := _journal_entry(line))]
    return _select(entries, lines, since, errors_only)


def _journal_entry(line: str) -> LogEntry | None:
    try:
        fields = json.loads(line)
        stamp = datetime.fromtimestamp(int(fields["__REALTIME_TIMESTAMP"]) / 1e6).astimezone()
    except (ValueError, KeyError, TypeError):
        return None
    message = fields.get("MESSAGE", "")
    if isinstance(message, list):  # journald sends a message that is not valid UTF-8 as a list of bytes
        message = bytes(message).decode("utf-8", "replace")
    try:
        priority = min(max(int(fields.get("PRIORITY", 6)), 0), 7)
    except (TypeError, ValueError):
        priority = 6
    unit = fields.get("_SYSTEMD_UNIT") or fields.get("UNIT") or ""
    return LogEntry(stamp, LEVELS[priority], str(message), str(unit))


# --- the server's own file ------------------------------------------------------------------------------------


def log_files(logs_dir: Path) -> list[Path]:
    """The current file and its rotated copies, oldest first."""
    names = [f"{LOG_FILE}.{n}" for n in range(BACKUPS, 0, -1)] + [LOG_FILE]
    return [logs_dir / name for name in names if (logs_dir / name).is_file()]


def read_log_file(
    logs_dir: Path, lines: int, since: datetime | None = None, errors_only: bool = False
) -> list[LogEntry]:
    entries: list[LogEntry] = []
    for path in log_files(logs_dir):
        for line in path.read_text(encoding="utf-8", errors="replace").splitlines():
            match = FILE_LINE.match(line)
            if match:
                stamp = datetime.strptime(match.group(1), DATE_FORMAT)
                entries.append(LogEntry(stamp, PYTHON_LEVELS[match.group(2)], match.group(3)))
            elif entries and line.strip():  # a traceback's lines belong to the entry above them
                last = entries[-1]
                entries[-1] = LogEntry(last.time, last.level, last.message + "\n" + line, last.unit)
    return _select(entries, lines, since, errors_only)


def _select(entries: list[LogEntry], lines: int, since: datetime | None, errors_only: bool) -> list[LogEntry]:
    chosen = [e for e in entries if (since is None or e.time >= since) and (not errors_only or e.priority <= WARNING)]
    return chosen[-lines:] if lines > 0 else []


def recent_logs(
    logs_dir: Path, lines: int, since: datetime | None = None, errors_only: bool = False, source: str = "auto"
) -> tuple[str, list[LogEntry]]:
    """(where they came from, entries). auto: the journal when it holds any, else the file when there is one."""
    if source in ("auto", "journal"):
        journal = read_journal(lines, since, errors_only)
        if source == "journal":
            if journal is None:
                raise BadInput("This box has no systemd journal to read: try --source file.", code="no_journal")
            return "the systemd journal", journal
        if journal or (journal is not None and not log_files(logs_dir)):
            return "the systemd journal", journal
    return str(logs_dir / LOG_FILE), read_log_file(logs_dir, lines, since, errors_only)
