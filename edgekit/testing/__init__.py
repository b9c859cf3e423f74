"""edgekit.testing: what an app's own tests need, so its conftest.py does not copy the core's.

Helpers (plain functions) and, in edgekit.testing.plugin, pytest fixtures loaded for every test run through the
`pytest11` entry point: `edgekit_models_dir`, `app_kit` (a kit on a temporary home with one account per role),
`app_client` (the real server over that kit) and `signed_in` (a client signed in as a role).

    def test_my_page(signed_in):
        client = signed_in("teacher")
        assert client.get("/apps/tutor/lessons", headers=HTML).status_code == 200

Everything is real: the server is create_app over a real kit, sign-in goes through the /login form with its CSRF
token, and the models are the installed ones.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from types import ModuleType
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from fastapi.testclient import TestClient
    from sqlalchemy.engine import Engine as DbEngine
    from typer.testing import Result

    from edgekit.apps import AppManifest
    from edgekit.kit import Kit
    from edgekit.plugins import AppRecord, PluginHost
    from edgekit.sdk import AppContext

__all__ = [
    "ACCOUNTS",
    "HTML",
    "AuditEntry",
    "add_accounts",
    "app_context",
    "app_host",
    "audit_log",
    "bearer",
    "csrf_token",
    "guard",
    "index_knowledge",
    "installed_app",
    "installed_models_dir",
    "manifest_of",
    "new_kit",
    "run_cli",
    "server",
    "sign_in",
]

HTML = {"Accept": "text/html"}
# One account per role, each with a PIN the /login form takes (the names are what tests sign in as).
ACCOUNTS = {
    "admin": ("tech", "2468"),
    "health_worker": ("nurse", "3579"),
    "teacher": ("mwalimu", "1357"),
    "student": ("pupil", "8642"),
}
DEFAULT_MODELS = ("gemma3-270m-q4km", "minilm-int8")
TOKEN = re.compile(r'name="csrf_token" value="([^"]+)"')


def installed_models_dir() -> Path:
    """Where the box's models are installed ($EDGEKIT_MODELS_DIR, else the default); tests read, never write."""
    from edgekit.settings import Settings

    return Path(Settings().models_dir)


def new_kit(home: Path, *, models_dir: Path | None = None, threads: int = 2, **settings: Any) -> Kit:
    """A kit on its own data directory; with models_dir, reading the real installed models there."""
    from edgekit.kit import Kit
    from edgekit.settings import Settings

    if models_dir is not None:
        settings["models_dir_override"] = models_dir
    return Kit(Settings(home=home, threads=threads, **settings))


def add_accounts(kit: Kit, accounts: dict[str, tuple[str, str]] = ACCOUNTS) -> None:
    """One account per role ({role: (name, pin)})."""
    for role, (name, pin) in accounts.items():
        kit.accounts.add_user(name, role, pin=pin)


@contextmanager
def server(kit: Kit) -> Iterator[TestClient]:
    """The real web server (create_app, its start-up and shutdown hooks) over a fresh kit on the same home."""
    from fastapi.testclient import TestClient

    from edgekit.kit import Kit
    from edgekit.server import create_app

    with TestClient(create_app(kit=Kit(kit.settings))) as client:
        yield client


def csrf_token(client: TestClient, path: str = "/login") -> str:
    """The CSRF token of the form on a page, as a browser would post it back."""
    page = client.get(path, headers=HTML)
    found = TOKEN.search(page.text)
    if found is None:
        raise AssertionError(f"{path} ({page.status_code}) has no form with a CSRF token")
    return found.group(1)


def sign_in(client: TestClient, name: str, pin: str) -> TestClient:
    """Sign in through the /login form, as a phone does; the client then carries the session cookie."""
    response = client.post("/login", data={"name": name, "pin": pin, "csrf_token": csrf_token(client)}, headers=HTML)
    if response.status_code != 200:
        raise AssertionError(f"signing in as {name} failed: {response.status_code} {response.text[:200]}")
    return client


def bearer(kit: Kit, name: str) -> dict[str, str]:
    """Headers for an API call with a new token of that account."""
    return {"Authorization": f"Bearer {kit.accounts.create_token(name)}"}


def run_cli(kit: Kit, *args: str) -> Result:
    """`edgekit --home <the kit's home> ARGS...` in the test process."""
    from typer.testing import CliRunner

    from edgekit.cli.main import build_cli

    return CliRunner().invoke(build_cli(), ["--home", str(kit.settings.home), *args])


def manifest_of(app_module: ModuleType) -> AppManifest:
    """The app's manifest.toml, read and checked as the box reads it."""
    from edgekit.apps import manifest_of as read

    return read(app_module)


def installed_app(app_id: str) -> AppRecord:
    """The app as the box finds it through the `edgekit.apps` entry points: status loaded, disabled or failed."""
    from edgekit.plugins import load_plugins

    return load_plugins().apps[app_id]


def app_host(*app_modules: ModuleType) -> PluginHost:
    """The core's plugins and these apps only (as installed, but without the other apps on this machine)."""
    from edgekit.plugins import load_plugins

    host = load_plugins(entry_points=False)
    for module in app_modules:
        host.add_app(module, manifest_of(module))
    return host


def app_context(app_module: ModuleType, kit: Kit | None = None, *, app_id: str | None = None) -> AppContext:
    """The context the box hands the app's hooks; the kit is only needed by what reaches the box. With app_id,
    the context of another app (the app's manifest under that id): to ask a question of an app that is not it."""
    from dataclasses import replace

    from edgekit.app_context import AppContext

    manifest = manifest_of(app_module)
    if app_id is not None:
        manifest = replace(manifest, id=app_id)

    def no_kit() -> Kit:
        raise AssertionError("this test's app context has no kit: pass kit= to app_context()")

    return AppContext(manifest, (lambda: kit) if kit is not None else no_kit)


def guard(
    host: PluginHost, app: AppContext | None, question: str, lang: str | None = None, user: object = None
) -> object:
    """What the box's guards say of a question asked of `app`, through the same routing the answering uses."""
    return host.guard(app=app, question=question, lang=lang, user=user)


def index_knowledge(kit: Kit, app_id: str) -> None:
    """Index an app's own knowledge folders into the kit, as the box does at start (only that app's: fast)."""
    from edgekit.knowledge.packs import add_pack
    from edgekit.knowledge.sync import app_knowledge_folders, pack_name

    for owner, folder in app_knowledge_folders(kit):
        if owner == app_id:
            add_pack(kit, folder, app=app_id, name=pack_name(app_id, folder))


def audit_log(db: DbEngine, limit: int = 100, actor: str | None = None) -> list[AuditEntry]:
    """The newest audit entries first."""
    from sqlmodel import Session

    from edgekit.audit import recent

    with Session(db) as session:
        return recent(session, limit, actor)


def __getattr__(name: str) -> Any:
    if name == "AuditEntry":  # the audit table, for tests that read the log directly
        from edgekit.store.tables import AuditEntry

        return AuditEntry
    raise AttributeError(f"module 'edgekit.testing' has no attribute {name!r}")


if TYPE_CHECKING:
    from edgekit.store.tables import AuditEntry
