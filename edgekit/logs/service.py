"""Where the server's log lines go: standard error (the journal, under systemd) and a small rotating file.

The journal on a provisioned box lives in RAM (journald Storage=volatile, to spare the SD card), so a power cut
empties it. The file in $EDGEKIT_HOME/logs keeps the server's last few thousand lines across one; it rotates at
log_file_kb with two older copies, so it never holds more than three times that. Under systemd each line on
standard error starts with its syslog priority (<3>, <4> ...), which journald turns into the entry's level:
without it every line, errors included, would be filed as plain information.

What a log line carries from outside (a query string, a name, an exception's message) has its control characters
escaped: a "%0A" in a request must not start a line of its own that reads like an edgekit.audit entry. The
format strings themselves are the code's own and keep their newlines; in the file every line after a record's
first is indented, so only a record's first line can ever start with a time.
"""

from __future__ import annotations

import logging
import logging.handlers
import os
import re
import sys
import traceback
from collections.abc import Mapping

from edgekit.settings import Settings

LOG_FILE = "edgekit.log"
BACKUPS = 2
FILE_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"
DATE_FORMAT = "%Y-%m-%d %H:%M:%S%z"
# Python level -> syslog priority, as journald reads it from a "<N>" prefix.
SYSLOG_PRIORITY = {logging.CRITICAL: 2, logging.ERROR: 3, logging.WARNING: 4, logging.INFO: 6, logging.DEBUG: 7}


# uvicorn files its ordinary start and stop lines under "uvicorn.error": a technician would read that as a fault.
PLAIN_NAMES = {"uvicorn.error": "uvicorn"}
UVICORN_LOGGERS = ("uvicorn", "uvicorn.error", "uvicorn.access")


class PlainNames(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        record.name = PLAIN_NAMES.get(record.name, record.name)
        return True


# Every character str.splitlines() breaks on, the rest of C0 and C1, and DEL.
CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")
NAMED = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}
CONTINUATION = "  "  # before every line of a record after its first, in the file


def escape_controls(text: str) -> str:
    """`text` on one line: each control character written out as its escape (\\n, \\x1b, \\u2028)."""

    def written(match: re.Match) -> str:
        char = match.group()
        return NAMED.get(char) or (f"\\x{ord(char):02x}" if ord(char) < 0x100 else f"\\u{ord(char):04x}")

    return CONTROL.sub(written, text)


def _safe(value):
    """A log argument with no control characters in what it prints. Numbers stay numbers (for %d); any other
    object is replaced by its escaped text only when that text needs escaping."""
    if value is None or isinstance(value, int | float):
        return value
    try:
        text = value if isinstance(value, str) else str(value)
    except Exception:  # noqa: BLE001  (logging reports an object that cannot print itself, as it always has)
        return value
    return escape_controls(text) if CONTROL.search(text) else value


def exception_text(exc_info) -> str:
    """A traceback whose exception messages (data, not code) are escaped; its frames keep their lines."""
    error = traceback.TracebackException(*exc_info)
    messages: set[str] = set()
    chain = [error]
    while chain:
        part = chain.pop()
        messages.update(part.format_exception_only())
        chain += [linked for linked in (part.__cause__, part.__context__) if linked is not None]
    chunks = (escape_controls(chunk.rstrip("\n")) + "\n" if chunk in messages else chunk for chunk in error.format())
    return "".join(chunks).rstrip("\n")


class SafeFormatter(logging.Formatter):
    """Formats a copy of each record with its arguments and exception messages escaped: the record itself is
    left as it was for any other handler (pytest's, say)."""

    def format(self, record: logging.LogRecord) -> str:
        safe = logging.makeLogRecord(record.__dict__)
        if isinstance(record.args, Mapping):
            safe.args = {key: _safe(value) for key, value in record.args.items()}
        elif record.args:
            safe.args = tuple(_safe(value) for value in record.args)
        safe.exc_text = None  # made again by formatException: another handler may have cached it unescaped
        return super().format(safe)

    def formatException(self, ei) -> str:
        return exception_text(ei)


class FileFormatter(SafeFormatter):
    def format(self, record: logging.LogRecord) -> str:
        first, *rest = super().format(record).splitlines() or [""]
        return "\n".join([first, *(CONTINUATION + line for line in rest)])


class JournalFormatter(SafeFormatter):
    def format(self, record: logging.LogRecord) -> str:
        priority = SYSLOG_PRIORITY.get(record.levelno, 6)
        # Every line of a traceback gets the prefix too: journald makes an entry of each line.
        return "\n".join(f"<{priority}>{line}" for line in super().format(record).splitlines())


def configure_server_logging(settings: Settings, stream=None) -> logging.Handler | None:
    """Send the root logger to standard error and to the log file; returns the file handler (None if the
    data directory cannot take it: the server still runs, logging to standard error alone)."""
    root = logging.getLogger()
    for handler in [h for h in root.handlers if getattr(h, "edgekit", False)]:
        root.removeHandler(handler)
        handler.close()
    root.setLevel(logging.INFO)
    for name in UVICORN_LOGGERS:  # whatever configured them before, their lines reach the handlers below
        uvicorn = logging.getLogger(name)
        uvicorn.handlers.clear()
        uvicorn.propagate = True
    console = logging.StreamHandler(stream or sys.stderr)
    under_journal = bool(os.environ.get("JOURNAL_STREAM"))
    console.setFormatter(JournalFormatter("%(name)s: %(message)s") if under_journal else FileFormatter(FILE_FORMAT))
    _add(root, console)
    try:
        settings.logs_dir.mkdir(parents=True, exist_ok=True)
        file_handler = logging.handlers.RotatingFileHandler(
            settings.logs_dir / LOG_FILE, maxBytes=settings.log_file_kb * 1024, backupCount=BACKUPS, encoding="utf-8"
        )
    except OSError as exc:
        logging.getLogger("edgekit").warning("no log file in %s: %s", settings.logs_dir, exc)
        return None
    file_handler.setFormatter(FileFormatter(FILE_FORMAT, DATE_FORMAT))
    _add(root, file_handler)
    return file_handler


def _add(root: logging.Logger, handler: logging.Handler) -> None:
    handler.edgekit = True  # type: ignore[attr-defined]  # ours: replaced, not doubled, when configured again
    handler.addFilter(PlainNames())
    root.addHandler(handler)
