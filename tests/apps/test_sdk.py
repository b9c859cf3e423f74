"""edgekit.sdk as an app uses it: the app's router under its prefix, its pages, role checks, its context in every
hook, guards that only see their own app's questions, audit under the app's name, and an import that stays cheap."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
from fastapi import Depends, Request  # at module level: FastAPI resolves the routes' (postponed) annotations here

from edgekit import sdk, testing
from edgekit.apps import load_manifest
from edgekit.kit import Kit
from edgekit.plugins import load_plugins
from edgekit.settings import Settings

HTML = testing.HTML


def write_app(folder, app_id: str, roles: str) -> None:
    (folder / "templates").mkdir(parents=True)
    (folder / "i18n").mkdir()
    (folder / "manifest.toml").write_text(
        f'id = "{app_id}"\nname = "{app_id.title()}"\nversion = "0.1.0"\nedgekit = ">=0.1,<1"\n'
        f'languages = ["en"]\nroles = {roles}\n'
    )
    (folder / "templates" / "notes.html").write_text(
        '{% extends "base.html" %}{% block main %}<a id="self" href="{{ app_url(\'/notes\') }}">'
        "{{ t('" + app_id + ".notes') }}</a>{% endblock %}"
    )
    (folder / "i18n" / "en.json").write_text(json.dumps({"name": app_id.title(), "notes": "Notes"}))


class NotesApp:
    """An app written against the SDK only, as an outside developer would."""

    def __init__(self):
        self.seen: list[tuple[str, object]] = []

    @sdk.hookimpl
    def register_routes(self, app: sdk.AppContext, router):
        @router.get("/notes")
        def notes(request: Request, user=Depends(sdk.require_app_user(app.id))):
            return app.render(request, "notes.html")

        @router.get("/api/whoami")
        def whoami(user=Depends(sdk.require_role("teacher"))) -> dict:
            return {"name": user.name, "prefix": app.prefix}

    @sdk.hookimpl
    def register_pages(self, app: sdk.AppContext, register):
        register(app.id, app.url("/notes"), "notes", roles=["teacher"])

    @sdk.hookimpl
    def before_answer(self, app: sdk.AppContext, question: str, lang, user):
        self.seen.append(("guard", app.id))
        return sdk.GuardAnswer("Ask the teacher first.", final=False) if "exam" in question else None

    @sdk.hookimpl
    def startup(self, app: sdk.AppContext):
        self.seen.append(("startup", app.id))

    @sdk.hookimpl
    def shutdown(self, app: sdk.AppContext):
        self.seen.append(("shutdown", app.id))


class BrokenApp:
    @sdk.hookimpl
    def register_routes(self, app, router):
        @router.get("/half")
        def half() -> dict:
            return {}

        raise RuntimeError("forgot the rest")


class EveryAppGuard:
    """A plugin that is not an app: its guard sees every app's questions."""

    @sdk.hookimpl
    def before_answer(self, app, question):
        return "Stop." if "poison" in question else None


@pytest.fixture
def apps(tmp_path):
    write_app(tmp_path / "edgekit_notes", "notes", '["admin", "teacher"]')
    write_app(tmp_path / "edgekit_broken", "broken", '["admin", "teacher", "student", "guest"]')
    notes = NotesApp()
    host = load_plugins(entry_points=False, extra=(EveryAppGuard(),))
    host.add_app(notes, load_manifest(tmp_path / "edgekit_notes"))
    host.add_app(BrokenApp(), load_manifest(tmp_path / "edgekit_broken"))
    kit = Kit(Settings(home=tmp_path / "home", threads=2), plugin_host=host)
    testing.add_accounts(kit)
    return kit, notes


