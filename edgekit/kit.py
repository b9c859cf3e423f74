"""The composition root: from one Settings, the catalog, installed models, plugins, model manager and database.

The CLI and create_app both build a Kit, so a test can hand either one its own Settings and nothing is global.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING

from edgekit.catalog import Catalog
from edgekit.installer import ModelStore
from edgekit.manager import ModelManager
from edgekit.plugins import PluginHost, load_plugins
from edgekit.settings import Settings

if TYPE_CHECKING:
    from sqlalchemy.engine import Engine as DbEngine

    from edgekit.app_context import AppContext
    from edgekit.auth import Accounts
    from edgekit.power.state import PowerState
    from edgekit.scheduler import Scheduler


@dataclass
class Kit:
    settings: Settings = field(default_factory=Settings)
    plugin_host: PluginHost | None = None  # the CLI passes the host it already loaded for its commands

    @cached_property
    def catalog(self) -> Catalog:
        return Catalog.from_dir(self.settings.catalog_dir)

    @cached_property
    def models(self) -> ModelStore:
        return ModelStore(self.settings.models_dir, self.catalog)

    @cached_property
    def plugins(self) -> PluginHost:
        from edgekit.apps import disabled_apps

        return self.plugin_host or load_plugins(disabled=disabled_apps(self.settings.home))

    @cached_property
    def power(self) -> PowerState:
        """The power profile in force, which the manager and the answering code consult (edgekit/power)."""
        from edgekit.power.state import build_power_state

        return build_power_state(self.settings, self.plugins)

    @cached_property
    def manager(self) -> ModelManager:
        return ModelManager(self.settings, self.models, self.plugins.engines(), power=self.power)

    @cached_property
    def db(self) -> DbEngine:
        """The database, migrated to the newest schema on first use: the core's tables, then each loaded app's."""
        from edgekit.store import create_db_engine, migrate  # SQLAlchemy is slow to import: only when needed
        from edgekit.store.app_schema import migrate_app

        engine = create_db_engine(self.settings)
        migrate(engine)
        for app_id, record in sorted(self.plugins.apps.items()):
            revisions = record.manifest.migrations_dir() if record.status == "loaded" and record.manifest else None
            if revisions is not None:
                try:
                    migrate_app(engine, app_id, revisions)
                except Exception as exc:  # noqa: BLE001  (one app's schema must not stop the box)
                    self.plugins.mark_failed(app_id, f"its tables could not be migrated: {type(exc).__name__}: {exc}")
        return engine

    @cached_property
    def accounts(self) -> Accounts:
        from edgekit.auth import Accounts

        return Accounts(self.db, self.settings)

    @cached_property
    def scheduler(self) -> Scheduler:
        from edgekit.scheduler import Scheduler

        return Scheduler(self.settings.queue_max_waiting, self.settings.queue_retry_after_s)

    @cached_property
    def app_contexts(self) -> dict[str, AppContext]:
        """Each app's context (edgekit.sdk.AppContext): what its hooks receive as `app`."""
        from edgekit.app_context import app_contexts

        return app_contexts(self)

    @cached_property
    def knowledge_indexing(self) -> threading.Event:
        """Set while the apps' documents are being indexed (the server serves meanwhile)."""
        return threading.Event()

    def prepare_database(self) -> None:
        """Open and migrate the database now, so a broken data directory fails at start, loudly."""
        _ = self.db

    def close(self) -> None:
        if "manager" in self.__dict__:
            self.manager.unload_all()
        if "db" in self.__dict__:
            self.db.dispose()
