"""The hub's tests run on a real PostgreSQL: one temporary cluster per session (initdb + pg_ctl on a Unix socket,
edgekit/hub/scratch_cluster.py), a fresh database per test. Boxes are real data directories with the health app's
registry; the hub serves from its own process when a test must kill it."""

from __future__ import annotations

import itertools
import multiprocessing
import os
import signal
import socket
import time
import urllib.request
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pytest
import sqlalchemy as sa

from edgekit.hub.db import HubSettings, create_hub_engine, migrate
from edgekit.hub.scratch_cluster import postgres_bin, start_scratch_cluster
from edgekit.kit import Kit
from edgekit.settings import Settings
from edgekit.sync.service import BoxSync

TODAY = date(2026, 6, 1)
_numbers = itertools.count(1)


@pytest.fixture(scope="session")
def pg_cluster():
    if postgres_bin() is None:
        pytest.fail("PostgreSQL is not installed (apt-get install postgresql; .ci/run does it).")
    cluster = start_scratch_cluster({"fsync": "off", "max_connections": "60"})
    yield cluster
    cluster.stop()


@pytest.fixture
def hub_settings(pg_cluster, tmp_path, monkeypatch) -> HubSettings:
    name = f"hub_test_{next(_numbers)}"
    admin = sa.create_engine(pg_cluster.url("postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.exec_driver_sql(f"CREATE DATABASE {name}")
    admin.dispose()
    url = pg_cluster.url(name)
    monkeypatch.setenv("EDGEKIT_HUB_DATABASE_URL", url)
    monkeypatch.setenv("EDGEKIT_HUB_HOME", str(tmp_path / "hub-home"))
    return HubSettings(database_url=url, home=tmp_path / "hub-home", figures_max_age_s=0)


@pytest.fixture
def hub_engine(hub_settings):
    engine = create_hub_engine(hub_settings)
    migrate(engine)
    yield engine
    engine.dispose()


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _serve(settings: HubSettings, port: int) -> None:
    from edgekit.hub.serve import serve_hub

    serve_hub(settings, "127.0.0.1", port)


class HubServer:
    """The hub in a process of its own, forked from the test (its modules are loaded already, so it starts in a
    fraction of a second even on a loaded machine), so a test can kill -9 it and start it again."""

    def __init__(self, settings: HubSettings, engine=None):
        self.settings = settings
        self.engine = engine
        self.port = free_port()
        self.process = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> HubServer:
        if self.engine is not None:
            self.engine.dispose()  # the child must not inherit (and later close) the test's own connections
        self.process = multiprocessing.get_context("fork").Process(target=_serve, args=(self.settings, self.port))
        self.process.start()
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(f"{self.url}/static/edgekit.css", timeout=2):
                    return self
            except OSError:
                if not self.process.is_alive():
                    raise RuntimeError("the hub server exited at start") from None
                time.sleep(0.05)
        raise RuntimeError("the hub server did not start within 60 s")

    def kill(self) -> None:
        if self.process is not None and self.process.is_alive():
            os.kill(self.process.pid, signal.SIGKILL)
        if self.process is not None:
            self.process.join(10)

    def stop(self) -> None:
        if self.process is not None and self.process.is_alive():
            self.process.terminate()
            self.process.join(10)
        self.kill()


@pytest.fixture
def hub_server(hub_settings, hub_engine):
    server = HubServer(hub_settings, hub_engine).start()
    yield server
    server.stop()


@dataclass
class Box:
    """One box: its own data directory, its health registry and its sync."""

    name: str
    facility: str
    kit: Kit
    sync: BoxSync

    @property
    def home(self) -> Path:
        return self.kit.settings.home

    def registry(self):
        from edgekit_health.registry import Registry

        return Registry(self.kit.db, today=lambda: TODAY)

    def worker(self):
        from edgekit_health.registry import Actor

        return Actor("amina", "health_worker")


@pytest.fixture
def make_box(tmp_path):
    made: list[Box] = []

    def make(name: str, facility: str) -> Box:
        kit = Kit(Settings(home=tmp_path / f"box-{name}", threads=1))
        kit.accounts.add_user("amina", "health_worker", pin="4826")
        sync = BoxSync(kit.settings, kit.db)
        sync.identity(name)
        box = Box(name, facility, kit, sync)
        made.append(box)
        return box

    yield make
    for box in made:
        box.kit.close()


def enrol_and_approve(box: Box, hub_url: str, hub_engine) -> None:
    from edgekit.hub.enrol import decide

    assert box.sync.enrol(hub_url, box.facility)["status"] == "pending"
    with hub_engine.begin() as connection:
        decide(connection, box.name, "approved", "tests")


def add_health_records(box: Box, women: int = 3, referral_facility: str = "") -> list[dict]:
    """Women with a routine visit each, and one with danger signs (which opens a referral)."""
    registry, worker = box.registry(), box.worker()
    made = []
    for number in range(women):
        woman = registry.add_woman(worker, village=f"Village {number}", lmp=date(2026, 1, 10), phone="+254 700 000 111")
        registry.add_visit(
            worker,
            woman["code"],
            visit_date=date(2026, 3, 20),
            systolic=118,
            diastolic=76,
            notes="her sister Zawadi came too",
        )
        made.append(woman)
    visit = registry.add_visit(
        worker,
        made[0]["code"],
        visit_date=date(2026, 5, 2),
        systolic=165,
        diastolic=112,
        signs="severe headache and blurred vision",
    )
    assert visit["referral"] is not None, "triage should refer severe hypertension"
    if referral_facility:
        registry.update_referral(worker, visit["referral"]["id"], "referred", facility=referral_facility)
    return made


def box_outbox(box: Box) -> dict[int, tuple]:
    import json

    from sqlmodel import Session, select

    from edgekit.store.tables import OutboxEntry

    with Session(box.kit.db) as session:
        return {
            row.seq: (row.kind, row.record_key, json.loads(row.payload)) for row in session.exec(select(OutboxEntry))
        }


def hub_ledger(hub_engine, box_name: str) -> dict[int, tuple]:
    with hub_engine.connect() as connection:
        rows = connection.execute(
            sa.text(
                "SELECT r.seq, r.kind, r.record_key, r.payload FROM hub_record r JOIN hub_box b ON b.id = r.box_id "
                "WHERE b.name = :name"
            ),
            {"name": box_name},
        )
        return {row.seq: (row.kind, row.record_key, row.payload) for row in rows}
