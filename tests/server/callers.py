"""Who calls the box in the hard tests (the role matrix, schemathesis): nobody, or one account of each role, signed
in as a phone's browser is (a session cookie, the CSRF cookie and the page's token in X-CSRF-Token), and the
records their path parameters name: a woman the health worker owns, one she does not, and their referrals."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import date, timedelta

from edgekit.kit import Kit
from edgekit.server.csrf import CSRF_COOKIE, CSRF_HEADER, box_secret, token_for
from edgekit.server.deps import SESSION_COOKIE

ANONYMOUS = "anonymous"
ROLE_COLUMNS = ("guest", "student", "teacher", "health_worker", "admin")  # role_matrix.toml's columns, in order
IDENTITIES = (ANONYMOUS, *ROLE_COLUMNS)
# One account per role; baraka is a second health worker, the owner of the records amina may not see.
ACCOUNTS = {"guest": "gita", "student": "juma", "teacher": "tumaini", "health_worker": "amina", "admin": "tech"}
OTHER_WORKER = "baraka"
PIN = "4826"
NONCE = "matrix-browser-nonce"  # the browser's CSRF cookie: any random-looking value the box signs with its key


@dataclass
class Box:
    """A box with one account per role and the records the routes' path parameters name."""

    kit: Kit
    ids: dict[str, str] = field(default_factory=dict)
    sessions: dict[str, str] = field(default_factory=dict)

    def headers(self, identity: str, fresh: bool = True) -> dict[str, str]:
        """A browser session for `identity` with its CSRF token: a fresh one by default (a logout cannot spoil the
        next request), or the identity's one session kept for requests that cannot end it."""
        session = "" if fresh else self.sessions.get(identity, "")
        if identity != ANONYMOUS and not session:
            # Straight from the accounts table: a sign-in per request would spend argon2's 50 ms each time.
            users = {user.name: user for user in self.kit.accounts.list_users()}
            session = self.kit.accounts.open_session(users[ACCOUNTS[identity]])
            self.sessions[identity] = session
        cookies = {CSRF_COOKIE: NONCE}
        if session:
            cookies[SESSION_COOKIE] = session
        session_part = hashlib.sha256(session.encode()).hexdigest() if session else ""
        token = token_for(box_secret(self.kit.settings.home), NONCE, session_part)
        return {"cookie": "; ".join(f"{k}={v}" for k, v in cookies.items()), CSRF_HEADER: token}


def furnish(kit: Kit) -> Box:
    """Accounts of every role and a few health records, written the way the app writes them."""
    from edgekit_health.registry import Actor, Registry

    for role, name in ACCOUNTS.items():
        kit.accounts.add_user(name, role, pin=PIN)
    kit.accounts.add_user(OTHER_WORKER, "health_worker", pin=PIN)
    kit.accounts.add_user("visitor", "student", pin=PIN)  # signs in through the login routes
    kit.accounts.add_user("lockme", "student", pin=PIN)  # the admin locks and unlocks this one
    registry = Registry(kit.db)
    ids: dict[str, str] = {}
    lmp = date.today() - timedelta(weeks=20)
    for key, worker in (("own", ACCOUNTS["health_worker"]), ("other", OTHER_WORKER)):
        actor = Actor(worker, "health_worker")
        code = f"RM-{key.upper()}"
        registry.add_woman(actor, village="Kibera", lmp=lmp, code=code)
        visit = registry.add_visit(actor, code, systolic=165, diastolic=112, signs="severe headache, blurred vision")
        assert visit["referral"], "the danger signs open a referral"
        ids[f"{key}_woman"] = code
        ids[f"{key}_referral"] = str(visit["referral"]["id"])
    ids["received_referral"] = str(_receive_referral(kit))
    return Box(kit, ids)


def _receive_referral(kit: Kit) -> int:
    """A referral another facility's box sent here, as the district hub's down items bring it."""
    from sqlmodel import Session

    from edgekit.sync.inbox import apply_items

    payload = {"from_box": "village-a", "from_facility": "Village A", "referral_id": 4, "woman_code": "RM-SENT"}
    item = {"id": 1, "kind": "referral", "payload": payload | {"level": "emergency", "status": "referred"}}
    with Session(kit.db) as session:
        apply_items(session, kit.settings.home, [item])
        session.commit()
    return item["id"]
