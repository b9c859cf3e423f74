"""People at the hub and what each role may see: the hub admin everything, a district health officer the health
figures only, an education officer the schools only. Secrets are argon2 hashes, as on the box."""

from __future__ import annotations

import hashlib
import time

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.engine import Engine

from edgekit.errors import BadInput
from edgekit.hub import tables

ROLES = ("hub_admin", "health_officer", "education_officer")
SEES = {"hub_admin": {"health", "edu", "boxes"}, "health_officer": {"health"}, "education_officer": {"edu"}}
_hasher = PasswordHasher(time_cost=2, memory_cost=19 * 1024, parallelism=1)
CACHE_S = 60  # a page load checks the password once a minute, not on every request (argon2 is slow on purpose)


def add_user(engine: Engine, name: str, role: str, password: str) -> None:
    if role not in ROLES:
        raise BadInput(f"A hub role is one of {', '.join(ROLES)}, not '{role}'.")
    if len(password) < 10:
        raise BadInput("A hub password is at least 10 characters: the hub is reachable from the network.")
    if not 1 <= len(name) <= 64:
        raise BadInput("A name is 1-64 characters.")
    with engine.begin() as connection:
        stmt = insert(tables.user).values(name=name, role=role, secret_hash=_hasher.hash(password))
        connection.execute(
            stmt.on_conflict_do_update(
                index_elements=["name"], set_={"role": role, "secret_hash": stmt.excluded.secret_hash}
            )
        )


class Verifier:
    def __init__(self, engine: Engine):
        self.engine = engine
        self._recent: dict[str, tuple[float, str]] = {}

    def role_of(self, name: str, password: str) -> str | None:
        token = hashlib.sha256(f"{name}\0{password}".encode()).hexdigest()
        cached = self._recent.get(token)
        if cached and time.monotonic() - cached[0] < CACHE_S:
            return cached[1]
        with self.engine.connect() as connection:
            row = connection.execute(select(tables.user).where(tables.user.c.name == name)).mappings().first()
        try:
            if row is None or not _hasher.verify(row["secret_hash"], password):
                return None
        except (VerificationError, InvalidHashError):
            return None
        self._recent[token] = (time.monotonic(), row["role"])
        return row["role"]
