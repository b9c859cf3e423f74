"""One app's view of the box: what each of its hooks receives as `app` (re-exported by edgekit.sdk).

The context names the app (its id, manifest, URL prefix, folders) and reaches the running box lazily: the kit is
only asked for when an app uses its database, settings or knowledge, so building contexts costs nothing at start
and a command registered before the CLI knows its data directory still finds the right kit when it runs.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, cast

if TYPE_CHECKING:
    import logging
    from pathlib import Path

    from sqlalchemy.engine import Engine as DbEngine
    from sqlmodel import Session
    from starlette.requests import Request
    from starlette.responses import Response

    from edgekit.apps import AppManifest
    from edgekit.kit import Kit
    from edgekit.knowledge import Passage
    from edgekit.settings import Settings
    from edgekit.store.tables import AuditEntry

APPS_URL = "/apps"


@dataclass(frozen=True, eq=False)
class AppContext:
    """An app's id, manifest and URL prefix, and the box's services as that app uses them."""

    manifest: AppManifest
    kit_source: Callable[[], Kit] = field(repr=False)

    @property
    def id(self) -> str:
        return self.manifest.id

    @property
    def prefix(self) -> str:
        """Where the core mounts the app's router: every one of its routes and pages is under it."""
        return f"{APPS_URL}/{self.id}"

    def url(self, path: str = "") -> str:
        """An address under the app's prefix: app.url("/mothers") is "/apps/health/mothers"."""
        if path and not path.startswith(("/", "?")):
            path = "/" + path
        return self.prefix + path

    def owns(self, url: str) -> bool:
        """Whether an address is one of this app's (a form's `next` must never send a phone elsewhere)."""
        return url == self.prefix or url.startswith(self.prefix + "/")

    def render(
        self, request: Request, template: str, context: dict[str, Any] | None = None, status: int = 200
    ) -> Response:
        """One of the app's own pages (templates/<app id>/<template>), with `app_url` beside what every page has,
        so a template links with app_url("/mothers") and never writes the prefix itself."""
        from edgekit.server.pages import render

        values = {"app_url": self.url, "app_prefix": self.prefix, **(context or {})}
        return cast("Response", render(request, f"{self.id}/{template}", values, status))

    def static_url(self, name: str) -> str:
        from edgekit.server.pages import static_url

        return static_url(name, self.id)

    @property
    def package_dir(self) -> Path:
        """The app's installed folder: manifest, knowledge, prompts, templates, static, i18n."""
        return self.manifest.package_dir

    @property
    def kit(self) -> Kit:
        return self.kit_source()

    @property
    def settings(self) -> Settings:
        """The box's settings (read them; an app never changes them)."""
        return self.kit.settings

    @property
    def home(self) -> Path:
        """The box's data directory ($EDGEKIT_HOME)."""
        return self.settings.home

    @property
    def data_dir(self) -> Path:
        """The app's own folder for files in the box's data directory, made on first use."""
        folder = self.home / "apps" / self.id
        folder.mkdir(parents=True, exist_ok=True)
        return folder

    @property
    def db(self) -> DbEngine:
        """The box's database, migrated (the app's own tables included)."""
        return self.kit.db

    @contextmanager
    def session(self) -> Iterator[Session]:
        """A database session; commit the app's change and its audit entry together."""
        from sqlmodel import Session

        with Session(self.db) as session:
            yield session

    @property
    def logger(self) -> logging.Logger:
        import logging

        return logging.getLogger(f"edgekit.apps.{self.id}")

    def audit(self, session: Session, actor: str, action: str, target: str = "", detail: str = "") -> AuditEntry:
        """An audit entry in the caller's session, so it is committed with the change it describes. The action
        is named under the app's id ("health.woman.read"), so an app cannot write one that looks like the core's."""
        from edgekit.audit import record

        if not action.startswith(self.id + "."):
            action = f"{self.id}.{action}"
        return record(session, actor, action, target, detail)

    def knowledge(self, question: str, *, lang: str | None = None, k: int = 4) -> list[Passage]:
        """The passages of the app's own knowledge packs that best answer a question (hybrid retrieval)."""
        from edgekit.knowledge import retrieve

        return retrieve(self.kit, question, app=self.id, lang=lang, k=k)

    def knowledge_dirs(self) -> list[Path]:
        return self.manifest.knowledge_dirs()


def app_contexts(kit: Kit) -> dict[str, AppContext]:
    """A context for every app whose manifest the box read (loaded, or switched off while running)."""
    return {
        app_id: AppContext(cast("AppManifest", record.manifest), lambda: kit)
        for app_id, record in kit.plugins.apps.items()
        if record.manifest is not None
    }
