"""Classes and pupils, and who may see them: a teacher only their own classes, a pupil only their own work, an
admin everything (and only an admin hands a class to another teacher).

A pupil signs in with a core account of role student, made here with a PIN the teacher prints on a card; a
picture password is the same PIN with its digits shown as pictures, for children who cannot yet read numbers.
"""

from __future__ import annotations

import csv
import io
import itertools
import secrets
from dataclasses import dataclass

from sqlmodel import Session, select

from edgekit.sdk import BadInput, EdgekitError, NotFound, add_accounts, find_account, set_account_secret
from edgekit_edu.hub_records import send_pupil
from edgekit_edu.mastery import MasteryRule, RuleError
from edgekit_edu.tables import Assignment, Pupil, SchoolClass

CODE_LETTERS = "ACDEFHJKMNPRTUVWXY3479"  # no 0/O, 1/I/L, 2/Z, 5/S, 8/B: read aloud and typed by children
CODE_LENGTH = 6
PIN_LENGTH = 4
PICTURES = ("sun", "moon", "tree", "fish", "bird", "cow", "ball", "house", "star")  # digits 1..9 as pictures
MAX_PUPILS = 80
MAX_NAME = 40


class NotYours(EdgekitError):
    code = "not_yours"
    http_status = 403


@dataclass(frozen=True)
class Viewer:
    """Who is asking: an account name and its role."""

    name: str
    role: str

    @property
    def is_admin(self) -> bool:
        return self.role == "admin"


def new_code(session: Session) -> str:
    while True:
        code = "".join(secrets.choice(CODE_LETTERS) for _ in range(CODE_LENGTH))
        if not session.exec(select(SchoolClass).where(SchoolClass.code == code)).first():
            return code


def new_pin(kind: str = "pin") -> str:
    """Four digits that are not a pattern a neighbour guesses first (1111, 1234, 4321); pictures use 1..9."""
    digits = "123456789" if kind == "pictures" else "0123456789"
    while True:
        pin = "".join(secrets.choice(digits) for _ in range(PIN_LENGTH))
        steps = {int(b) - int(a) for a, b in itertools.pairwise(pin)}
        if len(set(pin)) > 2 and steps not in ({1}, {-1}):
            return pin


def pin_as_pictures(pin: str) -> list[str]:
    return [PICTURES[int(d) - 1] for d in pin]


def pictures_as_pin(pictures: list[str]) -> str:
    try:
        return "".join(str(PICTURES.index(p) + 1) for p in pictures)
    except ValueError:
        raise BadInput("Unknown picture.", code="bad_picture") from None


def clean_name(name: str) -> str:
    name = " ".join((name or "").split())
    if not name or len(name) > MAX_NAME or any(c in name for c in "<>\"'`;"):
        raise BadInput(f"A pupil's name is 1 to {MAX_NAME} letters (a first name or nickname).", code="bad_pupil_name")
    return name


# --- classes -----------------------------------------------------------------------------------------------


def create_class(
    session: Session, viewer: Viewer, name: str, rule: str = "3 of 5", lang: str = "en", teacher: str | None = None
) -> SchoolClass:
    if viewer.role not in ("teacher", "admin"):
        raise NotYours("Only a teacher or an admin creates classes.")
    name = " ".join((name or "").split())
    if not 1 <= len(name) <= 64:
        raise BadInput("A class name is 1 to 64 characters.", code="bad_class_name")
    teacher = teacher if (teacher and viewer.is_admin) else viewer.name
    _check_teacher(session, teacher)
    school_class = SchoolClass(
        code=new_code(session),
        name=name,
        teacher=teacher,
        rule=_rule(rule),
        lang=lang if lang in ("en", "sw", "fr") else "en",
    )
    session.add(school_class)
    session.flush()
    return school_class


def _rule(text: str) -> str:
    try:
        return str(MasteryRule.parse(text))
    except RuleError as exc:
        raise BadInput(str(exc), code="bad_mastery_rule") from None


def _check_teacher(session: Session, name: str) -> None:
    account = find_account(session, name)
    if account is None or account.role not in ("teacher", "admin"):
        raise BadInput(f"'{name}' is not a teacher's account.", code="not_a_teacher")


def visible_classes(session: Session, viewer: Viewer) -> list[SchoolClass]:
    query = select(SchoolClass).order_by(SchoolClass.name)
    if not viewer.is_admin:
        query = query.where(SchoolClass.teacher == viewer.name)
    return list(session.exec(query)) if viewer.role in ("teacher", "admin") else []


def class_by_code(session: Session, viewer: Viewer, code: str) -> SchoolClass:
    """A class the viewer teaches (any class for an admin). Another teacher's class is 'not found', not
    'forbidden': a teacher does not learn which codes exist."""
    found = session.exec(select(SchoolClass).where(SchoolClass.code == (code or "").strip().upper())).first()
    if found is None or not (viewer.is_admin or (viewer.role == "teacher" and found.teacher == viewer.name)):
        raise NotFound(f"No class with code {code!r} among your classes.", code="unknown_class")
    return found


def set_rule(session: Session, viewer: Viewer, code: str, rule: str) -> SchoolClass:
    school_class = class_by_code(session, viewer, code)
    school_class.rule = _rule(rule)
    session.add(school_class)
    return school_class


def hand_over(session: Session, viewer: Viewer, code: str, teacher: str) -> SchoolClass:
    if not viewer.is_admin:
        raise NotYours("Only an admin assigns a class to a teacher.")
    school_class = class_by_code(session, viewer, code)
    _check_teacher(session, teacher)
    school_class.teacher = teacher
    session.add(school_class)
    return school_class


# --- pupils ------------------------------------------------------------------------------------------------


