"""What the district hub receives of the registry: pseudonymous codes, dates, measurements, levels and statuses.
The phone number and the free text are named here but leave the box only where the site opted in (the core's
outbox drops them otherwise)."""

from __future__ import annotations

from edgekit_health.tables import Referral, Visit, Woman


def woman_record(woman: Woman) -> dict:
    return {
        "code": woman.code,
        "village": woman.village,
        "lmp": woman.lmp,
        "edd": woman.edd,
        "status": woman.status,
        "delivered_on": woman.delivered_on,
        "phone": woman.phone,
    }


def visit_record(visit: Visit, code: str) -> dict:
    return {
        "id": visit.id,
        "woman_code": code,
        "visit_date": visit.visit_date,
        "gestational_days": visit.gestational_days,
        "systolic": visit.systolic,
        "diastolic": visit.diastolic,
        "weight_kg": visit.weight_kg,
        "temperature_c": visit.temperature_c,
        "sign_codes": visit.sign_codes,
        "level": visit.level,
        "signs": visit.signs,
        "notes": visit.notes,
    }


def referral_record(referral: Referral, code: str, sign_codes: str = "") -> dict:
    """The danger-sign codes (never the worker's words) travel with it, so the receiving facility sees why."""
    return {
        "id": referral.id,
        "woman_code": code,
        "visit_id": referral.visit_id,
        "level": referral.level,
        "status": referral.status,
        "facility": referral.facility,
        "created_at": referral.created_at,
        "updated_at": referral.updated_at,
        "reason": referral.reason,
        "sign_codes": sign_codes,
    }
