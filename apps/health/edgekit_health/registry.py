"""The registry of women, visits and referrals, as a health worker and a technician see it.

Every read and every write is written to the audit log (who, what, when) in the same transaction as the read or
the change, so a record and the line that says who touched it are kept together or not at all. A health worker
sees the women she visits; an admin sees all of them. The database runs with synchronous=FULL: a write that was
acknowledged survives a power cut.
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime

from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from edgekit.sdk import EdgekitError, add_to_outbox, audit, find_account, now
from edgekit_health import schedule
from edgekit_health.hub_records import referral_record, visit_record, woman_record
from edgekit_health.hub_word import sign_codes_of, take_hub_word
from edgekit_health.tables import OPEN_REFERRAL_STATUSES, REFERRAL_STATUSES, WOMAN_STATUSES, Referral, Visit, Woman

ROLES = ("health_worker", "admin")
CODE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9-]{2,31}$")
PHONE = re.compile(r"^\+?[0-9 ]{6,20}$")
CODE_ALPHABET = "ABCDEFGHJKMNPQRSTVWXYZ23456789"  # no 0/O, 1/I/L, U: read aloud and copied by hand
POSTNATAL_FOLLOW_DAYS = 8 * 7  # after the six-week contact's window closes she leaves the due list
MAX_ID = 2**63 - 1  # SQLite's largest INTEGER: a larger number cannot even be asked for (OverflowError)


class BadRecord(EdgekitError):
    code = "bad_record"
    http_status = 422


class RecordNotFound(EdgekitError):
    code = "not_found"
    http_status = 404


class RecordForbidden(EdgekitError):
    code = "forbidden"
    http_status = 403


@dataclass(frozen=True)
class Actor:
    """Who is reading or writing: a signed-in account, or a technician at the box's own shell."""

    name: str
    role: str

    @property
    def sees_everyone(self) -> bool:
        return self.role == "admin"


def new_code() -> str:
    """MW-XXXX-XXXX: eight random characters, 30^8 (about 6.6e11) codes. Registering under a code tells whether
    it is taken, so the box's own codes must be too many to find by trying (see the README's health section)."""
    chars = "".join(secrets.choice(CODE_ALPHABET) for _ in range(8))
    return f"MW-{chars[:4]}-{chars[4:]}"


def _in_range(name: str, value, low, high):
    if value is not None and not low <= value <= high:
        raise BadRecord(f"{name} {value} is outside {low}-{high}: check what was typed.")
    return value


