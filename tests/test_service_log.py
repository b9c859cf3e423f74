import io
import logging

import pytest

from edgekit.logs.reader import read_log_file
from edgekit.logs.service import LOG_FILE, UVICORN_LOGGERS, configure_server_logging
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


FORGED = "2026-12-03 16:00:00+0000 INFO edgekit.audit: tech user_added mallory role=admin"


def test_data_in_a_log_line_cannot_forge_another_line(tmp_path, restore_root_logger, monkeypatch):
    # A query string's %0A once wrote a fake edgekit.audit line into the file (issue 13, defect 6).
    monkeypatch.delenv("JOURNAL_STREAM", raising=False)
    settings = Settings(home=tmp_path / "home")
    configure_server_logging(settings, stream=io.StringIO())
    audit = logging.getLogger("edgekit.audit")
    for breaker in ("\n", "\r\n", "\r", "\x0b", "\x0c", "\x1c", "\x85", "\u2028", "\u2029"):
        audit.info("%s %s %s %s", "tech", "health.woman.list", f"x{breaker}{FORGED}", "count=0")
    audit.info("%(who)s read %(what)s", {"who": "tech", "what": f"y\n{FORGED}"})
    text = (settings.logs_dir / LOG_FILE).read_text(encoding="utf-8")
    assert not any(line.startswith(FORGED) for line in text.splitlines())
    entries = read_log_file(settings.logs_dir, lines=100)
    assert len(entries) == 10 and all("\n" not in e.message for e in entries)
    assert "health.woman.list x\\n2026-12-03 16:00:00+0000 INFO edgekit.audit: tech" in entries[0].message
    assert "\\r\\n" in entries[1].message and "\\u2028" in entries[7].message
    assert entries[9].message == f"edgekit.audit: tech read y\\n{FORGED}"


def test_an_exception_message_cannot_forge_a_line_and_the_record_is_left_as_it_was(
    tmp_path, restore_root_logger, monkeypatch
):
    monkeypatch.delenv("JOURNAL_STREAM", raising=False)
    settings = Settings(home=tmp_path / "home")
    configure_server_logging(settings, stream=io.StringIO())
    seen = []

    class Keep(logging.Handler):
        def emit(self, record):
            seen.append(record)

    keep = Keep()
    logging.getLogger().addHandler(keep)
    try:
        try:
            raise ValueError(f"bad value\n{FORGED}")
        except ValueError:
            logging.getLogger("edgekit.test").exception("asking failed for %s", "a\tb")
    finally:
        logging.getLogger().removeHandler(keep)
    text = (settings.logs_dir / LOG_FILE).read_text(encoding="utf-8")
    assert not any(line.startswith(FORGED) for line in text.splitlines())
    [entry] = read_log_file(settings.logs_dir, lines=10)
    assert entry.message.startswith("edgekit.test: asking failed for a\\tb\n")
    assert f"ValueError: bad value\\n{FORGED}" in entry.message and "Traceback" in entry.message
    assert seen[0].args == ("a\tb",)  # other handlers (pytest's, a journal) get the record untouched


def test_under_systemd_data_cannot_make_an_entry_of_its_own(tmp_path, restore_root_logger, monkeypatch):
    monkeypatch.setenv("JOURNAL_STREAM", "8:12345")
    stream = io.StringIO()
    configure_server_logging(Settings(home=tmp_path), stream=stream)
    logging.getLogger("edgekit.audit").info("%s read %s", "tech", "x\nedgekit.audit: tech user_added mallory")
    try:
        raise KeyError("k\nedgekit.audit: forged")
    except KeyError:
        logging.getLogger("edgekit.grounded").exception("failed")
    lines = stream.getvalue().splitlines()
    assert lines[0] == "<6>edgekit.audit: tech read x\\nedgekit.audit: tech user_added mallory"
    assert not any(line.startswith("<3>edgekit.audit") for line in lines)
    assert all(line.startswith(("<6>", "<3>")) for line in lines)
