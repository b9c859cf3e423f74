"""What the school tells the district hub: pupils by pseudonym and their mastery per skill, never a name, a PIN,
an answer or a question (the education officer sees which skills a school's pupils are stuck on)."""

from __future__ import annotations

from sqlmodel import Session

from edgekit.sdk import add_to_outbox
from edgekit_edu.tables import Mastery, Pupil, SchoolClass


def pseudonym(pupil: Pupil) -> str:
    """A pupil as the hub knows them: this box's row number, which names no one (the sign-in account carries the
    class code, which lets a phone join the class, so it stays on the box)."""
    return f"P-{pupil.id}"


def send_pupil(session: Session, pupil: Pupil, school_class: SchoolClass) -> None:
    add_to_outbox(session, "edu.pupil", pseudonym(pupil), {"pseudonym": pseudonym(pupil), "class": school_class.name})


def send_mastery(session: Session, pupil: Pupil, row: Mastery) -> None:
    payload = {
        "pupil": pseudonym(pupil),
        "skill": row.skill,
        "mastery": 1.0 if row.mastered else 0.0,
        "stuck": row.stuck,
    }
    add_to_outbox(session, "edu.mastery", f"{pseudonym(pupil)}:{row.skill}", payload)
