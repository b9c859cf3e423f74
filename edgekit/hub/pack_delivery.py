"""How a published pack reaches a box: by HTTPS (a sealed list of what is pending, the file itself with HTTP
ranges so a cut download resumes, and the box's acknowledgement) or on a USB stick (the files and a sealed list per
box). Every request is a signed envelope from an approved box, as for batches; the list is sealed by the hub so a
box knows the sha256 it must get, while the pack itself stays signed by the technician, never by the hub."""

from __future__ import annotations

import base64
import binascii
import json
from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.responses import FileResponse
from sqlalchemy import select
from sqlalchemy.engine import Connection, Engine

from edgekit.hub import enrol, tables
from edgekit.hub.pack_publish import acknowledge, copy_to, pack_file, pending_for
from edgekit.sync.envelope import SyncRefused, seal
from edgekit.sync.usb import ROOT, write_json

REQUEST_HEADER = "X-Edgekit-Request"  # a GET carries its signed envelope here, so HTTP ranges work
PACKS_FOLDER = "packs"


def sealed_listing(connection: Connection, box: dict, private) -> dict:
    return seal({"type": "packs", "box": box["name"], "packs": pending_for(connection, box["id"])}, private)


def _authenticated(connection: Connection, envelope: dict, kind: str) -> tuple[dict, dict]:
    box, body = enrol.authenticate(connection, envelope)
    if body.get("type") != kind:
        raise SyncRefused(f"Not a {kind} request.", code="sync_malformed")
    return box, body


def add_pack_routes(app: FastAPI, engine: Engine, home: Path, private, read_envelope) -> None:
    @app.post("/api/packs")
    async def api_packs(request: Request):
        envelope = await read_envelope(request)
        with engine.begin() as connection:
            box, _body = _authenticated(connection, envelope, "packs")
            return sealed_listing(connection, box, private)

    @app.get("/api/packs/{sha256}")
    def api_pack_file(sha256: str, request: Request):
        try:
            envelope = json.loads(base64.urlsafe_b64decode(request.headers.get(REQUEST_HEADER, "")))
        except (binascii.Error, ValueError):
            raise SyncRefused("The request is not signed.", code="sync_unsigned") from None
        with engine.connect() as connection:
            box, body = _authenticated(connection, envelope, "pack_fetch")
            if body.get("sha256") != sha256 or not any(
                p["sha256"] == sha256 for p in pending_for(connection, box["id"])
            ):
                raise SyncRefused("No such pack waits for this box.", code="pack_not_found")
        return FileResponse(pack_file(home, sha256), media_type="application/octet-stream")

    @app.post("/api/packs/ack")
    async def api_pack_ack(request: Request):
        envelope = await read_envelope(request)
        with engine.begin() as connection:
            box, body = _authenticated(connection, envelope, "pack_ack")
            changed = acknowledge(
                connection,
                box["id"],
                str(body.get("sha256", "")),
                str(body.get("status", "")),
                str(body.get("code", "")),
            )
        return {"acknowledged": changed}


def export_packs(engine: Engine, home: Path, target: Path, box_names: list[str]) -> int:
    """Each named box's pending packs and their sealed list onto a stick; a file shared by boxes goes once.
    Returns how many pack files the stick carries for them."""
    private, _public = enrol.hub_identity(home)
    folder = target / ROOT / PACKS_FOLDER
    carried: set[str] = set()
    with engine.connect() as connection:
        for name in box_names:
            box = connection.execute(select(tables.box).where(tables.box.c.name == name)).mappings().first()
            if box is None:
                continue
            listing = sealed_listing(connection, dict(box), private)
            for item in json.loads(listing["body"])["packs"]:
                copy_to(home, item["sha256"], folder)
                carried.add(item["sha256"])
            write_json(folder / f"{name}.json", listing)
    return len(carried)
