"""Enrolment: a box offers its public key (signed by itself), a hub admin approves it, and from then on every
envelope it sends is checked against that key. An unknown, pending or revoked box is refused whole."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import func, insert, select, text, update
from sqlalchemy.engine import Connection

from edgekit.hub import tables
from edgekit.packs.keys import PublicKey, create_key_pair, load_private_key, parse_public_key, public_key_of
from edgekit.sync.envelope import SyncRefused, check_signature, read_body


class BoxRefused(SyncRefused):
    http_status = 403


def request_enrolment(connection: Connection, envelope: dict) -> dict:
    """Record a box's request (pending until approved). Asking again with the same key changes nothing."""
    body = read_body(envelope)
    if body.get("type") != "enrol":
        raise SyncRefused("Not an enrolment request.", code="sync_malformed")
    key = parse_public_key(str(body.get("public_key", "")), "the box's key")
    check_signature(envelope, key)  # it holds the private half of the key it offers
    known = connection.execute(select(tables.box).where(tables.box.c.name == key.name)).mappings().first()
    if known is not None:
        if known["fingerprint"] != key.fingerprint:
            raise BoxRefused(f"A box named {key.name} is enrolled with another key.", code="box_name_taken")
        return {"box": key.name, "status": known["status"]}
    if connection.execute(select(tables.box.c.id).where(tables.box.c.fingerprint == key.fingerprint)).first():
        raise BoxRefused("This key is enrolled under another name.", code="box_key_taken")
    facility = " ".join(str(body.get("facility", "")).split())[:100]
    _check_facility_free(connection, facility)
    connection.execute(
        insert(tables.box).values(
            name=key.name,
            fingerprint=key.fingerprint,
            public_key=key.line().strip(),
            facility=facility,
            district=str(body.get("district", ""))[:100],
        )
    )
    return {"box": key.name, "status": "pending"}


# Enrolments are rare: one lock for all of them, held to the end of the transaction, so two requests naming the
# same facility at the same moment cannot both find it free.
FACILITY_LOCK = text("SELECT pg_advisory_xact_lock(hashtext('edgekit_hub.facility'))")


def _check_facility_free(connection: Connection, facility: str, besides: str = "") -> None:
    """Referrals are addressed by facility name, so two boxes that are not revoked may not share one (case and
    spacing aside): the second would never receive its referrals. A replacement box enrols once the old is revoked.
    BESIDES: the box itself, when it is approved again."""
    if not facility:
        return
    connection.execute(FACILITY_LOCK)
    taken = connection.execute(
        select(tables.box.c.name).where(
            func.lower(func.regexp_replace(func.btrim(tables.box.c.facility), r"\s+", " ", "g")) == facility.lower(),
            tables.box.c.status != "revoked",
            tables.box.c.name != besides,
        )
    ).scalar()
    if taken is not None:
        raise BoxRefused(
            f"The facility '{facility}' already has a box ({taken}): name this one apart (e.g. '{facility} "
            f"maternity'), or ask the hub admin to revoke {taken} if this box replaces it.",
            code="facility_name_taken",
            http_status=409,
        )


def decide(connection: Connection, name: str, status: str, by: str) -> None:
    if status not in ("approved", "revoked"):
        raise SyncRefused(f"A box is approved or revoked, not {status}.", code="bad_input")
    if status == "approved":  # a revoked box approved again, while its replacement holds the facility's name
        facility = connection.execute(select(tables.box.c.facility).where(tables.box.c.name == name)).scalar()
        _check_facility_free(connection, " ".join(str(facility or "").split()), besides=name)
    changed = connection.execute(
        update(tables.box).where(tables.box.c.name == name).values(status=status, decided_at=func.now(), decided_by=by)
    ).rowcount
    if not changed:
        raise SyncRefused(f"No box named {name} has asked to enrol.", code="box_unknown")


def authenticate(connection: Connection, envelope: dict) -> tuple[dict, dict]:
    """The approved box that signed this envelope and the body; refused whole otherwise."""
    body = read_body(envelope)
    name = str(body.get("box", ""))
    row = connection.execute(select(tables.box).where(tables.box.c.name == name)).mappings().first()
    if row is None:
        raise BoxRefused(f"The hub does not know a box named '{name[:64]}': enrol it first.", code="box_unknown")
    if row["status"] == "revoked":
        raise BoxRefused(f"The box {name} was revoked by the hub admin.", code="box_revoked")
    if row["status"] != "approved":
        raise BoxRefused(f"The box {name} waits for a hub admin's approval.", code="box_not_approved")
    check_signature(envelope, parse_public_key(row["public_key"], f"box {name}"))
    if body.get("key") != row["fingerprint"]:
        raise BoxRefused("The body names another key than the box's.", code="sync_signature_invalid")
    return dict(row), body


def hub_identity(home: Path) -> tuple[object, PublicKey]:
    """The hub's own key pair, made on first use: it seals what travels down."""
    directory = home / "keys"
    path = directory / "hub.key"
    if not path.exists():
        create_key_pair("hub", directory)
    private, name = load_private_key(path)
    return private, public_key_of(private, name)
