"""The box's sync, as the CLI and the light runner (`python -m edgekit.sync`) call it: identity, device report,
push/pull by HTTPS, packs by USB. Needs only the core's database, never the apps or the models."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy.engine import Engine
from sqlmodel import Session

from edgekit.settings import Settings
from edgekit.store.db import create_db_engine, migrate
from edgekit.sync import client, packs_in, state, usb
from edgekit.sync.device_report import queue_device_report
from edgekit.sync.identity import BoxIdentity, load_identity


class BoxSync:
    def __init__(self, settings: Settings, engine: Engine | None = None, apps: dict[str, str] | None = None, kit=None):
        self.settings = settings
        self.engine = engine or create_db_engine(settings)
        if engine is None:
            migrate(self.engine)
        self.apps = apps or {}
        self._kit = kit  # the importer's Kit; made only when a pack arrives (the light runner has none)
        self._own_kit = False

    def kit_for_import(self):
        if self._kit is None:
            from edgekit.kit import Kit

            self._kit, self._own_kit = Kit(self.settings), True
        return self._kit

    def close(self) -> None:
        if self._own_kit and self._kit is not None:
            self._kit.close()
            self._kit, self._own_kit = None, False

    def identity(self, name: str | None = None) -> BoxIdentity:
        return load_identity(self.settings.home, name or self.settings.site_id)

    def facility(self, facility: str | None) -> str:
        return facility or self.settings.site_name or self.identity().name

    def report_device(self) -> None:
        with Session(self.engine) as session:
            queue_device_report(session, self.settings.home, self.apps)

    def enrol(self, hub_url: str, facility: str | None = None, district: str = "", name: str | None = None) -> dict:
        return client.enrol(self.engine, self.identity(name), hub_url, self.facility(facility), district)

    def push(self, hub_url: str | None = None, force: bool = False, report: bool = True) -> client.SyncResult:
        if report:
            self.report_device()
        return client.sync(self.engine, self.identity(), self.settings.home, hub_url, force)

    def export(self, target: Path, facility: str | None = None, district: str = "", report: bool = True) -> int:
        if report:
            self.report_device()
        return usb.export_up(self.engine, self.identity(), target, self.facility(facility), district)

    def import_down(self, source: Path) -> int:
        return usb.import_down(self.engine, self.identity(), self.settings.home, source)

    def receive_packs(self, hub_url: str | None = None) -> list[packs_in.PackOutcome]:
        """Install the knowledge and model packs the hub published for this box (after a push)."""
        with Session(self.engine) as session:
            hub_url = (hub_url or state.get(session, state.HUB_URL)).rstrip("/")
        if not hub_url:
            return []
        return packs_in.receive_by_network(
            self.engine, self.kit_for_import, self.identity(), self.settings.home, hub_url
        )

    def receive_packs_from(self, source: Path) -> list[packs_in.PackOutcome]:
        return packs_in.receive_from_stick(self.engine, self.kit_for_import, self.identity(), source, usb.ROOT)
