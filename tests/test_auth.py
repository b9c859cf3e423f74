from pathlib import Path

import pytest
from sqlmodel import Session, select

from edgekit.accounts.auth import Accounts, Forbidden, LoginFailed, NotAuthenticated, require_role
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


PHONE = "192.168.4.23"  # a phone on the box's Wi-Fi


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_wrong_tries_slow_down_and_the_slow_down_is_logged(accounts):
    """A streak of wrong tries makes every answer wait longer; past login_max_failures tries from one address, that
    address waits (not the account: the right PIN from elsewhere still gets in)."""
    accounts.add_user("amina", "health_worker", pin="4821")
    accounts.throttle.clock = clock = FakeClock()
    delays = []
    for _ in range(3):
        with pytest.raises(LoginFailed) as caught:
            accounts.authenticate("amina", "0000", PHONE)
        assert caught.value.code == "login_failed"
        delays.append(caught.value.delay_s)
        clock.now += caught.value.delay_s  # the answer came after this wait
    assert delays == [0.5, 1.0, 2.0]
    with pytest.raises(LoginFailed) as caught:  # even the right PIN waits, from that address
        accounts.authenticate("amina", "4821", PHONE)
    assert caught.value.code == "login_throttled" and caught.value.http_status == 429
    assert caught.value.retry_after_s == 600 - 3.0
    assert accounts.authenticate("amina", "4821", "192.168.4.24").name == "amina"
    with Session(accounts.db) as session:
        entries = session.exec(select(AuditEntry).where(AuditEntry.action == "login_slowed")).all()
        assert [(e.actor, e.target) for e in entries] == [(PHONE, "amina")]


def test_a_name_without_an_account_answers_like_one_with(accounts):
    accounts.add_user("amina", "health_worker", pin="4821")
    accounts.add_user("juma", "teacher", pin="1357")
    accounts.disable_user("juma")  # disabled or not: a guesser learns nothing either way
    accounts.throttle.clock = clock = FakeClock()
    outcomes = {}
    for name in ("amina", "juma", "nobody"):
        seen = []
        for n in range(6):
            try:
                accounts.authenticate(name, "0000", f"10.0.{len(outcomes)}.{n}")
            except LoginFailed as failed:
                seen.append((type(failed), failed.code, failed.message, failed.delay_s, failed.http_status))
            seen.append(accounts.throttle.network_wait(name))
            clock.now += 1.5
        outcomes[name] = seen
    assert outcomes["amina"] == outcomes["juma"] == outcomes["nobody"]
    assert {entry[1] for entry in outcomes["amina"] if isinstance(entry, tuple)} == {"login_failed", "login_throttled"}
    with Session(accounts.db) as session:
        targets = [e.target for e in session.exec(select(AuditEntry).where(AuditEntry.action == "login_slowed"))]
    assert targets == ["amina", "juma", "nobody"]  # the same write for all: its time tells nothing either


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


def test_parallel_guesses_cannot_slip_past_the_throttle(home):
    from concurrent.futures import ThreadPoolExecutor

    accounts = Kit(Settings(home=home, login_max_failures=5, login_delay_s=0.5)).accounts
    accounts.add_user("amina", "health_worker", pin="4821")

    def guess(pin: str) -> str:
        try:
            accounts.authenticate("amina", pin, PHONE)
            return "signed_in"
        except LoginFailed as failed:
            return failed.code

    with ThreadPoolExecutor(max_workers=12) as pool:
        outcomes = list(pool.map(guess, [f"{n:04d}" for n in range(12)]))
    assert outcomes.count("login_failed") == 1  # the name waits 0.5 s after one try: the rest are refused unchecked
    assert outcomes.count("login_throttled") == 11


def test_the_box_itself_always_gets_in(accounts):
    accounts.add_user("tech", "admin", password="a long password")
    for n in range(30):
        with pytest.raises(LoginFailed):
            accounts.authenticate("tech", "wrong guess", f"192.168.4.{n}")
    with pytest.raises(LoginFailed) as caught:
        accounts.authenticate("tech", "a long password", "192.168.4.200")
    assert caught.value.code == "login_throttled"
    for console in ("127.0.0.1", "::1", None):
        assert accounts.authenticate("tech", "a long password", console).name == "tech"
