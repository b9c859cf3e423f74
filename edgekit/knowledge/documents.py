"""A knowledge document: a Markdown file that opens with front matter between two `---` lines.

The front matter parser is small and strict on purpose: only `key: value` and `key: [a, b]`, one per line. A pack is
written by people far from help, so a typo must fail loudly with the file and the field, never half-parse.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from edgekit.errors import EdgekitError

REQUIRED_FIELDS = ("title", "source", "url", "license", "language", "region", "updated")
LIST_FIELDS = ("aliases", "tags")
# Optional, one value each: where a lesson sits in a curriculum (the school app's lessons are knowledge documents).
CURRICULUM_FIELDS = ("subject", "grade", "skill")
KNOWN_FIELDS = (*REQUIRED_FIELDS, *LIST_FIELDS, *CURRICULUM_FIELDS)
FENCE = "---"
KEY_LINE = re.compile(r"^([A-Za-z_][A-Za-z0-9_-]*)\s*:\s*(.*)$")
LANGUAGE_CODE = re.compile(r"^[a-z]{2,3}(-[A-Za-z0-9]{2,8})?$")  # BCP 47, short form: en, sw, fr, pt-BR


class BadDocument(EdgekitError):
    code = "bad_document"
    http_status = 422

    def __init__(self, path: Path, problem: str):
        super().__init__(f"{path}: {problem}")
        self.path = path


@dataclass(frozen=True)
class Document:
    path: Path
    sha256: str
    title: str
    source: str
    url: str
    license: str
    language: str
    region: str
    updated: str  # ISO date, kept as text: it is shown, never computed with
    aliases: tuple[str, ...]
    tags: tuple[str, ...]
    body: str


def file_sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def parse_document(path: Path) -> Document:
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise BadDocument(path, f"cannot be read ({exc.strerror or exc})") from exc
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise BadDocument(path, "is not UTF-8 text") from exc
    header, body = split_front_matter(path, text)
    fields = parse_front_matter(path, header)
    for name in REQUIRED_FIELDS:
        if not fields.get(name):
            raise BadDocument(path, f"front matter field '{name}' is missing or empty")
        if isinstance(fields[name], list):
            raise BadDocument(path, f"front matter field '{name}' must be one value, not a list")
    for name in LIST_FIELDS:
        if isinstance(fields.get(name), str):
            fields[name] = [fields[name]]  # `aliases: one` is read as a list of one
    language = fields["language"]
    if not LANGUAGE_CODE.match(language):
        raise BadDocument(
            path, f"front matter field 'language' must be a language code such as en, sw or fr, not '{language}'"
        )
    try:
        date.fromisoformat(fields["updated"])
    except ValueError as exc:
        raise BadDocument(
            path, f"front matter field 'updated' must be a date YYYY-MM-DD, not '{fields['updated']}'"
        ) from exc
    if not body.strip():
        raise BadDocument(path, "has front matter but no text")
    return Document(
        path=path,
        sha256=hashlib.sha256(raw).hexdigest(),
        title=fields["title"],
        source=fields["source"],
        url=fields["url"],
        license=fields["license"],
        language=language.lower(),
        region=fields["region"],
        updated=fields["updated"],
        aliases=tuple(fields.get("aliases", ())),
        tags=tuple(fields.get("tags", ())),
        body=body,
    )


def split_front_matter(path: Path, text: str) -> tuple[list[str], str]:
    lines = text.splitlines()
    if not lines or lines[0].strip() != FENCE:
        raise BadDocument(path, "does not start with front matter (a '---' line, the fields, then '---')")
    for index in range(1, len(lines)):
        if lines[index].strip() == FENCE:
            return lines[1:index], "\n".join(lines[index + 1 :])
    raise BadDocument(path, "front matter is not closed by a '---' line")


def parse_front_matter(path: Path, lines: list[str]) -> dict[str, str | list[str]]:
    fields: dict[str, str | list[str]] = {}
    for number, line in enumerate(lines, start=2):  # line 1 is the opening fence
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        match = KEY_LINE.match(line)
        if not match:
            raise BadDocument(path, f"line {number} of the front matter is not 'key: value': {line.strip()!r}")
        key, value = match.group(1).lower(), match.group(2).strip()
        if key not in KNOWN_FIELDS:
            raise BadDocument(
                path, f"front matter field '{key}' (line {number}) is unknown; known: {', '.join(KNOWN_FIELDS)}"
            )
        if key in fields:
            raise BadDocument(path, f"front matter field '{key}' appears twice (line {number})")
        fields[key] = _parse_value(path, key, value)
    return fields


def _parse_value(path: Path, key: str, value: str) -> str | list[str]:
    if value.startswith("["):
        if not value.endswith("]"):
            raise BadDocument(path, f"front matter field '{key}': a list must end with ']' on the same line")
        return [_unquote(item) for item in value[1:-1].split(",") if item.strip()]
    if value.endswith("]"):
        raise BadDocument(path, f"front matter field '{key}': a list must start with '['")
    return _unquote(value)


def _unquote(value: str) -> str:
    value = value.strip()
    if len(value) >= 2 and value[0] == value[-1] and value[0] in "\"'":
        return value[1:-1].strip()
    return value
