"""A box restored from an older backup numbers its records again from where the backup ended, while the hub holds
other records under those numbers. The hub keeps a same-content copy as the harmless duplicate it is, refuses other
content whole (`sync_seq_reused`), and the box renumbers forward past the hub's numbers: nothing is lost, nothing
is overwritten in silence. Real backups (edgekit backup / restore) of a real box, on the real PostgreSQL."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from edgekit.backup.create import backup
from edgekit.backup.restore import restore
from edgekit.errors import EdgekitError
from edgekit.kit import Kit
from edgekit.sync.service import BoxSync
from tests.hub.conftest import Box, add_health_records, box_outbox, enrol_and_approve, hub_ledger


def _restored(box: Box, backup_dir) -> Box:
    settings = box.kit.settings
    box.kit.close()
    restore(settings, backup_dir)
    kit = Kit(settings)
    box.kit, box.sync = kit, BoxSync(settings, kit.db)  # the fixture closes the new kit
    return box


def _lived_past_its_backup(box: Box, hub_server, hub_engine, tmp_path) -> tuple[Box, int]:
    """A box that synced, was backed up, lived on and synced more, then was restored: returns it and how many
    records the hub holds of it."""
    enrol_and_approve(box, hub_server.url, hub_engine)
    add_health_records(box, women=2)
    box.sync.push(report=False)
    backup(box.kit, tmp_path / "backup")
    add_health_records(box, women=2)  # the weeks the backup never saw
    box.sync.push(report=False)
    held = len(hub_ledger(hub_engine, box.name))
    assert held == max(box_outbox(box))
    return _restored(box, tmp_path / "backup"), held


def _woman_codes(hub_engine) -> set[str]:
    with hub_engine.connect() as connection:
        return set(connection.execute(sa.text("SELECT code FROM hub_woman")).scalars())


def test_new_records_after_a_restore_are_renumbered_not_dropped(hub_server, hub_engine, make_box, tmp_path):
    box, held = _lived_past_its_backup(make_box("restored-1", "Restored Dispensary"), hub_server, hub_engine, tmp_path)
    assert max(box_outbox(box)) < held  # the restored box numbers from where its backup ended
    [newcomer] = add_health_records(box, women=1)  # written after the restore: numbers the hub already holds
    with pytest.raises(EdgekitError) as refused:
        box.sync.push(report=False)
    assert refused.value.code == "sync_seq_reused"
    assert "restored from an older backup" in refused.value.message and "renumbered" in refused.value.message
    assert len(hub_ledger(hub_engine, box.name)) == held  # refused whole: nothing of the batch kept
    assert newcomer["code"] not in _woman_codes(hub_engine)

    result = box.sync.push(report=False)  # renumbered after the hub's numbers: they land
    outbox = box_outbox(box)
    assert result.acked_seq == max(outbox) > held
    ledger = hub_ledger(hub_engine, box.name)
    assert all(ledger[seq] == record for seq, record in outbox.items())  # every record the box has, as it has it
    assert newcomer["code"] in _woman_codes(hub_engine)


def test_a_hub_ahead_of_the_box_is_reported_and_the_box_numbers_forward(hub_server, hub_engine, make_box, tmp_path):
    from edgekit.sync.status import sync_status

    box, held = _lived_past_its_backup(make_box("restored-2", "Second Restored"), hub_server, hub_engine, tmp_path)
    last = max(box_outbox(box))
    with pytest.raises(EdgekitError) as reported:
        box.sync.push(report=False)  # nothing new: the hub answers that it holds more than the box wrote
    assert reported.value.code == "sync_seq_behind_hub"
    assert f"up to number {held}" in reported.value.message and f"end at {last}" in reported.value.message
    assert sync_status(box.kit.db)["last_error"].startswith("sync_seq_behind_hub")
    [newcomer] = add_health_records(box, women=1)
    assert min(seq for seq in box_outbox(box) if seq > last) == held + 1  # numbered after the hub's
    result = box.sync.push(report=False)
    assert result.acked_seq == max(box_outbox(box))
    assert newcomer["code"] in _woman_codes(hub_engine)


def test_the_same_record_again_under_its_number_is_a_harmless_duplicate(hub_server, hub_engine, make_box, tmp_path):
    box = make_box("twice", "Twice Clinic")
    enrol_and_approve(box, hub_server.url, hub_engine)
    add_health_records(box, women=1)
    box.sync.push(report=False)
    backup(box.kit, tmp_path / "backup")
    box = _restored(box, tmp_path / "backup")
    from sqlmodel import Session

    from edgekit.sync import state

    with Session(box.kit.db) as session:  # as if the backup predated the acknowledgement: all is sent again
        state.put(session, state.ACKED_SEQ, 0)
        session.commit()
    before = hub_ledger(hub_engine, box.name)
    result = box.sync.push(report=False)
    assert result.sent_batches == 1 and result.acked_seq == max(box_outbox(box))
    assert hub_ledger(hub_engine, box.name) == before


def test_a_restored_box_on_a_usb_stick_keeps_its_new_records(hub_server, hub_engine, hub_settings, make_box, tmp_path):
    """By USB the box never hears the hub's refusal: only the down pack's acked_seq, above the box's numbers. The
    records written since the restore must be renumbered past it, not counted as acknowledged."""
    from edgekit.hub import usb as hub_usb

    box, held = _lived_past_its_backup(make_box("restored-3", "Stick Dispensary"), hub_server, hub_engine, tmp_path)
    [newcomer] = add_health_records(box, women=1)
    assert max(box_outbox(box)) < held  # the new records take numbers the hub holds with other content
    stick = tmp_path / "stick"
    box.sync.export(stick, report=False)
    refused = hub_usb.import_dir(hub_engine, stick)
    assert refused.refused and all("sync_seq_reused" in line for line in refused.refused)
    hub_usb.export_down(hub_engine, hub_settings.home, stick, [box.name])
    with pytest.raises(EdgekitError) as reported:
        box.sync.import_down(stick)
    assert reported.value.code == "sync_seq_behind_hub"

    assert box.sync.export(stick, report=False) >= 1  # the new records still go, under numbers after the hub's
    hub_usb.import_dir(hub_engine, stick)
    outbox, ledger = box_outbox(box), hub_ledger(hub_engine, box.name)
    assert all(ledger[seq] == record for seq, record in outbox.items())  # every record the box has, as it has it
    with hub_engine.connect() as connection:
        codes = list(connection.execute(sa.text("SELECT code FROM hub_woman")).scalars())
    assert newcomer["code"] in codes and len(codes) == len(set(codes)) == 5  # each woman once


def test_a_batch_ending_at_the_backups_last_row_does_not_drop_the_rows_after_it(
    hub_server, hub_engine, make_box, tmp_path, monkeypatch
):
    """The backup's unsent rows are duplicates the hub takes; its answer is its own, higher number. The rows
    written since the restore, in the next batch, must be renumbered rather than counted as acknowledged."""
    import functools

    from edgekit.sync import batches

    box = make_box("restored-4", "Batch Edge Clinic")
    enrol_and_approve(box, hub_server.url, hub_engine)
    add_health_records(box, women=2)
    acked = box.sync.push(report=False).acked_seq
    add_health_records(box, women=1)  # unsent when the backup is made
    backup(box.kit, tmp_path / "backup")
    box.sync.push(report=False)
    add_health_records(box, women=2)
    held = box.sync.push(report=False).acked_seq
    box = _restored(box, tmp_path / "backup")
    backup_last = max(box_outbox(box))
    [newcomer] = add_health_records(box, women=1)
    assert max(box_outbox(box)) < held
    sized = functools.partial(batches.next_batches, size=backup_last - acked)  # one batch ends at the backup's end
    monkeypatch.setattr(batches, "next_batches", sized)
    with pytest.raises(EdgekitError) as reported:
        box.sync.push(report=False)
    assert reported.value.code == "sync_seq_behind_hub"

    result = box.sync.push(report=False)
    outbox = box_outbox(box)
    assert result.acked_seq == max(outbox) > held
    ledger = hub_ledger(hub_engine, box.name)
    assert all(ledger[seq] == record for seq, record in outbox.items())
    assert newcomer["code"] in _woman_codes(hub_engine)
