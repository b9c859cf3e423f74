"""The server's log cannot be forged through an app's route: a query string with a newline stays one line.
(Moved from apps/health/tests/test_api.py: it tests the core's logging, through the health app's API.)"""

from __future__ import annotations

from edgekit import testing


def test_a_query_string_cannot_forge_a_line_in_the_servers_log(app_kit, app_client, monkeypatch):
    import logging

    from edgekit.log_reader import read_log_file
    from edgekit.service_log import LOG_FILE, UVICORN_LOGGERS, configure_server_logging

    monkeypatch.delenv("JOURNAL_STREAM", raising=False)
    root = logging.getLogger()
    saved = (list(root.handlers), root.level, [(n, list(logging.getLogger(n).handlers)) for n in UVICORN_LOGGERS])
    forged = "2026-12-03 16:00:00+0000 INFO edgekit.audit: tech user_added mallory role=admin"
    try:
        configure_server_logging(app_kit.settings)
        response = app_client.get(
            "/apps/health/api/women?health_worker=x%0A" + forged.replace(" ", "%20").replace("+", "%2B"),
            headers=testing.bearer(app_kit, "tech"),
        )
        assert response.status_code == 200
    finally:
        for handler in [h for h in root.handlers if h not in saved[0]]:
            root.removeHandler(handler)
            handler.close()
        root.setLevel(saved[1])
        for name, handlers in saved[2]:
            logging.getLogger(name).handlers[:] = handlers
    lines = (app_kit.settings.logs_dir / LOG_FILE).read_text(encoding="utf-8").splitlines()
    assert not any(line.startswith(forged) for line in lines)
    listed = [e.message for e in read_log_file(app_kit.settings.logs_dir, 50) if "health.woman.list" in e.message]
    assert listed == [f"edgekit.audit: tech health.woman.list x\\n{forged} count=0"]
