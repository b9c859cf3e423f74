import io
import logging

import pytest

from edgekit.log_reader import read_log_file
from edgekit.service_log import LOG_FILE, UVICORN_LOGGERS, configure_server_logging
from edgekit.settings import Settings


@pytest.fixture
def restore_root_logger():
    """Configuring the server's logging changes process-wide loggers: put them back for the other tests."""
    loggers = [logging.getLogger(), *(logging.getLogger(name) for name in UVICORN_LOGGERS)]
    saved = [(log, list(log.handlers), log.level, log.propagate) for log in loggers]
    logging.getLogger("uvicorn.error").setLevel(logging.INFO)  # as uvicorn.run(log_level="info") sets it
    yield
    for log, handlers, level, propagate in saved:
        for handler in [h for h in log.handlers if h not in handlers]:
            log.removeHandler(handler)
            handler.close()
        log.handlers[:] = handlers
        log.setLevel(level)
        log.propagate = propagate


def test_the_server_logs_to_a_file_that_rotates(tmp_path, restore_root_logger, monkeypatch):
    monkeypatch.delenv("JOURNAL_STREAM", raising=False)
    settings = Settings(home=tmp_path / "home", log_file_kb=16)
    configure_server_logging(settings, stream=io.StringIO())
    configure_server_logging(settings, stream=io.StringIO())  # again: replaced, not doubled
    log = logging.getLogger("edgekit.test")
    log.warning("the chat model is slow")
    try:
        raise RuntimeError("boom")
    except RuntimeError:
        log.exception("an answer failed")
    logging.getLogger("uvicorn.error").info("Application startup complete.")
    entries = read_log_file(settings.logs_dir, lines=10)
    assert [(e.level, e.message.splitlines()[0]) for e in entries] == [
        ("warning", "edgekit.test: the chat model is slow"),
        ("error", "edgekit.test: an answer failed"),
        ("info", "uvicorn: Application startup complete."),
    ]
    assert "RuntimeError: boom" in entries[1].message  # the traceback stays with its entry
    for n in range(400):
        log.info("line %d %s", n, "x" * 80)
    files = sorted(p.name for p in settings.logs_dir.iterdir())
    assert files == [LOG_FILE, f"{LOG_FILE}.1", f"{LOG_FILE}.2"]
    assert all(p.stat().st_size <= 16 * 1024 for p in settings.logs_dir.iterdir())
    assert read_log_file(settings.logs_dir, lines=1)[0].message.startswith("edgekit.test: line 399")


def test_under_systemd_each_line_carries_its_priority(tmp_path, restore_root_logger, monkeypatch):
    monkeypatch.setenv("JOURNAL_STREAM", "8:12345")
    stream = io.StringIO()
    configure_server_logging(Settings(home=tmp_path), stream=stream)
    logging.getLogger("edgekit.manager").error("cannot load\nthe model")
    logging.getLogger("edgekit.manager").info("loaded")
    assert stream.getvalue().splitlines() == [
        "<3>edgekit.manager: cannot load",
        "<3>the model",
        "<6>edgekit.manager: loaded",
    ]
