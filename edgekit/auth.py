"""Accounts and roles: users with a PIN or password (argon2), browser sessions, API tokens, and lockout.

There is never a default password: the first admin is made with `edgekit users add NAME --role admin`.
Tokens and session cookies are random and high-entropy, so a fast sha256 of them is what is stored; PINs and
passwords are short and guessable, so they get argon2 (memory-hard) and a lockout after repeated failures.
"""

from __future__ import annotations

import hashlib
import re
import secrets
import threading
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy.engine import Engine as DbEngine
from sqlmodel import Session, select, update

from edgekit import audit
from edgekit.errors import BadInput, EdgekitError
from edgekit.roles import NAME_PATTERN, ROLES
from edgekit.settings import Settings
from edgekit.store.tables import ApiToken, BrowserSession, User, utc_now

PIN_PATTERN = re.compile(r"^[0-9]{4,8}$")
MIN_PASSWORD = 8

# OWASP's argon2id minimum (19 MiB, 2 passes, 1 lane): memory-hard, yet about 50 ms on a Pi 4.
_hasher = PasswordHasher(time_cost=2, memory_cost=19 * 1024, parallelism=1)


class LoginFailed(EdgekitError):
    code = "login_failed"
    http_status = 401

    def __init__(self, message: str, *, delay_s: float = 0.0, code: str | None = None):
        super().__init__(message, code=code)
        self.delay_s = delay_s  # how long the server waits before answering: guessing gets slow


class NotAuthenticated(EdgekitError):
    code = "not_authenticated"
    http_status = 401


class Forbidden(EdgekitError):
    code = "forbidden"
    http_status = 403


def token_digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def check_secret_rules(pin: str | None, password: str | None) -> tuple[str, str]:
    if (pin is None) == (password is None):
        raise BadInput("Give either a PIN (--pin) or a password (--password).", code="bad_arguments")
    if pin is not None:
        if not PIN_PATTERN.match(pin):
            raise BadInput("A PIN is 4 to 8 digits.", code="weak_secret")
        return pin, "pin"
    if len(password) < MIN_PASSWORD:
        raise BadInput(f"A password has at least {MIN_PASSWORD} characters.", code="weak_secret")
    return password, "password"


