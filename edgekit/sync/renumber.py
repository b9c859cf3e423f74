"""A box restored from an older backup numbers its records again from where the backup ended, but the hub already
holds records under those numbers (written before the restore, lost with it). Two signs tell the box, and each
moves its numbering forward past the hub's, the simplest recovery that loses nothing:

- the hub acknowledges more than the box ever wrote (acked_seq above the outbox's highest number): the next
  record is numbered after the hub's;
- the hub refuses a batch whole with `sync_seq_reused` (a number it holds with other content): the box's records
  from the first reused number are renumbered after the hub's highest, in their order, and go on the next push.

Both are reported as errors (shown by `edgekit sync status` and on the device page): the records the hub holds
beyond the backup are no longer on this box, and a person should know the box went back in time.
"""

from __future__ import annotations

from sqlalchemy import text
from sqlmodel import Session

from edgekit.errors import EdgekitError
from edgekit.sync import outbox, state

TABLE = "sync_outbox"


class SeqBehindHub(EdgekitError):
    code = "sync_seq_behind_hub"
    http_status = 409


def _advance_sequence(session: Session, past: int) -> None:
    """The next outbox row takes a number above PAST (SQLite AUTOINCREMENT reads sqlite_sequence)."""
    connection = session.connection()
    changed = connection.execute(
        text("UPDATE sqlite_sequence SET seq = max(seq, :past) WHERE name = :table"), {"past": past, "table": TABLE}
    ).rowcount
    if not changed:
        connection.execute(
            text("INSERT INTO sqlite_sequence (name, seq) VALUES (:table, :past)"), {"past": past, "table": TABLE}
        )


def highest_given(session: Session) -> int:
    """The highest number this box ever gave a record (kept by SQLite even if rows were pruned)."""
    given = session.connection().execute(text("SELECT seq FROM sqlite_sequence WHERE name = :t"), {"t": TABLE})
    return max(int(given.scalar() or 0), outbox.last_seq(session))


def check_hub_ahead(session: Session, hub_acked: int, sent: int | None = None) -> None:
    """Raise (after moving the numbering forward, in the caller's transaction) when the hub holds more of this
    box than the box ever wrote. SENT is the highest number the hub is known to have taken from this box
    (ACKED_SEQ unless the caller knows better). The caller commits before letting the error go."""
    last = highest_given(session)
    if hub_acked <= last:
        return
    if sent is None:
        sent = state.get_int(session, state.ACKED_SEQ)
    # The rows after SENT were never taken (by USB the hub's refusal never reaches the box): they go after the
    # hub's numbers first, or raising ACKED_SEQ past them would leave them unsent for good.
    moved = renumber_after(session, sent + 1, hub_acked)
    state.put(session, state.ACKED_SEQ, max(state.get_int(session, state.ACKED_SEQ), hub_acked))
    raise SeqBehindHub(
        f"The hub holds this box's records up to number {hub_acked}, but this box's end at {last}: it was "
        f"restored from an older backup. Records {last + 1}-{hub_acked} stay at the hub but are no longer on this "
        f"box; its {moved} unsent records and new ones are numbered from {hub_acked + 1}."
    )


def renumber_after(session: Session, first_reused: int, hub_max: int) -> int:
    """Move the outbox rows numbered FIRST_REUSED and above to numbers after HUB_MAX, in order. Returns how many
    moved. The caller commits."""
    connection = session.connection()
    rows = connection.execute(
        text(f"SELECT count(*), min(seq) FROM {TABLE} WHERE seq >= :first"), {"first": first_reused}
    ).one()
    count, lowest = int(rows[0]), rows[1]
    if count and hub_max >= lowest:
        shift = hub_max + 1 - lowest
        # Two steps, through negative numbers: SQLite checks the key row by row, and a shift in place may collide.
        connection.execute(text(f"UPDATE {TABLE} SET seq = -seq WHERE seq >= :first"), {"first": first_reused})
        connection.execute(text(f"UPDATE {TABLE} SET seq = :shift - seq WHERE seq < 0"), {"shift": shift})
    _advance_sequence(session, max(hub_max, outbox.last_seq(session)))
    return count


def report_hub_ahead(session: Session, hub_acked: int, sent: int | None = None) -> None:
    """check_hub_ahead, committing the forward move before the error is reported."""
    try:
        check_hub_ahead(session, hub_acked, sent)
    except SeqBehindHub:
        session.commit()
        raise


def after_refusal(session: Session, refused: EdgekitError) -> None:
    """A batch refused as `sync_seq_reused`: renumber forward and commit, then report what was done. Any other
    refusal is left to the caller."""
    details = getattr(refused, "details", None) or {}
    if refused.code != "sync_seq_reused" or "first_reused_seq" not in details:
        return
    first, hub_max = int(details["first_reused_seq"]), int(details.get("hub_max_seq") or 0)
    moved = renumber_after(session, first, hub_max)
    session.commit()
    raise EdgekitError(
        f"{refused.message} This box renumbered its {moved} records from number {first} to follow {hub_max}: "
        "they go up on the next push.",
        code="sync_seq_reused",
    )
