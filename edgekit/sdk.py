"""edgekit.sdk: the one module an app imports. Everything here stays (names are added, never renamed).

    from edgekit.sdk import AppContext, GuardAnswer, hookimpl, render, require_app_user

- hooks: `hookimpl` marks an app's hook implementations (docs/hooks.md lists them and their arguments);
- guards: `GuardAnswer` (a whole answer, or with final=False the words an answer must begin with);
- errors: `EdgekitError` and its kinds, each with a stable snake_case `code` and an HTTP status;
- the app's context: `AppContext` (id, manifest, URL prefix, folders, database session, knowledge, logger, audit);
- pages: `render`, `static_url`, `choose_language`, `LANGUAGES`;
- requests: `current_user`, `require_role`, `require_app_user`, `require_app_access`, `get_kit`, `app_of`;
- records: `audit`, `audit_entries`, `find_account`, `Account`, `now`, `ROLES`;
- the district hub: `add_to_outbox` (up), `inbound_records` and `mark_inbound` (what came down);
- accounts: `add_account`, `add_accounts`, `set_account_secret`, `sign_in`, `sign_out`, `LoginFailed` (an app's own
  sign-in page);
- text: `fold`, `FOLDED`, `guess_language`;
- voice: `transcribe_recording` (a phone's recording to text), `speak` (text read aloud, as WAV);
- guessing: `check_guess` (a guessable value such as a class code, under the sign-in's throttle).

Importing this module is cheap (no web framework, no database layer): an app's module is imported by every
`edgekit` command, so what needs FastAPI or SQLAlchemy is imported on first use.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, cast

from edgekit.accounts.roles import ROLES
from edgekit.app_context import AppContext
from edgekit.errors import BadInput, EdgekitError
from edgekit.guards import GuardAnswer
from edgekit.hookspecs import hookimpl

if TYPE_CHECKING:
    from sqlmodel import Session
    from starlette.requests import Request
    from starlette.responses import HTMLResponse, Response

    from edgekit.kit import Kit
    from edgekit.store.tables import AuditEntry, User

__all__ = [
    "FOLDED",
    "INBOUND_REFERRAL",
    "LANGUAGES",
    "REFERRAL_STATUS",
    "ROLES",
    "Account",
    "AppContext",
    "AppManifest",
    "BadInput",
    "EdgekitError",
    "Forbidden",
    "GuardAnswer",
    "LoginFailed",
    "NotAuthenticated",
    "NotFound",
    "Passage",
    "add_account",
    "add_accounts",
    "add_to_outbox",
    "app_of",
    "audit",
    "audit_entries",
    "chat_in_turn",
    "check_guess",
    "choose_language",
    "current_user",
    "find_account",
    "fold",
    "get_kit",
    "guess_language",
    "hookimpl",
    "inbound_records",
    "mark_inbound",
    "now",
    "render",
    "require_app_access",
    "require_app_user",
    "require_role",
    "set_account_secret",
    "sign_in",
    "sign_out",
    "speak",
    "static_url",
    "transcribe_recording",
]

LANGUAGES = ("en", "sw", "fr")  # the languages every page speaks (edgekit.server.i18n.LANGUAGES)


class NotFound(EdgekitError):
    """A record the request names does not exist (or is not the asker's to know of)."""

    code = "not_found"
    http_status = 404


# --- time --------------------------------------------------------------------------------------------------


def now() -> datetime:
    """The time now, in UTC and aware: what every stored timestamp is."""
    return datetime.now(UTC)


# --- pages and requests (FastAPI, Jinja and the database are imported on first use) -----------------------


def render(
    request: Request, template: str | list[str], context: dict[str, Any] | None = None, status: int = 200
) -> HTMLResponse:
    """A page from the app's templates/ (named "<app id>/<file>"), with what every page has: t(), csrf_field(),
    user, lang, static(). Templates extend "base.html"; autoescape is on."""
    from edgekit.server.pages import render as render_page

    return cast("HTMLResponse", render_page(request, template, context, status))


def static_url(name: str, app_id: str | None = None) -> str:
    """A static file's address (the app's static/ with app_id, else the core's), versioned against stale caches."""
    from edgekit.server.pages import static_url as versioned

    return versioned(name, app_id)


def choose_language(request: Request) -> str:
    """The language the person chose (a cookie), else the best their browser asks for, else English."""
    from edgekit.server.i18n import choose_language as choose

    return choose(request)


def get_kit(request: Request) -> Kit:
    """The running box (settings, database, models): for what the app's context does not offer."""
    return cast("Kit", request.app.state.kit)


def app_of(request: Request, app_id: str) -> AppContext:
    """An app's context from inside one of its routes."""
    return get_kit(request).app_contexts[app_id]


def current_user(request: Request) -> User | None:
    """Who is asking (session cookie or bearer token), or None for a visitor."""
    from edgekit.server.deps import current_user as who

    return who(request)


def require_role(*roles: str) -> Callable[[Request], User]:
    """A FastAPI dependency that lets only these roles through: 401 for nobody, 403 for a wrong role."""
    from edgekit.server.deps import require_roles

    return require_roles(*roles)


def require_app_access(request: Request, app_id: str) -> tuple[AppManifest, User | None]:
    """The app's manifest and who is asking, when their role is among the manifest's roles (a visitor counts as
    a guest): 404 for no such app (or one switched off), 401 for a visitor the app refuses, 403 for a wrong role."""
    from edgekit.server.deps import require_app_access as check

    return cast("tuple[AppManifest, User | None]", check(request, app_id))


def require_app_user(app_id: str) -> Callable[[Request], User | None]:
    """A FastAPI dependency form of require_app_access: the user, when the manifest's roles let them in."""

    from starlette.requests import Request as RequestClass

    def dependency(request: Request) -> User | None:
        return require_app_access(request, app_id)[1]

    # This module's annotations are strings (PEP 563) and Request is imported for type checking only: FastAPI
    # must see the class itself, or it takes `request` for a required query parameter.
    dependency.__annotations__ = {"request": RequestClass, "return": None}
    return dependency


# --- accounts and signing in (for apps with their own sign-in, e.g. pupils picking their name) -------------


def add_account(
    kit: Kit,
    name: str,
    role: str,
    *,
    pin: str | None = None,
    password: str | None = None,
    actor: str = "cli",
    session: Session | None = None,
) -> Account:
    """A new account on the box (a PIN of 4-8 digits, or a password); BadInput with a stable code otherwise.
    With `session`, the account is only added to the caller's transaction: stored with the app's records (a
    class's pupils) when the caller commits, or not at all."""
    user = kit.accounts.add_user(name, role, pin=pin, password=password, actor=actor, session=session)
    return Account(user.name, user.role)


def add_accounts(kit: Kit, role: str, pins: dict[str, str], *, actor: str = "cli", session: Session) -> list[Account]:
    """New accounts with PINs (name -> PIN) in the caller's transaction, like `add_account(..., session=)` for
    each: stored with the app's records when the caller commits, or not at all. Every PIN is hashed (slow on
    purpose) before the first account is written, so the database is not locked for other writers meanwhile;
    call it before the session has written anything."""
    users = kit.accounts.add_users(session, role, pins, actor=actor)
    return [Account(user.name, user.role) for user in users]


def set_account_secret(
    kit: Kit, name: str, *, pin: str | None = None, password: str | None = None, actor: str = "cli"
) -> None:
    """Give an account a new PIN or password; its browser sessions end."""
    kit.accounts.set_secret(name, pin=pin, password=password, actor=actor)


async def sign_in(request: Request, response: Response, name: str, secret: str) -> Account:
    """Check a name and PIN exactly as /login does (the box's throttle, its waits, its errors: LoginFailed with
    a stable code) and put the session cookie on `response`. For an app's own sign-in page."""
    import asyncio

    from edgekit.accounts.auth import LoginFailed
    from edgekit.server.deps import SESSION_COOKIE

    kit = get_kit(request)
    address = request.client.host if request.client else ""
    try:
        user = await asyncio.to_thread(kit.accounts.authenticate, name, secret, address)
    except LoginFailed as failed:
        await asyncio.sleep(failed.delay_s)
        raise
    response.set_cookie(
        SESSION_COOKIE,
        kit.accounts.open_session(user),
        httponly=True,
        samesite="strict",
        secure=request.url.scheme == "https",
        max_age=int(kit.settings.session_ttl_s),
        path="/",
    )
    return Account(user.name, user.role)


def sign_out(request: Request, response: Response) -> None:
    """End the session of the browser asking (a shared phone left idle) and clear its cookie on `response`."""
    from edgekit.server.deps import SESSION_COOKIE

    if cookie := request.cookies.get(SESSION_COOKIE):
        get_kit(request).accounts.close_session(cookie)
    response.delete_cookie(SESSION_COOKIE, path="/")


async def check_guess(request: Request, key: str, is_right: Callable[[], bool]) -> bool:
    """Whether a value a stranger could guess (a class code) is right, under the sign-in's own throttle: `key`
    counts as a name (known or not alike), and a wrong guess counts against the asking address's wrong tries,
    PINs included. LoginThrottled (429) while it must wait; a wrong guess is held back like a wrong PIN."""
    import asyncio

    from edgekit.accounts.auth import LoginThrottled

    kit = get_kit(request)
    address = request.client.host if request.client else ""
    throttle = kit.accounts.throttle
    key = "guess:" + key  # never an account's name: those have no colon
    verdict = throttle.admit(key, address)
    if not verdict.allowed:
        raise LoginThrottled(verdict.wait_s)
    if await asyncio.to_thread(is_right):
        throttle.succeeded(key, address)
        return True
    await asyncio.sleep(throttle.answer_delay(verdict.failures))
    return False


# --- voice -------------------------------------------------------------------------------------------------


async def transcribe_recording(request: Request, audio: Any, *, app_id: str, lang: str | None = None) -> str:
    """A recording a phone uploaded (an UploadFile: any format a phone records) as text: the box's speech model
    for the language, in the asker's fair turn, within the upload limit, as the ask pages do. BadInput with a
    stable code for a silent recording (audio_silent), one too large (upload_too_large) or one that is not audio."""
    from edgekit.server.deps import current_user as who
    from edgekit.server.routes.ui_ask import transcribe_upload

    heard = await transcribe_upload(get_kit(request), request, who(request), audio, lang, app_id)
    return cast("str", heard.text).strip()


async def speak(request: Request, text: str, *, app_id: str, lang: str | None = None) -> Response:
    """`text` read aloud: a WAV response (audio/wav) for a link or an <audio src>, in the text's own language
    (else `lang`), in the asker's fair turn at the voice, as the ask pages' read-aloud does."""
    from edgekit.server.deps import current_user as who
    from edgekit.server.routes.ui_ask import speak_text

    return await speak_text(get_kit(request), request, who(request), app_id, text, lang)


# --- records -----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Account:
    """A person's account on the box as an app sees it: the name and the role, no secrets."""

    name: str
    role: str


def find_account(session: Session, name: str) -> Account | None:
    """The account of that name, or None."""
    from sqlmodel import select

    from edgekit.store.tables import User

    user = session.exec(select(User).where(User.name == name)).first()
    return Account(user.name, user.role) if user is not None else None


def audit(session: Session, actor: str, action: str, target: str = "", detail: str = "") -> AuditEntry:
    """Add an audit entry to the session: commit it with the change it describes (both survive, or neither).
    Name actions under the app's id ("health.woman.read"); AppContext.audit does that for you."""
    from edgekit.store.audit import record

    return record(session, actor, action, target, detail)


def add_to_outbox(session: Session, kind: str, key: object, payload: dict[str, Any]) -> None:
    """Queue a record for the district hub in the caller's transaction, so the record and its outbox row are
    stored together or not at all (edgekit/sync/outbox.py drops what the site has not opted in to share)."""
    from edgekit.sync.outbox import add_to_outbox as add

    add(session, kind, key, payload)


INBOUND_REFERRAL = "referral"  # a referral another facility's box sent to this facility
REFERRAL_STATUS = "referral_status"  # the receiving facility's word on a referral this box sent


def inbound_records(session: Session, kind: str) -> list[dict[str, Any]]:
    """What the district hub sent down to this box, of one kind, oldest first: INBOUND_REFERRAL (payload:
    from_box, from_facility, referral_id, woman_code, level, sign_codes, created_at) or REFERRAL_STATUS (payload:
    referral_id, status, by_box, by_facility, at: when that facility said it). Each is the payload with `id` (the
    hub's number, never reused), `status` here, `received_at` and `updated_at`. The sync runs without the apps (a
    timer), so an app reads these when a person looks, and applies each once (docs/hooks.md)."""
    from edgekit.sync.inbox import records_of

    return records_of(session, kind)


def mark_inbound(session: Session, record_id: int, status: str, actor: str) -> dict[str, Any]:
    """The receiving facility's word on a referral it received (arrived, treated or closed), in the caller's
    transaction: kept here, audited, and queued for the hub, which tells the sending box. BadInput for another
    status, or (code not_found) for an id that is not a referral received here."""
    from edgekit.sync.inbox import mark_inbound as mark

    return mark(session, record_id, status, actor)


async def chat_in_turn(
    kit: Kit,
    messages: list[dict[str, str]],
    *,
    client: str,
    model_id: str | None = None,
    max_tokens: int = 256,
    temperature: float = 0.2,
    seed: int | None = None,
) -> str:
    """An app's own call to an instruction model (a tutor's hint): its chat template, in this client's fair turn,
    the same turn every answer takes (edgekit/answering/turn.py). QueueFull (429 with Retry-After) at once when
    the queue is full; the model's own errors (not installed, resting after a crash, power saving) as raised."""
    from edgekit.answering.turn import run_in_turn

    model = model_id or kit.settings.chat_model

    def write(cancel: threading.Event) -> str:
        with kit.manager.acquire_model(model, "Chat model") as engine:
            chat: Any = engine  # a chat engine: stream_chat applies the model's own chat template
            # A client gone away stops it at its next token: run_in_turn sets `cancel`.
            return "".join(
                chat.stream_chat(messages, max_tokens=max_tokens, temperature=temperature, seed=seed, cancel=cancel)
            )

    return await run_in_turn(kit, model, client, write)


def audit_entries(session: Session, limit: int = 100, actor: str | None = None) -> list[AuditEntry]:
    """The newest audit entries first (for an app's own checks and tests)."""
    from edgekit.store.audit import recent

    return recent(session, limit, actor)


# --- names whose modules are heavy: imported when first asked for (PEP 562) ---------------------------------

_LAZY = {
    "AppManifest": ("edgekit.apps", "AppManifest"),
    "Forbidden": ("edgekit.accounts.auth", "Forbidden"),
    "LoginFailed": ("edgekit.accounts.auth", "LoginFailed"),
    "NotAuthenticated": ("edgekit.accounts.auth", "NotAuthenticated"),
    "Passage": ("edgekit.knowledge", "Passage"),
    # edgekit.knowledge's package imports the database layer; apps fold text only once a guard or triage runs.
    "FOLDED": ("edgekit.knowledge.language", "FOLDED"),
    "fold": ("edgekit.knowledge.language", "fold"),
    "guess_language": ("edgekit.knowledge.language", "guess_language"),
}

if TYPE_CHECKING:
    from edgekit.accounts.auth import Forbidden, LoginFailed, NotAuthenticated
    from edgekit.apps import AppManifest
    from edgekit.knowledge import Passage
    from edgekit.knowledge.language import FOLDED, fold, guess_language


def __getattr__(name: str) -> Any:
    if name not in _LAZY:
        raise AttributeError(f"module 'edgekit.sdk' has no attribute {name!r}")
    import importlib

    module_name, attribute = _LAZY[name]
    value = getattr(importlib.import_module(module_name), attribute)
    globals()[name] = value
    return value
