"""The pages with a test client: CSRF, cookies, escaping, who sees which past questions, the technician's pages and
an app's own pages. The app here answers every question from its guard, so no model or index is needed; the
browser tests (tests/e2e) run the real models."""

# No `from __future__ import annotations`: FastAPI must see the real Request class in the app's route below.

import re

import pytest
from fastapi.testclient import TestClient
from sqlmodel import select

from edgekit.apps import load_manifest
from edgekit.hookspecs import hookimpl
from edgekit.kit import Kit
from edgekit.plugins import load_plugins
from edgekit.server import create_app
from edgekit.server.csrf import CSRF_COOKIE
from edgekit.server.deps import SESSION_COOKIE
from edgekit.server.i18n import LANG_COOKIE
from edgekit.settings import Settings
from edgekit.store import session_for
from edgekit.store.tables import Exchange

HTML = {"accept": "text/html"}
PINS = {"tech": "2468", "mwalimu": "1357", "pupil": "8642"}


class EchoApp:
    """Answers by repeating the question, script tags and all: model output is never to be trusted."""

    @hookimpl
    def before_answer(self, app, question):
        return (
            f"You asked: {question} <script>window.pwned = 1</script>" if app is not None and app.id == "echo" else None
        )

    @hookimpl
    def register_routes(self, app, router):
        from fastapi import Request

        from edgekit.server.deps import require_app_access
        from edgekit.server.pages import render

        @router.get("/register")  # the router is mounted at the app's prefix: /apps/echo/register
        def register_page(request: Request):
            require_app_access(request, "echo")
            return render(request, "echo/register.html", {"entries": ["<b>first</b>"]})

    @hookimpl
    def register_pages(self, register):
        register("echo", "/apps/echo/register", "register", roles=["teacher"])


def write_echo_app(folder):
    (folder / "templates").mkdir(parents=True)
    (folder / "i18n").mkdir()
    (folder / "manifest.toml").write_text(
        'id = "echo"\nname = "Echo"\nversion = "0.1.0"\nedgekit = ">=0.1,<1"\nlanguages = ["en"]\n'
        'roles = ["admin", "teacher", "student", "guest"]\n'
    )
    (folder / "templates" / "register.html").write_text(
        '{% extends "base.html" %}{% block main %}<h1>{{ t("echo.register") }}</h1>'
        "{% for e in entries %}<p>{{ e }}</p>{% endfor %}{% endblock %}"
    )
    for lang, word in (("en", "Register"), ("sw", "Daftari"), ("fr", "Registre")):
        (folder / "i18n" / f"{lang}.json").write_text(f'{{"name": "Echo", "register": "{word}"}}')
    return folder


@pytest.fixture
def kit(home, tmp_path) -> Kit:
    host = load_plugins(entry_points=False)
    host.add_app(EchoApp(), load_manifest(write_echo_app(tmp_path / "edgekit_echo")))
    kit = Kit(Settings(home=home, login_delay_s=0), plugin_host=host)
    kit.accounts.add_user("tech", "admin", pin=PINS["tech"])
    kit.accounts.add_user("mwalimu", "teacher", pin=PINS["mwalimu"])
    kit.accounts.add_user("pupil", "student", pin=PINS["pupil"])
    return kit


@pytest.fixture
def client(kit):
    with TestClient(create_app(kit=kit)) as test_client:
        yield test_client


def page_token(client: TestClient, path: str = "/") -> str:
    response = client.get(path, headers=HTML)
    return re.search(r'name="csrf_token" value="([^"]+)"', response.text).group(1)


def sign_in(client: TestClient, name: str):
    response = client.post(
        "/login", data={"name": name, "pin": PINS[name], "csrf_token": page_token(client, "/login")}, headers=HTML
    )
    assert response.status_code == 200, response.text  # followed the redirect home
    return response


def test_a_form_without_the_pages_token_is_refused_and_with_it_answered(client):
    refused = client.post("/apps/echo/ask", data={"question": "Hello?"}, headers=HTML)
    assert refused.status_code == 403 and "This page has expired" in refused.text
    token = page_token(client, "/apps/echo")
    answered = client.post("/apps/echo/ask", data={"question": "Hello?", "csrf_token": token}, headers=HTML)
    assert answered.status_code == 200 and "You asked: Hello?" in answered.text
    forged = client.post("/apps/echo/ask", data={"question": "Hello?", "csrf_token": token[:-2] + "00"}, headers=HTML)
    assert forged.status_code == 403


def test_model_text_is_escaped_on_the_answer_page(client):
    token = page_token(client, "/apps/echo")
    answered = client.post(
        "/apps/echo/ask", data={"question": "<img src=x onerror=alert(1)>", "csrf_token": token}, headers=HTML
    )
    assert "<script>window.pwned" not in answered.text and "&lt;script&gt;window.pwned" in answered.text
    assert "<img src=x" not in answered.text and "&lt;img src=x onerror=alert(1)&gt;" in answered.text


