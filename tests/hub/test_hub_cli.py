"""The USB round trip through the commands a technician and a hub admin type."""

from __future__ import annotations

import json

from typer.testing import CliRunner

from tests.hub.conftest import add_health_records, box_outbox, hub_ledger


def _run(*args):
    from edgekit.cli.main import app

    return CliRunner().invoke(app, list(args))


def test_usb_round_trip_by_the_commands(hub_settings, hub_engine, make_box, tmp_path):
    box = make_box("lamu-1", "Lamu Dispensary")
    add_health_records(box, women=2)
    stick = tmp_path / "stick"
    home = str(box.home)

    exported = _run("--home", home, "sync", "export", "--to", str(stick), "--facility", "Lamu Dispensary")
    assert exported.exit_code == 0, exported.output
    first = _run("hub", "import", str(stick))
    assert "enrolment waiting for approval: lamu-1" in first.output and "box_not_approved" in first.output
    assert _run("hub", "approve", "lamu-1").exit_code == 0
    landed = _run("hub", "import", str(stick))
    assert landed.exit_code == 0 and f"{len(box_outbox(box))} new" in landed.output
    assert "0 new" in _run("hub", "import", str(stick)).output  # the same stick again
    assert hub_ledger(hub_engine, "lamu-1") == box_outbox(box)

    assert _run("hub", "export", "--to", str(stick)).exit_code == 0
    untrusted = _run("--home", home, "sync", "import", str(stick))
    assert untrusted.exit_code == 1 and "hub_key_unknown" in untrusted.output  # a down pack needs the hub's key
    assert _run("--home", home, "sync", "trust-hub", str(stick / "edgekit-sync" / "hub.pub")).exit_code == 0
    assert _run("--home", home, "sync", "import", str(stick)).exit_code == 0
    status = json.loads(_run("--home", home, "sync", "status", "--json").output)
    assert status["waiting"] == 0  # the down pack told the box what the hub holds: the next stick carries less

    boxes = json.loads(_run("hub", "boxes", "--json").output)
    assert [(b["name"], b["status"]) for b in boxes] == [("lamu-1", "approved")]
    assert _run("hub", "revoke", "lamu-1").exit_code == 0
    add_health_records(box, women=1)
    _run("--home", home, "sync", "export", "--to", str(stick))
    refused = _run("hub", "import", str(stick))
    assert "box_revoked" in refused.output
    assert hub_ledger(hub_engine, "lamu-1") != box_outbox(box)  # nothing of the revoked box's new batch was kept

    no_mapping = _run("hub", "report", "--format", "dhis2")
    assert no_mapping.exit_code == 1 and "--mapping" in no_mapping.output
    csv_out = _run("hub", "report", "--since", "2026-01")
    assert csv_out.output.startswith("facility,box,month,anc_on_time") and "Lamu Dispensary" in csv_out.output
