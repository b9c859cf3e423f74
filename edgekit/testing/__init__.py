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
    import pytest
    from fastapi.testclient import TestClient
    from sqlalchemy.engine import Engine as DbEngine
    from typer.testing import Result

    from edgekit.apps import AppManifest
    from edgekit.kit import Kit
    from edgekit.plugins import AppRecord, PluginHost
    from edgekit.sdk import AppContext

__all__ = [
    "ACCOUNTS",
    "DEFAULT_MODELS",
    "HTML",
    "AuditEntry",
    "add_accounts",
    "answer",
    "app_context",
    "app_host",
    "app_revision",
    "audit_log",
    "bearer",
    "break_knowledge",
    "cli_app",
    "create_app",
    "csrf_token",
    "fill_chat_queue",
    "guard",
    "index_knowledge",
    "installed_app",
    "installed_models_dir",
    "knowledge_packs",
    "known_document_fields",
    "manifest_of",
    "new_kit",
    "parse_document",
    "run_cli",
    "same_box",
    "server",
    "sign_in",
    "sync_knowledge",
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


def same_box(kit: Kit) -> Kit:
    """Another kit over the same settings and data directory, as a second process (the server) would open it."""
    from edgekit.kit import Kit

    return Kit(kit.settings, plugin_host=kit.plugin_host)


def create_app(kit: Kit) -> Any:
    """The web application over this kit (for a TestClient of your own; server() does the usual)."""
    from edgekit.server import create_app as build

    return build(kit=kit)


def add_accounts(kit: Kit, accounts: dict[str, tuple[str, str]] = ACCOUNTS) -> None:
    """One account per role ({role: (name, pin)})."""
    for role, (name, pin) in accounts.items():
        kit.accounts.add_user(name, role, pin=pin)


@contextmanager
def server(kit: Kit) -> Iterator[TestClient]:
    """The real web server (create_app, its start-up and shutdown hooks) over a fresh kit on the same home and
    with the same plugins (a test's own plugin host, when it built one)."""
    from fastapi.testclient import TestClient

    from edgekit.server import create_app

    with TestClient(create_app(kit=same_box(kit))) as client:
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


def cli_app() -> Any:
    """The `edgekit` command itself, for a test's child process that calls it many times in one Python
    (`cli_app()(["--home", home, ...], standalone_mode=False)`)."""
    from edgekit.cli.main import app

    return app


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


def sync_knowledge(kit: Kit) -> None:
    """Index every loaded app's documents that changed, as `edgekit serve` does before it serves."""
    from edgekit.knowledge.sync import sync_app_knowledge

    sync_app_knowledge(kit)


def knowledge_packs(kit: Kit) -> list[Any]:
    """The indexed packs (name, app, documents, chunks, embedded chunks) as `edgekit knowledge list` shows them."""
    from edgekit.knowledge.packs import list_packs

    return list_packs(kit)


def parse_document(path: Path) -> Any:
    """A knowledge document read with the core's own parser (front matter and body); BadDocument when it fails."""
    from edgekit.knowledge.documents import parse_document as parse

    return parse(path)


def document_fields(path: Path) -> dict[str, Any]:
    """A knowledge document's front matter as the core's parser reads it (lists as lists)."""
    from edgekit.knowledge.documents import parse_front_matter, split_front_matter

    header, _ = split_front_matter(path, path.read_text(encoding="utf-8"))
    return dict(parse_front_matter(path, header))


def known_document_fields() -> tuple[str, ...]:
    """The front-matter fields every knowledge document carries (a lesson's subject, grade and skill are optional)."""
    from edgekit.knowledge.documents import LIST_FIELDS, REQUIRED_FIELDS

    return (*REQUIRED_FIELDS, *LIST_FIELDS)


def answer(kit: Kit, app_id: str, question: str, **options: Any) -> Any:
    """Ask an app a question through the box's own answering (guard, retrieval, the chat model, citations)."""
    from edgekit.answering import answer_question

    return answer_question(kit, app_id, question, **options)


def break_knowledge(monkeypatch: pytest.MonkeyPatch, error: Exception) -> None:
    """Every retrieval from the index raises `error` (a damaged index), for the rest of the test."""
    import edgekit.knowledge

    def broken(*_args: object, **_kwargs: object) -> None:
        raise error

    monkeypatch.setattr(edgekit.knowledge, "retrieve", broken)


def fill_chat_queue(kit: Kit, monkeypatch: pytest.MonkeyPatch) -> None:
    """The chat model's queue is full: every new question is refused its place (429 queue_full)."""
    from edgekit.scheduler import QueueFull

    queue = kit.scheduler.queue(kit.manager.model_for("chat"))

    def full(_client: object) -> None:
        raise QueueFull(queue.model_id, 5)

    monkeypatch.setattr(queue, "enter", full)


def app_revision(kit: Kit, app_id: str) -> str | None:
    """The newest migration of the app's own tables applied to the kit's database."""
    from edgekit.store.app_schema import app_revision as revision

    return revision(kit.db, app_id)


def outbox(kit: Kit) -> list[dict[str, Any]]:
    """What waits for the district hub, oldest first: kind, key and payload of each record (edgekit/sync/)."""
    import json

    from sqlmodel import Session

    from edgekit.sync.outbox import pending

    with Session(kit.db) as session:
        rows = pending(session, 0, 100_000)
        return [{"kind": r.kind, "key": r.record_key, "payload": json.loads(r.payload)} for r in rows]


def audit_log(db: DbEngine, limit: int = 100, actor: str | None = None) -> list[AuditEntry]:
    """The newest audit entries first."""
    from sqlmodel import Session

    from edgekit.store.audit import recent

    with Session(db) as session:
        return recent(session, limit, actor)


def __getattr__(name: str) -> Any:
    if name == "AuditEntry":  # the audit table, for tests that read the log directly
        from edgekit.store.tables import AuditEntry

        return AuditEntry
    raise AttributeError(f"module 'edgekit.testing' has no attribute {name!r}")


if TYPE_CHECKING:
    from edgekit.store.tables import AuditEntry
