"""The first admin account: made with a generated password that is shown once and stored only as its argon2 hash.

There is no default password anywhere: not in site.toml (which has no password key), not in a template, not in
a log. Provisioning again leaves an existing account and its password alone.
"""

from __future__ import annotations

import secrets

from edgekit.kit import Kit

# No 0/o, 1/l/i: the password is read off a screen and typed on a phone.
ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"
GROUPS, GROUP_LENGTH = 4, 4  # 31**16: about 79 bits


def generate_password() -> str:
    return "-".join("".join(secrets.choice(ALPHABET) for _ in range(GROUP_LENGTH)) for _ in range(GROUPS))


def existing_role(kit: Kit, name: str) -> str | None:
    """The role of the account called name, None if there is none; reads without creating a database."""
    if not kit.settings.db_path.exists():
        return None
    for user in kit.accounts.list_users():
        if user.name == name:
            return user.role
    return None


def create_admin(kit: Kit, name: str) -> str:
    """Make the account and return its password, which nothing else keeps."""
    password = generate_password()
    kit.accounts.add_user(name, "admin", password=password, actor="provision")
    return password