def pupils_of(session: Session, school_class: SchoolClass) -> list[Pupil]:
    query = select(Pupil).where(Pupil.class_id == school_class.id, Pupil.active == True)  # noqa: E712
    return list(session.exec(query.order_by(Pupil.display_name)))


def add_pupils(
    kit, session: Session, viewer: Viewer, code: str, names: list[str], kind: str = "pin"
) -> list[tuple[Pupil, str]]:
    """New pupils with new accounts and PINs; the PINs are returned once, for the printed cards. Accounts and
    pupils go into the caller's one transaction: a list that fails half-way leaves no account behind to take the
    class's next account number."""
    school_class = class_by_code(session, viewer, code)
    names = [clean_name(n) for n in names if n and n.strip()]
    existing = pupils_of(session, school_class)
    if len(existing) + len(names) > MAX_PUPILS:
        raise BadInput(f"A class holds at most {MAX_PUPILS} pupils.", code="class_full")
    taken = {p.display_name.casefold() for p in existing}
    for name in names:
        if name.casefold() in taken:
            raise BadInput(
                f"Two pupils called {name!r}: add an initial so each child finds their own name.",
                code="duplicate_pupil_name",
            )
        taken.add(name.casefold())
    kind = "pictures" if kind == "pictures" else "pin"
    number = session.exec(select(Pupil).where(Pupil.class_id == school_class.id)).all()
    next_number = len(number) + 1
    planned = []  # (name, account, PIN): numbered by reading only, nothing written yet
    for name in names:
        account = f"edu-{school_class.code.lower()}-{next_number:02d}"
        while find_account(session, account) is not None:  # a number taken outside this app: skip it, never fail
            next_number += 1
            account = f"edu-{school_class.code.lower()}-{next_number:02d}"
        next_number += 1
        planned.append((name, account, new_pin(kind)))
    # All PINs are hashed before the first write: SQLite's write lock is not held through 80 argon2 hashes.
    add_accounts(kit, "student", {a: pin for _n, a, pin in planned}, actor=viewer.name, session=session)
    made = []
    for name, account, pin in planned:
        pupil = Pupil(class_id=school_class.id, display_name=name, account=account, secret_kind=kind)
        session.add(pupil)
        made.append((pupil, pin))
    session.flush()
    for pupil, _pin in made:  # in the pupils' own transaction: both are stored, or neither
        send_pupil(session, pupil, school_class)
    return made


def names_from_csv(text: str) -> list[str]:
    """A class list exported from a spreadsheet: one pupil a row; the column named name/jina/nom, else the first."""
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))
    if not rows:
        return []
    header = [h.strip().casefold() for h in rows[0]]
    column = next((header.index(h) for h in ("name", "jina", "nom", "display_name") if h in header), None)
    body = rows[1:] if column is not None else rows
    column = column or 0
    return [row[column].strip() for row in body if len(row) > column and row[column].strip()]


def reset_pin(kit, session: Session, viewer: Viewer, code: str, pupil_id: int) -> tuple[Pupil, SchoolClass, str]:
    """A new PIN for a pupil of this class, which must be the viewer's: both are checked before anything changes
    (the account's secret is written in a transaction of its own)."""
    school_class = class_by_code(session, viewer, code)
    pupil = session.get(Pupil, pupil_id)
    if pupil is None or pupil.class_id != school_class.id:
        raise NotFound("No such pupil in this class.", code="unknown_pupil")
    pin = new_pin(pupil.secret_kind)
    set_account_secret(kit, pupil.account, pin=pin, actor=viewer.name)
    return pupil, school_class, pin


def pupil_for_account(session: Session, account: str) -> Pupil | None:
    return session.exec(select(Pupil).where(Pupil.account == account, Pupil.active == True)).first()  # noqa: E712


def pupil_visible(session: Session, viewer: Viewer, pupil_id: int) -> Pupil:
    """A pupil's record for the pupil themself, their class's teacher, or an admin; 'not found' for anyone else."""
    pupil = session.get(Pupil, pupil_id)
    if pupil is not None:
        if viewer.role == "student" and pupil.account == viewer.name:
            return pupil
        school_class = session.get(SchoolClass, pupil.class_id)
        if viewer.is_admin or (viewer.role == "teacher" and school_class and school_class.teacher == viewer.name):
            return pupil
    raise NotFound("No such pupil among yours.", code="unknown_pupil")


# --- assignments -------------------------------------------------------------------------------------------


def assign(session: Session, viewer: Viewer, code: str, skill_id: str, pupil_id: int | None = None) -> Assignment:
    from edgekit_edu.skills import skill

    school_class = class_by_code(session, viewer, code)
    if skill(skill_id) is None:
        raise BadInput(f"Unknown skill {skill_id!r}. See: edgekit edu skills", code="unknown_skill")
    if pupil_id is not None:
        pupil = session.get(Pupil, pupil_id)
        if pupil is None or pupil.class_id != school_class.id:  # another class's pupil is not this teacher's to know
            raise NotFound("No such pupil in this class.", code="unknown_pupil")
    assignment = Assignment(class_id=school_class.id, skill=skill_id, pupil_id=pupil_id, created_by=viewer.name)
    session.add(assignment)
    session.flush()
    return assignment


def assigned_skills(session: Session, pupil: Pupil) -> list[str]:
    rows = session.exec(select(Assignment).where(Assignment.class_id == pupil.class_id).order_by(Assignment.id))
    seen: dict[str, None] = {}
    for row in rows:
        if row.pupil_id in (None, pupil.id):
            seen.setdefault(row.skill)
    return list(seen)


def class_skills(session: Session, school_class: SchoolClass) -> list[str]:
    rows = session.exec(select(Assignment).where(Assignment.class_id == school_class.id).order_by(Assignment.id))
    return list(dict.fromkeys(row.skill for row in rows))