def test_the_app_router_is_mounted_at_its_prefix_with_its_pages_and_role_checks(apps):
    kit, notes = apps
    with testing.server(kit) as client:
        assert client.get("/notes").status_code == 404, "nothing of the app outside its prefix"
        assert client.get("/apps/notes/notes").status_code == 401  # a visitor the roles refuse
        assert 'name="next" value="/apps/notes/notes"' in client.get("/apps/notes/notes", headers=HTML).text
        testing.sign_in(client, *testing.ACCOUNTS["student"])
        assert client.get("/apps/notes/notes", headers=HTML).status_code == 403
        testing.sign_in(client, *testing.ACCOUNTS["teacher"])
        page = client.get("/apps/notes/notes", headers=HTML)
        assert page.status_code == 200 and '<a id="self" href="/apps/notes/notes">Notes</a>' in page.text
        assert 'href="/apps/notes/notes"' in client.get("/apps/notes", headers=HTML).text, "its page link shows"
        token = testing.bearer(kit, "mwalimu")
        assert client.get("/apps/notes/api/whoami", headers=token).json() == {
            "name": "mwalimu",
            "prefix": "/apps/notes",
        }
        # The app whose hook raised is marked failed and left no half of its routes behind.
        assert client.get("/apps/broken/half").status_code == 404
        assert kit.plugins.apps["broken"].status == "failed"
    assert notes.seen == [("startup", "notes"), ("shutdown", "notes")]


def test_a_guard_sees_only_its_own_apps_questions(apps):
    kit, notes = apps
    contexts = kit.app_contexts
    answer = kit.plugins.guard(app=contexts["notes"], question="When is the exam?", lang="en", user=None)
    assert answer == sdk.GuardAnswer("Ask the teacher first.", final=False)
    assert kit.plugins.guard(app=contexts["broken"], question="When is the exam?", lang="en", user=None) is None
    assert kit.plugins.guard(app=None, question="When is the exam?", lang=None, user=None) is None
    assert notes.seen == [("guard", "notes")], "asked of another app or of plain chat, the app's guard is not called"
    # A plugin that is not an app guards every app's questions, and plain chat.
    for app in (contexts["notes"], contexts["broken"], None):
        assert kit.plugins.guard(app=app, question="He drank poison", lang="en", user=None) == "Stop."


def test_an_apps_audit_entries_are_named_under_its_id(apps):
    kit, _notes = apps
    app = kit.app_contexts["notes"]
    with app.session() as session:
        app.audit(session, "mwalimu", "note.read", "n1")
        app.audit(session, "mwalimu", "notes.note.write", "n1")
        session.commit()
    assert [entry.action for entry in testing.audit_log(kit.db, 2)] == ["notes.note.write", "notes.note.read"]
    assert app.url("/a") == "/apps/notes/a" and app.owns("/apps/notes/a") and not app.owns("/apps/notesx")
    assert app.data_dir == kit.settings.home / "apps" / "notes" and app.data_dir.is_dir()


def test_every_name_the_sdk_lists_is_there():
    missing = [name for name in sdk.__all__ if not hasattr(sdk, name)]
    assert missing == []
    assert issubclass(sdk.NotFound, sdk.EdgekitError) and sdk.NotFound("x").code == "not_found"


def test_importing_the_sdk_loads_no_web_framework_and_no_database_layer():
    heavy = ("fastapi", "sqlalchemy", "jinja2", "starlette")
    code = f"import sys, edgekit.sdk; print([m for m in {heavy!r} if m in sys.modules])"
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert run.stdout.strip() == "[]"


class HomeCommandApp:
    @sdk.hookimpl
    def register_commands(self, app: sdk.AppContext, cli):
        import typer

        commands = typer.Typer()

        @commands.command("where")
        def where():
            """The app's data folder in the box the command was run on (--home)."""
            typer.echo(str(app.data_dir))

        @commands.command("noop")
        def noop():
            """A second command, so typer keeps the group."""

        cli.add_typer(commands, name=app.id)


def test_an_apps_command_reaches_the_box_chosen_with_home(tmp_path, monkeypatch):
    import edgekit.cli.main

    write_app(tmp_path / "edgekit_notes", "notes", '["admin"]')
    host = load_plugins(entry_points=False)
    host.add_app(HomeCommandApp(), load_manifest(tmp_path / "edgekit_notes"))
    monkeypatch.setattr(edgekit.cli.main, "load_plugins", lambda **_kwargs: host)
    from typer.testing import CliRunner

    home = tmp_path / "chosen-home"
    result = CliRunner().invoke(edgekit.cli.main.build_cli(), ["--home", str(home), "notes", "where"])
    assert result.exit_code == 0, result.output
    assert result.stdout.strip() == str(home / "apps" / "notes")
