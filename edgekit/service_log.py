"""Where the server's log lines go: standard error (the journal, under systemd) and a small rotating file.

The journal on a provisioned box lives in RAM (journald Storage=volatile, to spare the SD card), so a power cut
empties it. The file in $EDGEKIT_HOME/logs keeps the server's last few thousand lines across one; it rotates at
log_file_kb with two older copies, so it never holds more than three times that. Under systemd each line on
standard error starts with its syslog priority (<3>, <4> ...), which journald turns into the entry's level:
without it every line, errors included, would be filed as plain information.
"""

from __future__ import annotations

import logging
import logging.handlers
import os
import sys

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


class JournalFormatter(logging.Formatter):
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
    console.setFormatter(JournalFormatter("%(name)s: %(message)s") if under_journal else logging.Formatter(FILE_FORMAT))
    _add(root, console)
    try:
        settings.logs_dir.mkdir(parents=True, exist_ok=True)
        file_handler = logging.handlers.RotatingFileHandler(
            settings.logs_dir / LOG_FILE, maxBytes=settings.log_file_kb * 1024, backupCount=BACKUPS, encoding="utf-8"
        )
    except OSError as exc:
        logging.getLogger("edgekit").warning("no log file in %s: %s", settings.logs_dir, exc)
        return None
    file_handler.setFormatter(logging.Formatter(FILE_FORMAT, DATE_FORMAT))
    _add(root, file_handler)
    return file_handler


def _add(root: logging.Logger, handler: logging.Handler) -> None:
    handler.edgekit = True  # ours: replaced, not doubled, when logging is configured again
    handler.addFilter(PlainNames())
    root.addHandler(handler)
