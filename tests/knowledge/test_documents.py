from __future__ import annotations

import pytest

from edgekit.knowledge.documents import REQUIRED_FIELDS, BadDocument, parse_document
from tests.knowledge.conftest import TEST_PACK

GOOD_HEADER = {
    "title": "Drying beans",
    "source": "Extension service",
    "url": "https://example.org/beans",
    "license": "CC BY 4.0",
    "language": "en",
    "region": "East Africa",
    "updated": "2025-01-01",
}


def write(tmp_path, lines: list[str], body: str = "Dry beans in the sun.\n"):
    path = tmp_path / "doc.md"
    path.write_text("---\n" + "\n".join(lines) + "\n---\n" + body, encoding="utf-8")
    return path


def header(**changes) -> list[str]:
    fields = {**GOOD_HEADER, **changes}
    return [f"{key}: {value}" for key, value in fields.items() if value is not None]


def test_a_pack_document_is_parsed_with_its_lists():
    document = parse_document(TEST_PACK / "fall-armyworm.md")
    assert document.title == "Fall armyworm in maize"
    assert document.language == "en" and document.updated == "2025-03-10"
    assert "viwavijeshi" in document.aliases and "chenille légionnaire" in document.aliases
    assert document.tags == ("maize", "pests")
    assert document.body.lstrip().startswith("# Fall armyworm") and len(document.sha256) == 64


def test_quoted_values_and_a_single_alias(tmp_path):
    document = parse_document(write(tmp_path, [*header(title='"Drying: beans"'), "aliases: kukausha maharagwe"]))
    assert document.title == "Drying: beans"
    assert document.aliases == ("kukausha maharagwe",)


@pytest.mark.parametrize("field", REQUIRED_FIELDS)
def test_each_missing_field_is_named_with_the_file(tmp_path, field):
    path = write(tmp_path, header(**{field: None}))
    with pytest.raises(BadDocument) as caught:
        parse_document(path)
    assert caught.value.code == "bad_document"
    assert str(path) in caught.value.message and f"'{field}'" in caught.value.message


@pytest.mark.parametrize(
    ("lines", "body", "says"),
    [
        (None, "no front matter at all\n", "does not start with front matter"),
        ([*header()], None, "not closed"),
        ([*header(), "just words"], "text\n", "line 9"),
        ([*header(), "colour: red"], "text\n", "'colour'"),
        ([*header(), "title: again"], "text\n", "appears twice"),
        ([*header(), "aliases: [a, b"], "text\n", "must end with ']'"),
        (header(language="English"), "text\n", "'language'"),
        (header(updated="last year"), "text\n", "'updated'"),
        (header(title="[a, b]"), "text\n", "one value"),
        (header(), "   \n", "no text"),
    ],
)
def test_bad_front_matter_is_a_clear_error(tmp_path, lines, body, says):
    path = tmp_path / "doc.md"
    if lines is None:
        path.write_text(body)
    elif body is None:
        path.write_text("---\n" + "\n".join(lines) + "\nno closing fence\n")
    else:
        path.write_text("---\n" + "\n".join(lines) + "\n---\n" + body)
    with pytest.raises(BadDocument, match=says) as caught:
        parse_document(path)
    assert str(path) in caught.value.message


def test_a_file_that_is_not_utf8_is_a_bad_document(tmp_path):
    path = tmp_path / "doc.md"
    path.write_bytes(b"---\ntitle: caf\xe9\n---\n")
    with pytest.raises(BadDocument, match="not UTF-8"):
        parse_document(path)