@dataclass
class Accounts:
    """User management and sign-in over one database."""

    db: DbEngine
    settings: Settings
    _locks: dict[str, threading.Lock] = field(default_factory=dict, init=False, repr=False)
    _locks_guard: threading.Lock = field(default_factory=threading.Lock, init=False, repr=False)

    # --- users -------------------------------------------------------------------------------------
    def add_user(
        self, name: str, role: str, *, pin: str | None = None, password: str | None = None, actor: str = "cli"
    ) -> User:
        name = name.strip().lower()
        if not NAME_PATTERN.match(name):
            raise BadInput(
                "A user name is 2-32 characters: lower-case letters, digits, dot, dash, underscore.",
                code="bad_user_name",
            )
        if role not in ROLES:
            raise BadInput(f"Unknown role '{role}'. Roles: {', '.join(ROLES)}.", code="unknown_role")
        secret, kind = check_secret_rules(pin, password)
        with Session(self.db) as session:
            if session.exec(select(User).where(User.name == name)).first():
                raise BadInput(f"A user named '{name}' exists already.", code="user_exists")
            user = User(name=name, role=role, secret_hash=_hasher.hash(secret), secret_kind=kind)
            session.add(user)
            audit.record(session, actor, "user_added", name, f"role={role}")
            session.commit()
            session.refresh(user)
            return user

    def get_user(self, session: Session, name: str) -> User:
        user = session.exec(select(User).where(User.name == name.strip().lower())).first()
        if user is None:
            raise EdgekitError(f"No user named '{name}'. See: edgekit users list", code="unknown_user", http_status=404)
        return user

    def list_users(self) -> list[User]:
        with Session(self.db) as session:
            return list(session.exec(select(User).order_by(User.name)))

    def disable_user(self, name: str, actor: str = "cli") -> None:
        with Session(self.db) as session:
            user = self.get_user(session, name)
            user.disabled = True
            for row in session.exec(select(BrowserSession).where(BrowserSession.user_id == user.id)):
                session.delete(row)
            for token in session.exec(select(ApiToken).where(ApiToken.user_id == user.id)):
                token.revoked = True
                session.add(token)
            session.add(user)
            audit.record(session, actor, "user_disabled", user.name)
            session.commit()

    def enable_user(self, name: str, actor: str = "cli") -> None:
        """Unlock an account: undo a disable and end a lockout after wrong PINs (its old tokens stay revoked)."""
        with Session(self.db) as session:
            user = self.get_user(session, name)
            user.disabled = False
            user.failed_logins = 0
            user.locked_until = None
            session.add(user)
            audit.record(session, actor, "user_enabled", user.name)
            session.commit()

    # --- sign-in -----------------------------------------------------------------------------------
    def authenticate(self, name: str, secret: str) -> User:
        """The user, if the secret is right and the account is usable; LoginFailed otherwise.

        Tries for one account are checked one at a time: forty parallel guesses must not all read the same
        failure count, slip under the limit together and never lock the account."""
        name = name.strip().lower()
        with self._account_lock(name):
            return self._authenticate(name, secret)

    def _account_lock(self, name: str) -> threading.Lock:
        with self._locks_guard:
            return self._locks.setdefault(name, threading.Lock())

    def _authenticate(self, name: str, secret: str) -> User:
        with Session(self.db) as session:
            user = session.exec(select(User).where(User.name == name)).first()
            if user is None:
                _hasher.hash(secret)  # same work as a real check: timing does not reveal which names exist
                raise LoginFailed("Wrong name or PIN.", delay_s=self.settings.login_delay_s)
            now = utc_now()
            if user.locked_until and user.locked_until > now:
                minutes = max(1, round((user.locked_until - now).total_seconds() / 60))
                raise LoginFailed(
                    f"Too many wrong tries: this account is locked for {minutes} more minutes.", code="account_locked"
                )
            if user.disabled:
                raise LoginFailed("This account is disabled. Ask the technician.", code="account_disabled")
            try:
                _hasher.verify(user.secret_hash, secret)
            except (VerificationError, InvalidHashError):
                return self._failed(session, user, now)
            user.failed_logins = 0
            user.locked_until = None
            session.add(user)
            session.commit()
            session.refresh(user)
            return user

    def _failed(self, session: Session, user: User, now: datetime) -> User:
        # Counted in the database itself, so a second server process cannot lose a failure either.
        session.exec(update(User).where(User.id == user.id).values(failed_logins=User.failed_logins + 1))
        session.refresh(user)
        failures = user.failed_logins
        if failures >= self.settings.login_max_failures:
            user.locked_until = now + timedelta(seconds=self.settings.login_lockout_s)
            user.failed_logins = 0
            audit.record(
                session,
                user.name,
                "account_locked",
                user.name,
                f"{failures} wrong tries; locked for {self.settings.login_lockout_s:.0f} s",
            )
            session.add(user)
            session.commit()
            raise LoginFailed("Too many wrong tries: this account is locked for a while.", code="account_locked")
        session.add(user)
        session.commit()
        # Each wrong try answers more slowly: 0.5 s, 1 s, 2 s ...
        delay = min(self.settings.login_delay_s * 2 ** (failures - 1), 8.0)
        raise LoginFailed("Wrong name or PIN.", delay_s=delay)

    # --- sessions and tokens -----------------------------------------------------------------------
    def open_session(self, user: User) -> str:
        cookie = secrets.token_urlsafe(32)
        with Session(self.db) as session:
            session.add(
                BrowserSession(
                    user_id=user.id,
                    token_hash=token_digest(cookie),
                    expires_at=utc_now() + timedelta(seconds=self.settings.session_ttl_s),
                )
            )
            session.commit()
        return cookie

    def close_session(self, cookie: str) -> None:
        with Session(self.db) as session:
            row = session.exec(select(BrowserSession).where(BrowserSession.token_hash == token_digest(cookie))).first()
            if row:
                session.delete(row)
                session.commit()

    def user_for_session(self, cookie: str) -> User | None:
        with Session(self.db) as session:
            row = session.exec(select(BrowserSession).where(BrowserSession.token_hash == token_digest(cookie))).first()
            if row is None or row.expires_at < utc_now():
                return None
            user = session.get(User, row.user_id)
            return None if user is None or user.disabled else user

    def create_token(self, name: str, actor: str = "cli") -> str:
        token = "ek_" + secrets.token_urlsafe(32)
        with Session(self.db) as session:
            user = self.get_user(session, name)
            if user.disabled:
                raise BadInput(f"User '{user.name}' is disabled.", code="account_disabled")
            session.add(ApiToken(user_id=user.id, token_hash=token_digest(token)))
            audit.record(session, actor, "token_created", user.name)
            session.commit()
        return token

    def user_for_token(self, token: str) -> User | None:
        with Session(self.db) as session:
            row = session.exec(select(ApiToken).where(ApiToken.token_hash == token_digest(token))).first()
            if row is None or row.revoked:
                return None
            user = session.get(User, row.user_id)
            if user is None or user.disabled:
                return None
            row.last_used_at = utc_now()
            session.add(row)
            session.commit()
            session.refresh(user)
            return user


def require_role(user: User | None, allowed: tuple[str, ...]) -> User:
    if user is None:
        raise NotAuthenticated("Sign in first, or send an API token (Authorization: Bearer ...).")
    if user.role not in allowed:
        raise Forbidden(f"The role '{user.role}' may not use this. Allowed: {', '.join(allowed)}.")
    return user
