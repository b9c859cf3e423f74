"""The district's health figures as CSV, and as DHIS2 `dataValueSets` JSON for the district health information
system, through a mapping the site supplies (our indicators -> its data element ids, our facilities -> its
organisation unit ids). A figure with nowhere to go is an error, never silently dropped."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

from edgekit.errors import EdgekitError
from edgekit.hub.figures import HEALTH_COLUMNS

INDICATORS = ("anc_on_time", "danger_signs", "referrals_made", "referrals_arrived", "referrals_closed")


class MappingProblem(EdgekitError):
    code = "dhis2_mapping_invalid"
    http_status = 422


def health_csv(rows: list[dict]) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=HEALTH_COLUMNS, extrasaction="ignore", lineterminator="\n")
    writer.writeheader()
    for row in rows:
        writer.writerow(row | {"month": row["month"].strftime("%Y-%m")})
    return out.getvalue()


def read_mapping(path: Path) -> dict:
    """{"dataElements": {indicator: id}, "orgUnits": {facility: id}, "categoryOptionCombo": id (optional)}"""
    try:
        mapping = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise MappingProblem(f"The DHIS2 mapping {path} cannot be read: {exc}.") from None
    elements, units = mapping.get("dataElements"), mapping.get("orgUnits")
    if not isinstance(elements, dict) or not isinstance(units, dict):
        raise MappingProblem(f"{path}: a mapping holds 'dataElements' and 'orgUnits' objects.")
    unknown = set(elements) - set(INDICATORS)
    if unknown:
        raise MappingProblem(
            f"{path}: unknown indicators {', '.join(sorted(unknown))}; known: {', '.join(INDICATORS)}."
        )
    return mapping


def dhis2_data_value_sets(rows: list[dict], mapping: dict) -> dict:
    elements, units = mapping["dataElements"], mapping["orgUnits"]
    missing = sorted({row["facility"] or row["box"] for row in rows} - set(units))
    if missing:
        raise MappingProblem(
            f"No DHIS2 organisation unit for: {', '.join(missing)}. Add them to orgUnits.",
            code="dhis2_mapping_incomplete",
        )
    totals: dict[tuple[str, str], dict[str, int]] = {}  # a facility with two boxes reports once
    for row in rows:
        key = (units[row["facility"] or row["box"]], row["month"].strftime("%Y%m"))
        total = totals.setdefault(key, dict.fromkeys(INDICATORS, 0))
        for indicator in INDICATORS:
            total[indicator] += int(row[indicator])
    values = []
    for (unit, period), total in sorted(totals.items()):
        for indicator, element in elements.items():
            value = {"dataElement": element, "period": period, "orgUnit": unit, "value": str(total[indicator])}
            if mapping.get("categoryOptionCombo"):
                value["categoryOptionCombo"] = mapping["categoryOptionCombo"]
            values.append(value)
    return {"dataValues": values}
