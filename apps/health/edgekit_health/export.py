"""The district export: one CSV row per visit, one for each woman not yet visited.

Pseudonymous codes and measurements only; phone numbers and free-text notes stay on the box (they may carry
names). Cells are made safe for spreadsheets, where the file will be opened.
"""

from __future__ import annotations

import csv
import io

from edgekit_health.registry import EXPORT_COLUMNS, Actor, Registry


def csv_text(registry: Registry, who: Actor) -> str:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=EXPORT_COLUMNS, lineterminator="\n")
    writer.writeheader()
    for row in registry.export_rows(who):
        writer.writerow({key: _spreadsheet_safe(value) for key, value in row.items()})
    return buffer.getvalue()


def _spreadsheet_safe(value):
    """A village typed as '=HYPERLINK(...)' must not run as a formula when the district opens the file."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value