def test_a_cookie_signed_in_script_needs_the_header_and_a_bearer_client_does_not(client, kit):
    sign_in(client, "mwalimu")
    body = {"question": "Is this forged?"}
    forged = client.post("/apps/echo/api/ask", json=body)
    assert forged.status_code == 403 and forged.json()["error"]["code"] == "csrf_failed"
    token = page_token(client, "/apps/echo")
    with_header = client.post("/apps/echo/api/ask", json=body, headers={"X-CSRF-Token": token})
    assert with_header.status_code == 200 and "event: done" in with_header.text
    api_token = kit.accounts.create_token("pupil")
    with TestClient(client.app) as api_client:
        by_bearer = api_client.post("/apps/echo/api/ask", json=body, headers={"Authorization": f"Bearer {api_token}"})
    assert by_bearer.status_code == 200 and "event: done" in by_bearer.text


def test_cookies_are_http_only_and_same_site(client):
    first = client.get("/", headers=HTML)
    assert re.search(rf"{CSRF_COOKIE}=[^;]+;.*HttpOnly.*SameSite=strict", first.headers["set-cookie"], re.I)
    token = page_token(client)
    chosen = client.post("/language", data={"lang": "sw", "next": "/", "csrf_token": token}, follow_redirects=False)
    assert chosen.status_code == 303
    assert re.search(rf"{LANG_COOKIE}=sw;.*HttpOnly.*SameSite=lax", chosen.headers["set-cookie"], re.I)
    assert '<html lang="sw">' in client.get("/", headers=HTML).text
    signed_in = client.post(
        "/login",
        data={"name": "pupil", "pin": PINS["pupil"], "csrf_token": page_token(client, "/login")},
        follow_redirects=False,
    )
    assert re.search(rf"{SESSION_COOKIE}=[^;]+;.*HttpOnly.*SameSite=strict", signed_in.headers["set-cookie"], re.I)


def test_a_wrong_pin_is_said_in_the_chosen_language(client):
    client.cookies.set(LANG_COOKIE, "fr")
    response = client.post(
        "/login", data={"name": "pupil", "pin": "0000", "csrf_token": page_token(client, "/login")}, headers=HTML
    )
    assert response.status_code == 401 and "Nom ou code PIN incorrect." in response.text


@pytest.mark.parametrize("target", ["//evil.example/x", "https://evil.example/", "/\\evil.example", "javascript:x"])
def test_signing_in_only_returns_to_this_box(client, target):
    token = page_token(client, "/login")
    response = client.post(
        "/login",
        data={"name": "pupil", "pin": PINS["pupil"], "next": target, "csrf_token": token},
        follow_redirects=False,
    )
    assert response.headers["location"] == "/"


def test_past_questions_belong_to_who_asked_and_a_guests_to_no_one(client, kit):
    client.post("/apps/echo/ask", data={"question": "guest question", "csrf_token": page_token(client, "/apps/echo")})
    sign_in(client, "mwalimu")
    token = page_token(client, "/apps/echo")
    client.post("/apps/echo/ask", data={"question": "teacher by form", "csrf_token": token})
    client.post("/apps/echo/api/ask", json={"question": "teacher by script"}, headers={"X-CSRF-Token": token})
    with session_for(kit.db) as session:
        owners = {e.question: e.user_id for e in session.exec(select(Exchange))}
    teacher_id = next(u.id for u in kit.accounts.list_users() if u.name == "mwalimu")
    assert owners == {"guest question": None, "teacher by form": teacher_id, "teacher by script": teacher_id}
    history = client.get("/history", headers=HTML).text
    assert "teacher by form" in history and "teacher by script" in history and "guest question" not in history
    client.post("/logout", data={"csrf_token": page_token(client)})
    sign_in(client, "tech")
    technician_view = client.get("/history", headers=HTML).text
    assert "teacher by" not in technician_view and "guest question" not in technician_view


def test_history_needs_signing_in(client):
    response = client.get("/history", headers=HTML, follow_redirects=False)
    assert response.status_code == 303 and response.headers["location"] == "/login?next=/history"


def test_static_files_are_cached_and_stay_in_their_folder(client):
    css = client.get("/static/edgekit.css")
    assert css.status_code == 200 and "max-age" in css.headers["cache-control"]
    assert client.get("/static/%2e%2e/pages.py").status_code == 404
    assert client.get("/static/..%2fcsrf.py").status_code == 404
    assert client.get("/apps/echo/static/%2e%2e/manifest.toml").status_code == 404


def test_pages_forbid_framing_caching_and_outside_scripts(client):
    headers = client.get("/", headers=HTML).headers
    assert headers["x-frame-options"] == "DENY" and headers["cache-control"] == "no-store"
    assert "script-src 'self'" in headers["content-security-policy"]


def test_the_technicians_pages_are_for_technicians(client, kit):
    guest = client.get("/admin", headers=HTML, follow_redirects=False)
    assert guest.status_code == 303 and guest.headers["location"] == "/login?next=/admin"
    pupil = kit.accounts.create_token("pupil")
    assert client.get("/admin/users", headers={**HTML, "Authorization": f"Bearer {pupil}"}).status_code == 403
    sign_in(client, "tech")
    status = client.get("/admin", headers=HTML)
    assert status.status_code == 200 and "Memory free" in status.text and "Disk free" in status.text


