"""The box's sync at a glance, for `edgekit sync status` and the device page: what waits, what the site shares."""

from __future__ import annotations

import time

from sqlalchemy.engine import Engine
from sqlmodel import Session

from edgekit.sync import outbox, state
from edgekit.sync.inbox import inbound_referrals
from edgekit.sync.timer import sync_times


def sync_status(engine: Engine) -> dict:
    with Session(engine) as session:
        acked = state.get_int(session, state.ACKED_SEQ)
        last = outbox.last_seq(session)
        next_attempt = state.get_int(session, state.NEXT_ATTEMPT)
        return {
            "hub": state.get(session, state.HUB_URL) or None,
            "records_written": last,
            "hub_holds_up_to": acked,
            "waiting": max(0, last - acked),
            "failures": state.get_int(session, state.FAILURES),
            "retry_in_s": max(0, int(next_attempt - time.time())),
            "last_error": state.get(session, state.LAST_ERROR) or None,
            "shared": sorted(outbox.shared_options(session)),
            "not_shared": sorted(set(outbox.SHARE_OPTIONS) - outbox.shared_options(session)),
            "referrals_received": len(inbound_referrals(session)),
        } | sync_times(engine)
