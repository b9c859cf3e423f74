"""Many rows in one statement: the rows travel as one JSON parameter that the server unpacks (jsonb_to_recordset),
so a batch of 500 records is one statement, with no per-row planning and no per-row SQL built in Python."""

from __future__ import annotations

import json
from datetime import date, datetime
from functools import lru_cache

from sqlalchemy import text
from sqlalchemy.dialects import postgresql
from sqlalchemy.engine import Connection

PG = postgresql.dialect()


def upsert(connection: Connection, table, rows: list[dict], keys: list[str], overrides: dict | None = None) -> None:
    """Keep each row's newest state (by seq). The rows travel as one JSON parameter unpacked by the server
    (jsonb_to_recordset): one statement per batch, with no per-row planning nor per-row SQL building here."""
    if not rows:
        return
    sql = upsert_sql(table, tuple(rows[0]), tuple(keys), tuple(overrides.items()) if overrides else None)
    connection.execute(text(sql), {"rows": as_json(rows)})


@lru_cache(maxsize=64)
def upsert_sql(table, columns: tuple, keys: tuple, overrides: tuple | None) -> str:
    updates = {c: f"EXCLUDED.{c}" for c in columns if c not in keys} | dict(overrides or ())
    return (
        f"{insert_rows_sql(table, columns)} ON CONFLICT ({', '.join(keys)}) DO UPDATE SET "
        + ", ".join(f"{c} = {v}" for c, v in updates.items())
        + f" WHERE {table.name}.seq < EXCLUDED.seq"
    )


def insert_rows_sql(table, columns: tuple) -> str:
    # Column names come from the hub's own code (the row dicts ingest builds), never from a box.
    names = ", ".join(columns)
    types = ", ".join(f"{c} {table.c[c].type.compile(dialect=PG)}" for c in columns)
    return (
        f"INSERT INTO {table.name} ({names}) SELECT {names} FROM jsonb_to_recordset(CAST(:rows AS jsonb)) AS r({types})"
    )


def as_json(rows: list[dict]) -> str:
    return json.dumps(rows, default=lambda v: v.isoformat() if isinstance(v, date | datetime) else str(v))
