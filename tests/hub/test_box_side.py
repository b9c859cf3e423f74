"""The box's side of the hub, from the technician's seat: identity, opt-ins shown on the device page, status."""

from __future__ import annotations

import json

from fastapi.testclient import TestClient
from typer.testing import CliRunner

from edgekit.kit import Kit
from edgekit.server.app import create_app
from edgekit.settings import Settings


def _cli(home, *args):
    from edgekit.cli.main import app

    return CliRunner().invoke(app, ["--home", str(home), *args])


def test_opt_ins_are_off_by_default_set_by_the_technician_and_shown_on_the_device_page(tmp_path):
    home = tmp_path / "box"
    status = json.loads(_cli(home, "sync", "status", "--json").output)
    assert status["shared"] == [] and set(status["not_shared"]) == {"phone_numbers", "notes", "questions"}
    result = _cli(home, "sync", "share", "phone_numbers", "on")
    assert result.exit_code == 0, result.output
    refused = _cli(home, "sync", "share", "names", "on")
    assert refused.exit_code == 1 and "bad_input" in refused.output
    assert json.loads(_cli(home, "sync", "status", "--json").output)["shared"] == ["phone_numbers"]

    kit = Kit(Settings(home=home, threads=1))
    kit.accounts.add_user("tech", "admin", pin="2468")
    token = kit.accounts.create_token("tech")
    with TestClient(create_app(kit=kit)) as client:
        page = client.get("/admin", headers={"Authorization": f"Bearer {token}"}).text
        page_sw = client.get("/admin", headers={"Authorization": f"Bearer {token}", "Cookie": "edgekit_lang=sw"}).text
    kit.close()
    assert "District hub" in page and "phone numbers" in page and "not enrolled" in page
    assert "namba za simu" in page_sw


def test_identity_is_made_once_and_kept(tmp_path):
    home = tmp_path / "box"
    first = _cli(home, "sync", "identity", "--name", "kilifi-001")
    again = _cli(home, "sync", "identity")
    assert first.exit_code == 0, first.output
    assert first.output == again.output and first.output.startswith("ed25519 ") and "kilifi-001" in first.output
    assert (home / "keys" / "box" / "kilifi-001.key").stat().st_mode & 0o077 == 0  # readable by the box alone


def test_device_report_names_errors_by_code_never_by_their_words(tmp_path):
    from edgekit.sync.device_report import last_errors

    logs = tmp_path / "logs"
    logs.mkdir()
    (logs / "edgekit.log").write_text(
        "2026-12-03 10:00:00+0000 INFO edgekit.server: started\n"
        "2026-12-03 10:01:00+0000 ERROR edgekit.manager: engine_crashed while answering 'my wife Amina bleeds'\n",
        encoding="utf-8",
    )
    assert last_errors(tmp_path) == ["2026-12-03 10:01:00+0000 ERROR edgekit.manager: engine_crashed"]
