"""The hub's open doors: a body too large is refused as it streams (413), enrolment is throttled per address, a
pull made too long ago (or in the future) is refused as a replay, two boxes cannot share a facility name (referrals
are addressed by it), and marking a received referral writes its audit entry."""

from __future__ import annotations

import asyncio
import json
from datetime import UTC, datetime, timedelta

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session
from starlette.requests import Request

from edgekit.hub import downlink, limits
from edgekit.hub.app import create_hub_app
from edgekit.hub.enrol import BoxRefused, decide, hub_identity, request_enrolment
from edgekit.sdk import audit_entries
from edgekit.sync import batches, inbox
from edgekit.sync.envelope import SyncRefused


def _request(chunks: list[bytes], declared: int | None = None) -> tuple[Request, list[int]]:
    """An ASGI request whose body arrives in CHUNKS; the list returned counts how many were read."""
    read = [0]
    headers = [(b"content-length", str(declared).encode())] if declared is not None else []

    async def receive():
        index = read[0]
        read[0] += 1
        return {"type": "http.request", "body": chunks[index], "more_body": index + 1 < len(chunks)}

    return Request({"type": "http", "method": "POST", "headers": headers}, receive), read


def test_a_body_over_the_limit_is_refused_while_it_streams():
    chunks = [b"x" * 1000] * 50
    request, read = _request(chunks)
    with pytest.raises(limits.TooLarge) as refused:
        asyncio.run(limits.read_envelope(request, limit=4500))
    assert refused.value.http_status == 413 and refused.value.code == "sync_too_large"
    assert read[0] == 5  # stopped at the chunk that passed the limit, not at the end of the body
    declared, read = _request(chunks, declared=50_000)
    with pytest.raises(limits.TooLarge):
        asyncio.run(limits.read_envelope(declared, limit=4500))
    assert read[0] == 0  # the declared length alone refuses it: not a byte read
    small, _ = _request([b'{"a":', b" 1}"])
    assert asyncio.run(limits.read_envelope(small, limit=4500)) == {"a": 1}


def test_the_api_answers_413_in_the_error_shape(hub_settings, hub_engine, monkeypatch):
    monkeypatch.setattr(limits, "MAX_ENVELOPE_BYTES", 4096)
    with TestClient(create_hub_app(hub_settings, hub_engine)) as client:
        streamed = client.post("/api/batches", content=iter([b"x" * 1024] * 8))  # chunked: no length declared
        declared = client.post("/api/pull", content=b"x" * 5000)
    for response in (streamed, declared):
        assert response.status_code == 413
        assert response.json()["error"]["code"] == "sync_too_large"


def test_enrolment_requests_are_throttled_per_address(hub_settings, hub_engine):
    app = create_hub_app(hub_settings, hub_engine)
    with TestClient(app, client=("10.0.0.7", 5000)) as knocker, TestClient(app, client=("10.0.0.8", 5000)) as other:
        codes = [knocker.post("/api/enrol", content=b"{}").status_code for _ in range(limits.ENROL_REQUESTS)]
        assert codes == [400] * limits.ENROL_REQUESTS  # heard and refused for what they are (not envelopes)
        throttled = knocker.post("/api/enrol", content=b"{}")
        assert throttled.status_code == 429 and throttled.json()["error"]["code"] == "enrol_throttled"
        assert 1 <= int(throttled.headers["retry-after"]) <= limits.ENROL_WINDOW_S
        assert other.post("/api/enrol", content=b"{}").status_code == 400  # another address is not held back


def test_the_throttle_forgets_after_its_window():
    now = [1000.0]
    throttle = limits.EnrolThrottle(requests=2, window_s=60, clock=lambda: now[0])
    throttle.check("a")
    throttle.check("a")
    with pytest.raises(limits.EnrolThrottled) as refused:
        throttle.check("a")
    assert refused.value.retry_after_s == 60
    now[0] += 61
    throttle.check("a")
    assert set(throttle.seen) == {"a"}


def _approved(hub_engine, box) -> None:
    with hub_engine.begin() as connection:
        request_enrolment(connection, batches.enrolment(box.sync.identity(), box.facility))
        decide(connection, box.name, "approved", "tests")


def _pull_made_at(box, made_at: datetime) -> dict:
    identity = box.sync.identity()
    body = {"type": "pull", "box": identity.name, "key": identity.public.fingerprint, "after": 0}
    return batches.seal(body | {"made_at": made_at.isoformat()}, identity.private)


def test_a_stale_or_future_pull_is_refused_as_a_replay(hub_engine, hub_settings, make_box):
    box = make_box("pull-box", "Pull Dispensary")
    _approved(hub_engine, box)
    private, _ = hub_identity(hub_settings.home)
    now = datetime.now(UTC)
    for made_at in (now - timedelta(hours=2), now + timedelta(hours=2), now - downlink.PULL_WINDOW * 1.1):
        with pytest.raises(SyncRefused) as refused, hub_engine.begin() as connection:
            downlink.pull(connection, _pull_made_at(box, made_at), private)
        assert refused.value.code == "sync_stale_request" and "clock" in refused.value.message
    with hub_engine.begin() as connection:
        fresh = downlink.pull(connection, batches.pull_request(box.sync.identity(), 0), private)
    assert json.loads(fresh["body"])["type"] == "down"


def test_two_boxes_cannot_share_a_facility_name(hub_engine, make_box):
    first = make_box("mwembe-1", "Mwembe Health Centre")
    _approved(hub_engine, first)
    twin = make_box("mwembe-2", "  mwembe   health centre ")
    with pytest.raises(BoxRefused) as refused, hub_engine.begin() as connection:
        request_enrolment(connection, batches.enrolment(twin.sync.identity(), twin.facility))
    assert refused.value.code == "facility_name_taken" and refused.value.http_status == 409
    assert "mwembe-1" in refused.value.message
    with hub_engine.begin() as connection:  # the old box revoked: its replacement takes the name
        decide(connection, "mwembe-1", "revoked", "tests")
    with hub_engine.begin() as connection:
        answer = request_enrolment(connection, batches.enrolment(twin.sync.identity(), twin.facility))
    assert answer["status"] == "pending"
    with pytest.raises(BoxRefused) as again, hub_engine.begin() as connection:  # the old box cannot come back
        decide(connection, "mwembe-1", "approved", "tests")
    assert again.value.code == "facility_name_taken" and "mwembe-2" in again.value.message
    with hub_engine.begin() as connection:
        decide(connection, "mwembe-2", "approved", "tests")  # approving the holder of the name is not refused


def test_marking_a_received_referral_is_audited(make_box):
    box = make_box("receiver", "Receiving Centre")
    item = {
        "id": 7,
        "kind": "referral",
        "payload": {"from_box": "sender", "referral_id": 3, "woman_code": "MW-7KQ", "level": "emergency"},
    }
    with Session(box.kit.db) as session:
        inbox.apply_items(session, box.home, [item])
        session.commit()
    with Session(box.kit.db) as session:
        inbox.mark_inbound(session, 7, "arrived", "nurse")
        session.commit()
    with Session(box.kit.db) as session:
        entries = [(e.actor, e.action, e.target) for e in audit_entries(session, 20)]
    assert ("nurse", "sync.referral.mark", "MW-7KQ") in entries
