from datetime import timedelta
from pathlib import Path

import pytest
from sqlmodel import Session, select

from edgekit.auth import Accounts, Forbidden, LoginFailed, NotAuthenticated, require_role, utc_now
from edgekit.errors import BadInput
from edgekit.kit import Kit
from edgekit.settings import Settings
from edgekit.store.tables import AuditEntry, User


@pytest.fixture
def accounts(home) -> Accounts:
    settings = Settings(home=home, login_max_failures=3, login_lockout_s=600, login_delay_s=0.5)
    return Kit(settings).accounts


def test_secrets_are_stored_as_argon2_hashes(accounts):
    accounts.add_user("Amina", "health_worker", pin="4821")
    with Session(accounts.db) as session:
        user = session.exec(select(User)).one()
    assert user.name == "amina"
    assert user.secret_hash.startswith("$argon2id$") and "4821" not in user.secret_hash
    assert "m=19456" in user.secret_hash  # memory-hard


def test_sign_in_with_the_right_pin_only(accounts):
    accounts.add_user("amina", "health_worker", pin="4821")
    assert accounts.authenticate("Amina", "4821").role == "health_worker"
    with pytest.raises(LoginFailed) as caught:
        accounts.authenticate("amina", "1111")
    assert caught.value.code == "login_failed"
    with pytest.raises(LoginFailed):
        accounts.authenticate("nobody", "4821")


@pytest.mark.parametrize(
    "kwargs, code",
    [
        ({"pin": "12"}, "weak_secret"),
        ({"pin": "12ab"}, "weak_secret"),
        ({"password": "short"}, "weak_secret"),
        ({}, "bad_arguments"),
        ({"pin": "1234", "password": "long enough"}, "bad_arguments"),
    ],
)
def test_weak_or_missing_secrets_are_refused(accounts, kwargs, code):
    with pytest.raises(BadInput) as caught:
        accounts.add_user("amina", "teacher", **kwargs)
    assert caught.value.code == code
    assert accounts.list_users() == []


def test_bad_names_roles_and_duplicates(accounts):
    with pytest.raises(BadInput, match="Roles: admin"):
        accounts.add_user("amina", "wizard", pin="1234")
    with pytest.raises(BadInput) as caught:
        accounts.add_user("a b", "teacher", pin="1234")
    assert caught.value.code == "bad_user_name"
    accounts.add_user("amina", "teacher", pin="1234")
    with pytest.raises(BadInput) as caught:
        accounts.add_user("AMINA", "student", pin="9999")
    assert caught.value.code == "user_exists"


def test_wrong_tries_slow_down_then_lock_and_the_lock_is_logged(accounts):
    accounts.add_user("amina", "health_worker", pin="4821")
    delays = []
    for _ in range(2):
        with pytest.raises(LoginFailed) as caught:
            accounts.authenticate("amina", "0000")
        delays.append(caught.value.delay_s)
    assert delays == [0.5, 1.0]
    with pytest.raises(LoginFailed) as caught:
        accounts.authenticate("amina", "0000")
    assert caught.value.code == "account_locked"
    with pytest.raises(LoginFailed) as caught:  # even the right PIN waits out the lock
        accounts.authenticate("amina", "4821")
    assert caught.value.code == "account_locked"
    with Session(accounts.db) as session:
        entries = session.exec(select(AuditEntry).where(AuditEntry.action == "account_locked")).all()
        assert [e.actor for e in entries] == ["amina"]
        user = session.exec(select(User)).one()
        user.locked_until = utc_now() - timedelta(seconds=1)  # the while has passed
        session.add(user)
        session.commit()
    assert accounts.authenticate("amina", "4821").name == "amina"


def test_sessions_and_tokens(accounts):
    user = accounts.add_user("juma", "teacher", password="chalk and board")
    cookie = accounts.open_session(user)
    assert accounts.user_for_session(cookie).name == "juma"
    assert accounts.user_for_session(cookie + "x") is None
    token = accounts.create_token("juma")
    assert token.startswith("ek_") and accounts.user_for_token(token).name == "juma"
    accounts.close_session(cookie)
    assert accounts.user_for_session(cookie) is None


def test_tokens_are_stored_hashed(accounts):
    accounts.add_user("juma", "teacher", pin="1234")
    token = accounts.create_token("juma")
    database = Path(accounts.db.url.database)
    stored = b"".join(p.read_bytes() for p in database.parent.glob(database.name + "*"))  # the WAL too
    assert b"juma" in stored  # proof we are reading the right files
    assert token.encode() not in stored


def test_disabling_ends_sessions_and_tokens(accounts):
    user = accounts.add_user("juma", "student", pin="1234")
    cookie = accounts.open_session(user)
    token = accounts.create_token("juma")
    accounts.disable_user("juma")
    assert accounts.user_for_session(cookie) is None
    assert accounts.user_for_token(token) is None
    with pytest.raises(LoginFailed) as caught:
        accounts.authenticate("juma", "1234")
    assert caught.value.code == "account_disabled"


def test_require_role():
    student = User(name="s", role="student", secret_hash="x", secret_kind="pin")
    with pytest.raises(NotAuthenticated):
        require_role(None, ("admin",))
    with pytest.raises(Forbidden) as caught:
        require_role(student, ("admin", "health_worker"))
    assert caught.value.http_status == 403
    assert require_role(student, ("student",)) is student


def test_parallel_guesses_cannot_slip_past_the_lockout(home):
    from concurrent.futures import ThreadPoolExecutor

    accounts = Kit(Settings(home=home, login_max_failures=5, login_delay_s=0)).accounts
    accounts.add_user("amina", "health_worker", pin="4821")

    def guess(pin: str) -> str:
        try:
            accounts.authenticate("amina", pin)
            return "signed_in"
        except LoginFailed as failed:
            return failed.code

    with ThreadPoolExecutor(max_workers=12) as pool:
        outcomes = list(pool.map(guess, [f"{n:04d}" for n in range(12)]))
    assert outcomes.count("login_failed") == 4  # the fifth wrong PIN locks the account
    assert outcomes.count("account_locked") == 8