def test_the_technician_adds_locks_and_unlocks_people(client, kit):
    sign_in(client, "tech")
    token = page_token(client, "/admin/users")
    added = client.post("/admin/users", data={"name": "juma", "role": "student", "pin": "4455", "csrf_token": token})
    assert added.status_code == 200 and "juma" in added.text
    weak = client.post("/admin/users", data={"name": "baraka", "role": "student", "pin": "12", "csrf_token": token})
    assert weak.status_code == 400 and "A PIN is 4 to 8 digits." in weak.text
    client.post("/admin/users/juma/lock", data={"csrf_token": token})
    assert next(u for u in kit.accounts.list_users() if u.name == "juma").disabled
    client.post("/admin/users/juma/unlock", data={"csrf_token": token})
    assert not next(u for u in kit.accounts.list_users() if u.name == "juma").disabled
    for spelling in ("tech", "Tech", " TECH"):
        self_lock = client.post(f"/admin/users/{spelling}/lock", data={"csrf_token": token})
        assert self_lock.status_code == 400, spelling
        assert not next(u for u in kit.accounts.list_users() if u.name == "tech").disabled


def test_unlocking_ends_a_wait_after_wrong_pins(kit):
    kit.settings.login_max_failures = 2
    kit.settings.login_delay_s = 60
    from edgekit.auth import LoginFailed

    for _ in range(2):
        with pytest.raises(LoginFailed, match="Wrong name or PIN"):
            kit.accounts.authenticate("pupil", "0000", "192.168.4.50")
    with pytest.raises(LoginFailed, match="too many tries: wait 60 s"):  # her name now waits, from any phone
        kit.accounts.authenticate("pupil", PINS["pupil"], "192.168.4.51")
    kit.accounts.enable_user("pupil", actor="tech")
    assert kit.accounts.authenticate("pupil", PINS["pupil"], "192.168.4.51").name == "pupil"


def test_an_app_switched_off_is_refused_at_once_and_comes_back(client, kit):
    sign_in(client, "tech")
    token = page_token(client, "/admin/apps")
    client.post("/admin/apps/echo", data={"enabled": "0", "csrf_token": token})
    assert kit.plugins.apps["echo"].status == "disabled"
    assert client.get("/apps/echo", headers=HTML).status_code == 404
    assert 'href="/apps/echo"' not in client.get("/", headers=HTML).text
    back = client.post("/admin/apps/echo", data={"enabled": "1", "csrf_token": token})
    assert "Done." in back.text and client.get("/apps/echo", headers=HTML).status_code == 200
    assert (kit.settings.home / "apps.json").read_text().count("echo") == 0


def test_an_app_adds_its_own_page_with_its_template_strings_and_link(client):
    assert client.get("/apps/echo/register", headers=HTML).status_code == 200  # guests may use echo
    assert 'href="/apps/echo/register"' not in client.get("/apps/echo", headers=HTML).text  # link: teachers only
    sign_in(client, "mwalimu")
    client.cookies.set(LANG_COOKIE, "fr")
    assert 'href="/apps/echo/register"' in client.get("/apps/echo", headers=HTML).text
    page = client.get("/apps/echo/register", headers=HTML).text
    assert "<h1>Registre</h1>" in page and "&lt;b&gt;first&lt;/b&gt;" in page and 'lang="fr"' in page


def test_scripts_get_json_errors_and_browsers_get_pages(client):
    assert client.get("/apps/nope", headers=HTML).status_code == 404
    assert "This helper is not available" in client.get("/apps/nope", headers=HTML).text
    api = client.post("/apps/nope/api/ask", json={"question": "x"})
    assert api.status_code == 404 and api.json()["error"]["code"] == "unknown_app"
    assert client.get("/no/such/page").json() == {"detail": "Not Found"}


def test_the_signing_key_is_private_and_outlives_a_restart(client, kit):
    token = page_token(client, "/apps/echo")
    key = kit.settings.home / "ui_secret"
    assert key.stat().st_mode & 0o777 == 0o600 and len(key.read_bytes()) == 32
    with TestClient(create_app(kit=kit), cookies=dict(client.cookies)) as restarted:
        answered = restarted.post("/apps/echo/ask", data={"question": "Still here?", "csrf_token": token}, headers=HTML)
    assert answered.status_code == 200 and "You asked: Still here?" in answered.text


@pytest.mark.parametrize(
    "path",
    [
        "/static/%00",
        "/static/edgekit.css%00",
        "/apps/echo/static/x%00",
        "/apps/agri/static/x%00",
        "/static/" + "a" * 5000,  # longer than any file name may be (ENAMETOOLONG)
        "/static/" + "a/" * 3000,
    ],
)
def test_a_static_path_no_file_can_have_is_not_found_without_signing_in(client, path):
    response = client.get(path)
    assert response.status_code == 404, response.text[:200]
    assert client.get(path, headers=HTML).status_code == 404
