"""Small printing helpers shared by the commands."""

from __future__ import annotations

import json

import typer


def print_json(data) -> None:
    typer.echo(json.dumps(data, indent=2, ensure_ascii=False, default=str))
