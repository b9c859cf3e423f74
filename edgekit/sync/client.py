"""HTTPS push and pull: send every batch the hub lacks, then take what it has for this box.

Resumable: after each batch the hub says up to which sequence number it holds everything, and the box keeps that;
a push cut off half way (link lost, box killed) starts again from there, and whatever it sends twice the hub keeps
once. When the hub cannot be reached the box waits longer after each failure (30 s doubling to an hour) so a
solar box does not spend its battery knocking on a closed door.
"""

from __future__ import annotations

import json
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy.engine import Engine
from sqlmodel import Session

from edgekit.errors import EdgekitError
from edgekit.packs.keys import parse_public_key
from edgekit.sync import batches, inbox, renumber, state
from edgekit.sync.envelope import check_signature, read_body
from edgekit.sync.identity import BoxIdentity

TIMEOUT_S = 30
BACKOFF_FIRST_S = 30
BACKOFF_MAX_S = 3600


class HubUnreachable(EdgekitError):
    code = "hub_unreachable"
    http_status = 503


@dataclass
class SyncResult:
    sent_batches: int = 0
    acked_seq: int = 0
    received: int = 0


def post_json(url: str, document: dict) -> dict:
    data = json.dumps(document).encode("utf-8")
    request = urllib.request.Request(url, data=data, headers={"Content-Type": "application/json"}, method="POST")
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT_S) as response:
            return json.loads(response.read())
    except urllib.error.HTTPError as exc:
        try:
            error = json.loads(exc.read()).get("error", {})
        except ValueError:
            error = {}
        refused = EdgekitError(
            error.get("message") or f"The hub answered {exc.code}.", code=error.get("code") or "hub_error"
        )
        refused.details = {k: v for k, v in error.items() if k not in ("code", "message")}  # type: ignore[attr-defined]
        raise refused from None
    except (urllib.error.URLError, TimeoutError, ConnectionError, OSError) as exc:
        raise HubUnreachable(f"The hub at {url} cannot be reached: {getattr(exc, 'reason', exc)}.") from None


def enrol(engine: Engine, identity: BoxIdentity, hub_url: str, facility: str, district: str = "") -> dict:
    answer = post_json(f"{hub_url.rstrip('/')}/api/enrol", batches.enrolment(identity, facility, district))
    with Session(engine) as session:
        state.put(session, state.HUB_URL, hub_url.rstrip("/"))
        if answer.get("hub_key"):
            parse_public_key(answer["hub_key"], "the hub's key")
            state.put(session, state.HUB_KEY, answer["hub_key"])
        session.commit()
    return answer


def sync(engine: Engine, identity: BoxIdentity, home: Path, hub_url: str | None = None, force: bool = False):
    """Push, then pull. Waits out the back-off unless FORCE; a failure lengthens it."""
    with Session(engine) as session:
        hub_url = (hub_url or state.get(session, state.HUB_URL)).rstrip("/")
        if not hub_url:
            raise EdgekitError("No hub known: enrol first (edgekit sync enrol --hub URL).", code="hub_not_set")
        wait = state.get_int(session, state.NEXT_ATTEMPT) - time.time()
    if wait > 0 and not force:
        raise HubUnreachable(f"The hub was unreachable; the next try is in {int(wait)} s (--now to try at once).")
    try:
        result = _push(engine, identity, hub_url)
        result.received = _pull(engine, identity, home, hub_url)
    except HubUnreachable as exc:
        _failed(engine, exc.message)
        raise
    except EdgekitError as exc:  # refused (revoked, not approved ...): shown on the device page, no back-off
        with Session(engine) as session:
            state.put(session, state.LAST_ERROR, f"{exc.code}: {exc.message}"[:500])
            session.commit()
        raise
    with Session(engine) as session:
        state.put(session, state.FAILURES, 0)
        state.put(session, state.NEXT_ATTEMPT, 0)
        state.put(session, state.LAST_SYNC, int(time.time()))
        session.commit()
    return result


def _push(engine: Engine, identity: BoxIdentity, hub_url: str) -> SyncResult:
    result = SyncResult()
    with Session(engine) as session:
        acked = state.get_int(session, state.ACKED_SEQ)
        for envelope in batches.next_batches(session, identity, acked):
            try:
                answer = post_json(f"{hub_url}/api/batches", envelope)
            except EdgekitError as exc:
                renumber.after_refusal(session, exc)  # a restored box: renumbered, committed, then reported
                raise
            new_acked = int(answer["acked_seq"])
            result.sent_batches += 1
            last_sent = json.loads(envelope["body"])["last_seq"]
            # Before ACKED_SEQ moves past them: a restored box's rows after this batch are renumbered, not dropped.
            renumber.report_hub_ahead(session, new_acked, sent=last_sent)
            state.put(session, state.ACKED_SEQ, max(acked, new_acked))
            session.commit()  # remembered at once: a push killed after this resumes from here
            if new_acked < last_sent:
                # The hub lacks something earlier (a gap): send again from what it holds, next time.
                break
            acked = new_acked
        result.acked_seq = state.get_int(session, state.ACKED_SEQ)
    return result


def _pull(engine: Engine, identity: BoxIdentity, home: Path, hub_url: str) -> int:
    received = 0
    while True:
        with Session(engine) as session:
            cursor = state.get_int(session, state.DOWN_CURSOR)
            hub_key = state.get(session, state.HUB_KEY)
        envelope = post_json(f"{hub_url}/api/pull", batches.pull_request(identity, cursor))
        body = verified_down(envelope, hub_key, identity.name)
        with Session(engine) as session:
            renumber.report_hub_ahead(session, int(body.get("acked_seq") or 0))  # a box restored from a backup
        if not body["items"]:
            return received
        with Session(engine) as session:
            received += inbox.apply_items(session, home, body["items"])
            session.commit()
            if state.get_int(session, state.DOWN_CURSOR) <= cursor:
                return received  # nothing newer: never loop on a hub that repeats itself


def verified_down(envelope: dict, hub_key_line: str, box_name: str) -> dict:
    body = read_body(envelope)
    if not hub_key_line:
        raise EdgekitError("This box does not know the hub's key yet: enrol first.", code="hub_key_unknown")
    check_signature(envelope, parse_public_key(hub_key_line, "the hub's key"))
    if body.get("type") != "down" or body.get("box") != box_name:
        raise EdgekitError(f"This down pack is for {body.get('box')}, not {box_name}.", code="sync_wrong_box")
    return body


def _failed(engine: Engine, message: str) -> None:
    with Session(engine) as session:
        failures = state.get_int(session, state.FAILURES) + 1
        delay = min(BACKOFF_MAX_S, BACKOFF_FIRST_S * 2 ** (failures - 1))
        state.put(session, state.FAILURES, failures)
        state.put(session, state.NEXT_ATTEMPT, int(time.time() + delay))
        state.put(session, state.LAST_ERROR, message[:500])
        session.commit()
