"""Accounts and roles: users with a PIN or password (argon2), browser sessions, API tokens, and lockout.

There is never a default password: the first admin is made with `edgekit users add NAME --role admin`.
Tokens and session cookies are random and high-entropy, so a fast sha256 of them is what is stored; PINs and
passwords are short and guessable, so they get argon2 (memory-hard) and a throttle on guessing
(edgekit.accounts.throttle) that never tells which names have accounts.
"""

from __future__ import annotations

import hashlib
import math
import re
import secrets
from dataclasses import dataclass
from datetime import timedelta
from functools import cache, cached_property

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy.engine import Engine as DbEngine
from sqlmodel import Session, select

from edgekit.accounts.roles import NAME_PATTERN, ROLES
from edgekit.accounts.throttle import LoginThrottle
from edgekit.errors import BadInput, EdgekitError
from edgekit.settings import Settings
from edgekit.store import audit
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


class LoginThrottled(LoginFailed):
    """Too many tries on this name or from this address: the same answer whether or not the account exists."""

    code = "login_throttled"
    http_status = 429

    def __init__(self, wait_s: float):
        self.retry_after_s = max(1, math.ceil(wait_s))
        super().__init__(f"Wrong name or PIN, or too many tries: wait {self.retry_after_s} s, then try again.")


def _verify(stored_hash: str, secret: str) -> bool:
    try:
        return _hasher.verify(stored_hash, secret)
    except (VerificationError, InvalidHashError):
        return False


@cache
def _dummy_hash() -> str:
    """What a name with no account is checked against: the same argon2 work as a real one."""
    return _hasher.hash(secrets.token_urlsafe(16))


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
    assert password is not None  # exactly one of the two was given
    if len(password) < MIN_PASSWORD:
        raise BadInput(f"A password has at least {MIN_PASSWORD} characters.", code="weak_secret")
    return password, "password"


@dataclass
class Accounts:
    """User management and sign-in over one database."""

    db: DbEngine
    settings: Settings

    # --- users -------------------------------------------------------------------------------------
    def add_user(
        self,
        name: str,
        role: str,
        *,
        pin: str | None = None,
        password: str | None = None,
        actor: str = "cli",
        session: Session | None = None,
    ) -> User:
        """A new account, committed here; or, given the caller's `session`, only added to it, so the caller stores
        it with what it belongs to (a class's pupils) or not at all."""
        name = self._checked(name, role)
        secret, kind = check_secret_rules(pin, password)
        secret_hash = _hasher.hash(secret)
        if session is not None:
            return self._add_user(session, name, role, secret_hash, kind, actor)
        with Session(self.db) as own:
            user = self._add_user(own, name, role, secret_hash, kind, actor)
            own.commit()
            own.refresh(user)
            return user

    def add_users(self, session: Session, role: str, pins: dict[str, str], actor: str = "cli") -> list[User]:
        """New accounts with PINs (name -> PIN), only added to the caller's `session` (a class's pupils). Every
        PIN is hashed before the first account is written: SQLite's write lock, taken at that first write, is
        then not held through the argon2 hashes (0.1-0.3 s each on a Pi), which would keep every other writer
        (a class's answers, sign-ins) waiting past its busy timeout."""
        checked = [(self._checked(name, role), *check_secret_rules(pin, None)) for name, pin in pins.items()]
        hashed = [(name, _hasher.hash(secret), kind) for name, secret, kind in checked]
        return [self._add_user(session, name, role, secret_hash, kind, actor) for name, secret_hash, kind in hashed]

    @staticmethod
    def _checked(name: str, role: str) -> str:
        name = name.strip().lower()
        if not NAME_PATTERN.match(name):
            raise BadInput(
                "A user name is 2-32 characters: lower-case letters, digits, dot, dash, underscore.",
                code="bad_user_name",
            )
        if role not in ROLES:
            raise BadInput(f"Unknown role '{role}'. Roles: {', '.join(ROLES)}.", code="unknown_role")
        return name

    def _add_user(self, session: Session, name: str, role: str, secret_hash: str, kind: str, actor: str) -> User:
        if session.exec(select(User).where(User.name == name)).first():
            raise BadInput(f"A user named '{name}' exists already.", code="user_exists")
        user = User(name=name, role=role, secret_hash=secret_hash, secret_kind=kind)
        session.add(user)
        audit.record(session, actor, "user_added", name, f"role={role}")
        session.flush()
        return user

    def set_secret(self, name: str, *, pin: str | None = None, password: str | None = None, actor: str = "cli") -> None:
        """A new PIN or password for an account (a teacher reprinting a pupil's card): its sessions end."""
        secret, kind = check_secret_rules(pin, password)
        with Session(self.db) as session:
            user = self.get_user(session, name)
            user.secret_hash, user.secret_kind = _hasher.hash(secret), kind
            user.failed_logins, user.locked_until = 0, None
            for row in session.exec(select(BrowserSession).where(BrowserSession.user_id == user.id)):
                session.delete(row)
            session.add(user)
            audit.record(session, actor, "secret_changed", user.name)
            session.commit()

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
            known_as = user.name
            session.commit()
        self.throttle.forgive(known_as)  # only this process's: a server elsewhere keeps its (short, capped) waits

    # --- sign-in -----------------------------------------------------------------------------------
    @cached_property
    def throttle(self) -> LoginThrottle:
        return LoginThrottle(
            delay_s=self.settings.login_delay_s,
            name_wait_max_s=self.settings.login_name_wait_max_s,
            address_max_failures=self.settings.login_max_failures,
            address_window_s=self.settings.login_lockout_s,
        )

    def authenticate(self, name: str, secret: str, address: str | None = None) -> User:
        """The user, if the secret is right and the account is usable; LoginFailed otherwise.

        `address` is the client's (None: a caller on the box itself). A name that has no account gets the same
        work, the same answers and the same waits as one that has, on every try: one argon2 check (against a
        dummy hash), one database read, and a throttle keyed by the name as typed (edgekit.accounts.throttle)."""
        name = name.strip().lower()
        dummy = _dummy_hash()  # made before the clock starts mattering: the first try pays for it either way
        verdict = self.throttle.admit(name, address)
        if not verdict.allowed:
            raise LoginThrottled(verdict.wait_s)
        with Session(self.db) as session:
            user = session.exec(select(User).where(User.name == name)).first()
            right = _verify(user.secret_hash if user is not None else dummy, secret) and user is not None
            if not right or user is None:
                return self._failed(session, name, address, verdict.failures)
            self.throttle.succeeded(name, address)
            if user.disabled:  # said only to someone who knows the PIN: it reveals nothing to a guesser
                raise LoginFailed("This account is disabled. Ask the technician.", code="account_disabled")
            return user

    def _failed(self, session: Session, name: str, address: str | None, failures: int) -> User:
        if failures == self.settings.login_max_failures:
            # Known and unknown names alike, so that the write costs the same time for both.
            wait = self.throttle.name_wait(failures)
            audit.record(
                session, address or "local", "login_slowed", name, f"{failures} wrong tries; waits {wait:.0f} s"
            )
            session.commit()
        raise LoginFailed("Wrong name or PIN.", delay_s=self.throttle.answer_delay(failures))

    # --- sessions and tokens -----------------------------------------------------------------------
    def open_session(self, user: User) -> str:
        assert user.id is not None  # a user read from the database
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
            assert user.id is not None  # read from the database
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
