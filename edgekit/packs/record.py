"""What was imported: a small JSON record in the data directory ($EDGEKIT_HOME/packs.json), newest last.

JSON rather than a table: it is a short list read by `packs list` and copied by a backup, and needs no migration.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

RECORD_FILE = "packs.json"


def read_records(home: Path) -> list[dict]:
    try:
        records = json.loads((home / RECORD_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return []
    return records if isinstance(records, list) else []


def add_record(home: Path, record: dict) -> None:
    """Keep one record per pack name: importing a pack again replaces its record."""
    records = [r for r in read_records(home) if r.get("name") != record["name"]] + [record]
    home.mkdir(parents=True, exist_ok=True)
    temporary = home / f".{RECORD_FILE}.tmp"
    temporary.write_text(json.dumps(records, indent=1, ensure_ascii=False), encoding="utf-8")
    os.replace(temporary, home / RECORD_FILE)
