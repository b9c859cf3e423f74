"""kill -9 of a box's sync or of the hub in the middle of a sync, twenty times: nothing lost, nothing doubled.
Every record each box wrote is compared with the hub's ledger, and the hub's tables are counted."""

from __future__ import annotations

import contextlib
import multiprocessing
import os
import random
import signal
import time

import sqlalchemy as sa
from sqlmodel import Session

from edgekit.settings import Settings
from edgekit.sync.outbox import add_to_outbox
from tests.hub.conftest import add_health_records, box_outbox, enrol_and_approve, hub_ledger

ROUNDS = 20
RECORDS_PER_ROUND = 400  # two batches and more: enough that a kill lands while batches are in flight


def _push(home: str, url: str) -> None:
    from edgekit.errors import EdgekitError
    from edgekit.store.db import create_db_engine
    from edgekit.sync.service import BoxSync

    settings = Settings(home=home, threads=1)
    with contextlib.suppress(EdgekitError):  # the hub was killed under it: expected, the next push resumes
        # Its own engine, already migrated by the test: the round's time goes to syncing, not to Alembic.
        BoxSync(settings, create_db_engine(settings)).push(url, force=True, report=False)


def _write_visits(box, first_id: int, count: int) -> None:
    """Visits written the way an app writes them: the record and its outbox row in one transaction."""
    with Session(box.kit.db) as session:
        for local_id in range(first_id, first_id + count):
            add_to_outbox(
                session,
                "health.visit",
                local_id,
                {
                    "id": local_id,
                    "woman_code": f"MW-LOAD-{local_id % 50:04d}",
                    "visit_date": "2026-04-01",
                    "gestational_days": 120,
                    "level": "routine",
                    "sign_codes": "",
                },
            )
        session.commit()


def test_kill_9_of_box_or_hub_mid_sync_loses_and_doubles_nothing(hub_server, hub_engine, make_box):
    rng = random.Random(19)
    boxes = [make_box(f"kill-{n}", f"Kill Facility {n}") for n in range(3)]
    next_id = {box.name: 100_000 for box in boxes}
    for box in boxes:
        add_health_records(box, women=2)
        enrol_and_approve(box, hub_server.url, hub_engine)
    interrupted = 0
    fork = multiprocessing.get_context("fork")
    # How long one round's sync takes on this machine (0.1 s quiet, seconds under load): the kills land inside it.
    _write_visits(boxes[0], 90_000, RECORDS_PER_ROUND)
    timed = fork.Process(target=_push, args=(str(boxes[0].home), hub_server.url))
    began = time.monotonic()
    timed.start()
    timed.join(120)
    typical = time.monotonic() - began
    started = time.monotonic()
    for round_number in range(ROUNDS):
        box = boxes[round_number % 3]
        _write_visits(box, next_id[box.name], RECORDS_PER_ROUND)
        next_id[box.name] += RECORDS_PER_ROUND
        hub_engine.dispose()
        push = fork.Process(target=_push, args=(str(box.home), hub_server.url))
        push.start()
        time.sleep(rng.uniform(0.1, 0.7) * typical)
        if round_number % 2 == 0:
            interrupted += push.is_alive()
            with contextlib.suppress(ProcessLookupError):  # it may just have finished
                os.kill(push.pid, signal.SIGKILL)  # the box's sync dies mid-batch
            push.join(10)
        else:
            interrupted += push.is_alive()
            hub_server.kill()  # the hub dies mid-ingest; the box's push fails and will resume
            push.join(60)
            hub_server.start()
    elapsed = time.monotonic() - started

    for box in boxes:  # the link is back: each box finishes its sync
        box.sync.push(hub_server.url, force=True, report=False)
    total_visits = 0
    for box in boxes:
        sent = box_outbox(box)
        assert hub_ledger(hub_engine, box.name) == sent  # every record, once, unchanged
        total_visits += len({key for kind, key, _ in sent.values() if kind == "health.visit"})
    with hub_engine.connect() as connection:
        assert connection.execute(sa.text("SELECT count(*) FROM hub_visit")).scalar() == total_visits
        acked = dict(connection.execute(sa.text("SELECT name, acked_seq FROM hub_box")).all())
    assert acked == {box.name: max(box_outbox(box)) for box in boxes}
    # The kills must have landed while syncs were running, or this test proves nothing.
    assert interrupted >= ROUNDS // 2, f"only {interrupted} of {ROUNDS} kills hit a running sync"
    print(f"{ROUNDS} kills ({interrupted} mid-sync) in {elapsed:.1f} s")