class Registry:
    def __init__(self, engine: Engine, today: Callable[[], date] = date.today):
        self.engine = engine
        self.today = today  # the box's local date; tests set their own

    def note_triage(self, actor: Actor, level: str) -> None:
        """Triage outside a visit: who asked and the level, not the words (they may describe a woman by name)."""
        _require_role(actor)
        with Session(self.engine) as session:
            audit(session, actor.name, "health.triage", "", f"level={level}")
            session.commit()

    # --- women -------------------------------------------------------------------------------------------

    def add_woman(
        self,
        actor: Actor,
        *,
        village: str,
        lmp: date | None = None,
        edd: date | None = None,
        code: str | None = None,
        phone: str | None = None,
        health_worker: str | None = None,
    ) -> dict:
        _require_role(actor)
        village = " ".join((village or "").split())
        if not 1 <= len(village) <= 100:
            raise BadRecord("The village is required (up to 100 characters).")
        phone = _clean_phone(phone)
        lmp, edd = schedule.pregnancy_dates(lmp=lmp, edd=edd, today=self.today())
        with Session(self.engine) as session:
            worker = self._assignee(session, actor, health_worker)
            if code is None:
                code = new_code()
                while session.exec(select(Woman).where(Woman.code == code)).first():
                    code = new_code()
            elif not CODE.match(code):
                raise BadRecord("A code is 3-32 letters, digits or '-', starting with a letter or digit.")
            elif session.exec(select(Woman).where(Woman.code == code)).first():
                # The same answer whoever's she is; the try is kept, so trying codes leaves a trail.
                audit(session, actor.name, "health.woman.create_refused", code, "duplicate_code")
                session.commit()
                raise BadRecord(f"The code {code} is already used: choose another.", code="duplicate_code")
            woman = Woman(
                code=code, village=village, phone=phone, lmp=lmp, edd=edd, health_worker=worker, created_by=actor.name
            )
            session.add(woman)
            audit(session, actor.name, "health.woman.create", code, f"health_worker={worker}")
            add_to_outbox(session, "health.woman", code, woman_record(woman))
            session.commit()
            return self._view(session, woman)

    def woman(self, actor: Actor, code: str) -> dict:
        with Session(self.engine) as session:
            woman = self._find(session, actor, code)
            audit(session, actor.name, "health.woman.read", woman.code)
            session.commit()
            return self._view(session, woman)

    def women(self, actor: Actor, health_worker: str | None = None) -> list[dict]:
        with Session(self.engine) as session:
            found = self._visible(session, actor, health_worker)
            audit(session, actor.name, "health.woman.list", health_worker or "", f"count={len(found)}")
            session.commit()
            return [self._summary(session, woman) for woman in found]

    def update_woman(self, actor: Actor, code: str, **changes) -> dict:
        allowed = {"village", "phone", "status", "delivered_on", "health_worker"}
        unknown = set(changes) - allowed
        if unknown:
            raise BadRecord(f"These cannot be changed here: {', '.join(sorted(unknown))}.")
        with Session(self.engine) as session:
            woman = self._find(session, actor, code)
            if "village" in changes and changes["village"] is not None:
                village = " ".join(changes["village"].split())
                if not 1 <= len(village) <= 100:
                    raise BadRecord("The village is required (up to 100 characters).")
                woman.village = village
            if "phone" in changes:
                woman.phone = _clean_phone(changes["phone"])
            if changes.get("delivered_on") is not None:
                born = changes["delivered_on"]
                if born > self.today() or born < woman.lmp:
                    raise BadRecord(f"The birth date {born.isoformat()} must be between the LMP and today.")
                woman.delivered_on, woman.status = born, "delivered"
            if changes.get("status") is not None:
                if changes["status"] not in WOMAN_STATUSES:
                    raise BadRecord(f"Status must be one of {', '.join(WOMAN_STATUSES)}.")
                if changes["status"] == "delivered" and woman.delivered_on is None:
                    raise BadRecord("Give the date of the birth (delivered_on): her postnatal visits count from it.")
                woman.status = changes["status"]
            if changes.get("health_worker") is not None:
                if not actor.sees_everyone:
                    raise RecordForbidden("Only an admin can hand a woman to another health worker.")
                woman.health_worker = self._assignee(session, actor, changes["health_worker"])
            session.add(woman)
            detail = ",".join(sorted(k for k, v in changes.items() if v is not None or k == "phone"))
            audit(session, actor.name, "health.woman.update", woman.code, detail)
            add_to_outbox(session, "health.woman", woman.code, woman_record(woman))
            session.commit()
            return self._view(session, woman)

    # --- visits and referrals ----------------------------------------------------------------------------

    def add_visit(
        self,
        actor: Actor,
        code: str,
        *,
        visit_date: date | None = None,
        systolic: int | None = None,
        diastolic: int | None = None,
        weight_kg: float | None = None,
        temperature_c: float | None = None,
        signs: str = "",
        notes: str = "",
        lang: str | None = None,
    ) -> dict:
        """Record a visit. Triage runs on what was found; an emergency or urgent level opens a referral in the
        same transaction, so a danger sign is never stored without the referral it calls for."""
        from edgekit_health.triage import triage

        visit_date = visit_date or self.today()
        _in_range("Systolic blood pressure", systolic, 50, 300)
        _in_range("Diastolic blood pressure", diastolic, 30, 200)
        if (systolic is None) != (diastolic is None):
            raise BadRecord("Give both blood-pressure numbers, for example 120/80.")
        if systolic is not None and systolic <= diastolic:
            raise BadRecord(f"{systolic}/{diastolic}: the first number must be the larger one.")
        _in_range("Weight (kg)", weight_kg, 25, 250)
        _in_range("Temperature (°C)", temperature_c, 30, 45)
        if len(signs) > 2000 or len(notes) > 2000:
            raise BadRecord("Signs and notes are up to 2,000 characters each.")
        found = None
        if signs.strip() or systolic is not None or temperature_c is not None:
            found = triage(signs, lang, systolic=systolic, diastolic=diastolic, temperature_c=temperature_c)
        with Session(self.engine) as session:
            woman = self._find(session, actor, code)
            if visit_date > self.today() or visit_date < woman.lmp:
                raise BadRecord(f"The visit date {visit_date.isoformat()} must be between the LMP and today.")
            after_birth = woman.delivered_on is not None and visit_date >= woman.delivered_on
            visit = Visit(
                woman_id=woman.id,
                visit_date=visit_date,
                gestational_days=None if after_birth else (visit_date - woman.lmp).days,
                systolic=systolic,
                diastolic=diastolic,
                weight_kg=weight_kg,
                temperature_c=temperature_c,
                signs=signs.strip(),
                sign_codes=",".join(sign.code for sign in found.signs) if found else "",
                level=found.level if found else "routine",
                notes=notes.strip(),
                recorded_by=actor.name,
            )
            session.add(visit)
            session.flush()
            audit(session, actor.name, "health.visit.create", woman.code, f"visit={visit.id} level={visit.level}")
            add_to_outbox(session, "health.visit", visit.id, visit_record(visit, woman.code))
            referral = None
            if found is not None and found.refer:
                reason = "; ".join(f"{sign.label} ({sign.evidence})" for sign in found.signs) or found.level
                referral = Referral(
                    woman_id=woman.id, visit_id=visit.id, level=found.level, reason=reason, updated_by=actor.name
                )
                session.add(referral)
                session.flush()
                audit(session, actor.name, "health.referral.create", woman.code, f"referral={referral.id}")
                record = referral_record(referral, woman.code, visit.sign_codes)
                add_to_outbox(session, "health.referral", referral.id, record)
            session.commit()
            return {
                "visit": _visit_dict(visit),
                "triage": found.as_dict() if found else None,
                "referral": _referral_dict(referral, woman.code) if referral else None,
                "woman": self._view(session, woman),
            }

    def referrals(self, actor: Actor, status: str | None = None) -> list[dict]:
        if status is not None and status not in (*REFERRAL_STATUSES, "open"):
            raise BadRecord(f"Status must be 'open' or one of {', '.join(REFERRAL_STATUSES)}.")
        with Session(self.engine) as session:
            women = {woman.id: woman for woman in self._visible(session, actor)}
            query = select(Referral).where(Referral.woman_id.in_(list(women))).order_by(Referral.created_at.desc())
            if status == "open":
                query = query.where(Referral.status.in_(OPEN_REFERRAL_STATUSES))
            elif status:
                query = query.where(Referral.status == status)
            found = list(session.exec(query))
            audit(session, actor.name, "health.referral.list", status or "", f"count={len(found)}")
            session.commit()
            return [_referral_dict(referral, women[referral.woman_id].code) for referral in found]

    def update_referral(self, actor: Actor, referral_id: int, status: str, facility: str | None = None) -> dict:
        if status not in REFERRAL_STATUSES:
            raise BadRecord(f"Status must be one of {', '.join(REFERRAL_STATUSES)}.")
        with Session(self.engine) as session:
            referral = session.get(Referral, referral_id) if 1 <= referral_id <= MAX_ID else None
            woman = session.get(Woman, referral.woman_id) if referral else None
            if referral is None or not _may_see(actor, woman):
                raise RecordNotFound(f"No referral {referral_id} among the records you may see.")
            referral.status, referral.updated_at, referral.updated_by = status, now(), actor.name
            if facility is not None:
                referral.facility = " ".join(facility.split())[:100]
            session.add(referral)
            audit(session, actor.name, "health.referral.update", woman.code, f"referral={referral_id} {status}")
            record = referral_record(referral, woman.code, sign_codes_of(session, referral))
            add_to_outbox(session, "health.referral", referral.id, record)
            session.commit()
            return _referral_dict(referral, woman.code)

    # --- planning and reporting --------------------------------------------------------------------------

    def due(self, actor: Actor, health_worker: str | None = None) -> list[dict]:
        """The women to visit now: a contact overdue or missed without a visit since, one due within the week,
        or a pregnancy past 42 weeks. Overdue first, then by date."""
        today = self.today()
        with Session(self.engine) as session:
            rows = []
            for woman in self._visible(session, actor, health_worker):
                plan = self._plan(session, woman, today)
                if plan["needs_visit"] or plan["post_term"]:
                    rows.append(self._summary(session, woman, plan))
            audit(session, actor.name, "health.due.list", health_worker or "", f"count={len(rows)}")
            session.commit()
        urgency = {"overdue": 0, "due": 1, None: 2}
        return sorted(rows, key=lambda row: (not row["post_term"], urgency[row["needs_visit"]], row["next_due"] or ""))

    def export_rows(self, actor: Actor) -> Iterator[dict]:
        """One row per visit, and one for each woman not yet visited: pseudonymous codes and measurements only.
        Phone numbers and free-text notes stay on the box (they may carry names)."""
        with Session(self.engine) as session:
            women = self._visible(session, actor)
            audit(session, actor.name, "health.export", "", f"women={len(women)}")
            session.commit()
            for woman in women:
                visits = list(session.exec(select(Visit).where(Visit.woman_id == woman.id).order_by(Visit.visit_date)))
                referral_of = {
                    r.visit_id: r.status for r in session.exec(select(Referral).where(Referral.woman_id == woman.id))
                }
                base = {
                    "woman_code": woman.code,
                    "village": woman.village,
                    "health_worker": woman.health_worker,
                    "lmp": woman.lmp.isoformat(),
                    "edd": woman.edd.isoformat(),
                    "status": woman.status,
                    "delivered_on": woman.delivered_on.isoformat() if woman.delivered_on else "",
                }
                if not visits:
                    yield base | dict.fromkeys(EXPORT_VISIT_COLUMNS, "")
                for visit in visits:
                    yield base | {
                        "visit_date": visit.visit_date.isoformat(),
                        "gestational_weeks": "" if visit.gestational_days is None else visit.gestational_days // 7,
                        "systolic": _blank(visit.systolic),
                        "diastolic": _blank(visit.diastolic),
                        "weight_kg": _blank(visit.weight_kg),
                        "temperature_c": _blank(visit.temperature_c),
                        "level": visit.level,
                        "sign_codes": visit.sign_codes,
                        "referral_status": referral_of.get(visit.id, ""),
                    }

    # --- helpers -----------------------------------------------------------------------------------------

    def _assignee(self, session: Session, actor: Actor, health_worker: str | None) -> str:
        if health_worker is None or health_worker == actor.name:
            return actor.name
        if not actor.sees_everyone:
            raise RecordForbidden("A health worker registers women for herself; an admin can assign others.")
        account = find_account(session, health_worker)
        if account is None or account.role not in ROLES:
            raise BadRecord(f"'{health_worker}' is not a health worker's account on this box.")
        return account.name

    def _find(self, session: Session, actor: Actor, code: str) -> Woman:
        _require_role(actor)
        take_hub_word(session)  # what receiving facilities said of this box's referrals, before anyone reads
        woman = session.exec(select(Woman).where(Woman.code == code)).first()
        if woman is None or not _may_see(actor, woman):
            # The same answer whether she is not registered or is someone else's: a code reveals nothing.
            raise RecordNotFound(f"No woman with code {code} among the records you may see.")
        return woman

    def _visible(self, session: Session, actor: Actor, health_worker: str | None = None) -> list[Woman]:
        _require_role(actor)
        take_hub_word(session)
        query = select(Woman).order_by(Woman.code)
        if not actor.sees_everyone:
            if health_worker not in (None, actor.name):
                raise RecordForbidden("A health worker sees her own list only.")
            query = query.where(Woman.health_worker == actor.name)
        elif health_worker:
            query = query.where(Woman.health_worker == health_worker)
        return list(session.exec(query))

    def _plan(self, session: Session, woman: Woman, today: date) -> dict:
        visit_days = [v.visit_date for v in session.exec(select(Visit).where(Visit.woman_id == woman.id))]
        if woman.delivered_on is not None:
            contacts = schedule.postnatal_contacts(woman.delivered_on, visit_days, today)
            follow = (today - woman.delivered_on).days <= POSTNATAL_FOLLOW_DAYS and woman.status != "closed"
        else:
            contacts = schedule.antenatal_contacts(woman.lmp, visit_days, today)
            follow = woman.status == "pregnant"
        upcoming = schedule.next_contact(contacts)
        age = schedule.gestational_age(woman.lmp, today)
        return {
            "kind": "postnatal" if woman.delivered_on else "antenatal",
            "contacts": [contact.as_dict() for contact in contacts],
            "next_contact": upcoming.label if upcoming else None,
            "next_due": upcoming.due.isoformat() if upcoming else None,
            "needs_visit": schedule.needs_visit(contacts) if follow else None,
            "post_term": woman.delivered_on is None
            and woman.status == "pregnant"
            and age.days >= schedule.POST_TERM_DAYS,
            "gestational_age": None if woman.delivered_on else str(age),
        }

    def _summary(self, session: Session, woman: Woman, plan: dict | None = None) -> dict:
        plan = plan or self._plan(session, woman, self.today())
        open_referrals = session.exec(
            select(Referral).where(Referral.woman_id == woman.id, Referral.status.in_(OPEN_REFERRAL_STATUSES))
        ).all()
        return {
            "code": woman.code,
            "village": woman.village,
            "phone": woman.phone,
            "health_worker": woman.health_worker,
            "status": woman.status,
            "edd": woman.edd.isoformat(),
            "gestational_age": plan["gestational_age"],
            "next_contact": plan["next_contact"],
            "next_due": plan["next_due"],
            "needs_visit": plan["needs_visit"],
            "post_term": plan["post_term"],
            "open_referrals": len(open_referrals),
        }

    def _view(self, session: Session, woman: Woman) -> dict:
        plan = self._plan(session, woman, self.today())
        visits = session.exec(select(Visit).where(Visit.woman_id == woman.id).order_by(Visit.visit_date)).all()
        referrals = session.exec(
            select(Referral).where(Referral.woman_id == woman.id).order_by(Referral.created_at)
        ).all()
        return self._summary(session, woman, plan) | {
            "lmp": woman.lmp.isoformat(),
            "delivered_on": woman.delivered_on.isoformat() if woman.delivered_on else None,
            "schedule": plan["contacts"],
            "schedule_kind": plan["kind"],
            "visits": [_visit_dict(visit) for visit in visits],
            "referrals": [_referral_dict(referral, woman.code) for referral in referrals],
        }


