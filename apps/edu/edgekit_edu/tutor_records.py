"""What the tutor said is kept for the teacher: every exchange, a flag for every pupil's disclosure (in the pupil's
own words), and a count of hints per skill (many hints without mastery is one way of being stuck)."""

from __future__ import annotations

from sqlmodel import Session

from edgekit_edu.practice import mastery_row
from edgekit_edu.tables import Flag, Pupil, TutorExchange
from edgekit_edu.tutor import TutorReply


def record_exchange(
    session: Session,
    asked_by: str,
    pupil: Pupil | None,
    reply: TutorReply,
    question: str,
    lang: str,
    skill: str = "",
    item_id: str = "",
) -> TutorExchange:
    if reply.flag is not None and reply.disclosed:
        question = reply.disclosed  # the pupil's own words, never the item's prompt in their place
    exchange = TutorExchange(
        pupil_id=pupil.id if pupil else None,
        asked_by=asked_by,
        skill=skill,
        item_id=item_id,
        question=question[:1000],
        answer=reply.text,
        kind=reply.kind,
        model=reply.model,
        lang=lang,
    )
    session.add(exchange)
    session.flush()
    if reply.flag is not None and pupil is not None:  # staff trying the tutor: no child, no class to tell
        session.add(
            Flag(
                pupil_id=pupil.id,
                class_id=pupil.class_id,
                exchange_id=exchange.id,
                reason=f"safeguarding:{reply.flag}",
                message=question[:1000],
            )
        )
    if pupil is not None and skill and reply.kind in ("hint", "template_hint"):
        row = mastery_row(session, pupil.id, skill)
        row.hints += 1
        session.add(row)
    return exchange
