"""The hub's side of the USB stick: import every box's sync pack on it, and write each box's down pack back.

Each batch file is ingested in its own transaction: one bad file is reported and left, the others still land.
An enrolment request on the stick is recorded (pending) for the hub admin to approve."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.engine import Engine

from edgekit.errors import EdgekitError
from edgekit.hub import downlink, enrol, tables
from edgekit.hub.ingest import ingest
from edgekit.sync.usb import ROOT, write_json


@dataclass
class ImportReport:
    batches: int = 0
    records: int = 0
    new: int = 0
    enrolments: list[str] = field(default_factory=list)
    refused: list[str] = field(default_factory=list)  # "file: code: message"


def _read(path: Path) -> dict:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise EdgekitError(f"{path.name} cannot be read: {exc}", code="sync_malformed") from None


def import_dir(engine: Engine, source: Path) -> ImportReport:
    up = source / ROOT / "up"
    if not up.is_dir():
        raise EdgekitError(f"No sync packs in {source} (looked for {ROOT}/up/).", code="sync_pack_missing")
    report = ImportReport()
    for box_dir in sorted(path for path in up.iterdir() if path.is_dir()):
        request = box_dir / "enrol.json"
        if request.is_file():
            try:
                with engine.begin() as connection:
                    answer = enrol.request_enrolment(connection, _read(request))
                if answer["status"] == "pending":
                    report.enrolments.append(answer["box"])
            except EdgekitError as exc:
                report.refused.append(f"{box_dir.name}/enrol.json: {exc.code}: {exc.message}")
        for batch in sorted(box_dir.glob("batch-*.json")):
            try:
                with engine.begin() as connection:
                    result = ingest(connection, _read(batch))
            except EdgekitError as exc:
                report.refused.append(f"{box_dir.name}/{batch.name}: {exc.code}: {exc.message}")
                continue
            report.batches += 1
            report.records += result.received
            report.new += result.new
    return report


def export_down(engine: Engine, home: Path, target: Path, box_names: list[str] | None = None) -> list[str]:
    """A down pack per approved box (or the boxes named), sealed by the hub's key. Returns the boxes written."""
    private, _public = enrol.hub_identity(home)
    with engine.begin() as connection:
        if not box_names:
            query = select(tables.box.c.name).where(tables.box.c.status == "approved")
            box_names = list(connection.execute(query).scalars())
        for name in box_names:
            write_json(target / ROOT / "down" / f"{name}.json", downlink.down_pack(connection, name, private))
    return box_names