EXPORT_WOMAN_COLUMNS = ("woman_code", "village", "health_worker", "lmp", "edd", "status", "delivered_on")
EXPORT_VISIT_COLUMNS = (
    "visit_date",
    "gestational_weeks",
    "systolic",
    "diastolic",
    "weight_kg",
    "temperature_c",
    "level",
    "sign_codes",
    "referral_status",
)
EXPORT_COLUMNS = EXPORT_WOMAN_COLUMNS + EXPORT_VISIT_COLUMNS


def _require_role(actor: Actor) -> None:
    if actor.role not in ROLES:
        raise RecordForbidden(f"The role '{actor.role}' may not see health records.")


def _may_see(actor: Actor, woman: Woman | None) -> bool:
    return woman is not None and (actor.sees_everyone or woman.health_worker == actor.name)


def _clean_phone(phone: str | None) -> str | None:
    if phone is None or not phone.strip():
        return None
    phone = " ".join(phone.split())
    if not PHONE.match(phone):
        raise BadRecord(f"'{phone}' is not a phone number (digits, spaces and a leading +).")
    return phone


def _blank(value) -> str:
    return "" if value is None else str(value)


def _visit_dict(visit: Visit) -> dict:
    return {
        "id": visit.id,
        "visit_date": visit.visit_date.isoformat(),
        "gestational_age": None
        if visit.gestational_days is None
        else str(schedule.GestationalAge(visit.gestational_days)),
        "systolic": visit.systolic,
        "diastolic": visit.diastolic,
        "blood_pressure": f"{visit.systolic}/{visit.diastolic}" if visit.systolic is not None else None,
        "weight_kg": visit.weight_kg,
        "temperature_c": visit.temperature_c,
        "signs": visit.signs,
        "sign_codes": [code for code in visit.sign_codes.split(",") if code],
        "level": visit.level,
        "notes": visit.notes,
        "recorded_by": visit.recorded_by,
    }


def _referral_dict(referral: Referral, code: str) -> dict:
    return {
        "id": referral.id,
        "woman_code": code,
        "visit_id": referral.visit_id,
        "level": referral.level,
        "reason": referral.reason,
        "status": referral.status,
        "facility": referral.facility,
        "created_at": _iso(referral.created_at),
        "updated_at": _iso(referral.updated_at),
        "updated_by": referral.updated_by,
    }


def _iso(moment: datetime) -> str:
    return (moment if moment.tzinfo else moment.replace(tzinfo=UTC)).isoformat(timespec="seconds")
