"""The pages' words: every key in English, Swahili and French, really translated, and no visible word in a
template that does not go through t()."""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest

from edgekit.accounts.auth import ROLES
from edgekit.server.i18n import CORE_CATALOGS, LANGUAGES, Catalogs, accepted_language
from edgekit.server.pages import STATIC, TEMPLATES

PLACEHOLDER = re.compile(r"\{(\w+)\}")
# The same in every language on purpose: names of languages in their own language, the product, and words that
# happen to be spelled alike in French and English.
SAME_EVERYWHERE = {"site.name", "language.en", "language.sw", "language.fr", "history.when"}
SAME_IN_FRENCH = {"answer.sources", "source.source", "source.license", "source.original", "status.version"}


def catalogs(folder: Path) -> dict[str, dict[str, str]]:
    return {lang: json.loads((folder / f"{lang}.json").read_text(encoding="utf-8")) for lang in LANGUAGES}


def app_folders() -> list[Path]:
    import edgekit_agri
    import edgekit_health

    return [Path(edgekit_agri.__file__).parent, Path(edgekit_health.__file__).parent]


def app_catalog_folders() -> list[Path]:
    return [folder / "i18n" for folder in app_folders()]


APP_TEMPLATES = sorted(path for folder in app_folders() for path in (folder / "templates").rglob("*.html"))


@pytest.mark.parametrize("folder", [CORE_CATALOGS, *app_catalog_folders()], ids=lambda f: f.parent.name)
def test_every_key_is_in_all_three_languages_with_the_same_placeholders(folder):
    found = catalogs(folder)
    english = found["en"]
    for lang, messages in found.items():
        assert set(messages) == set(english), (
            f"{lang}: missing {set(english) - set(messages)}, extra {set(messages) - set(english)}"
        )
        for key, text in messages.items():
            assert text.strip(), f"{lang} {key} is empty"
            assert set(PLACEHOLDER.findall(text)) == set(PLACEHOLDER.findall(english[key])), f"{lang} {key}"


# The same words in apps' catalogs: units, and words French spells as English does.
APP_SAME_EVERYWHERE = {"weight_value", "temperature_value"}
APP_SAME_IN_FRENCH = {"village", "date", "description", "name"}


@pytest.mark.parametrize("folder", [CORE_CATALOGS, *app_catalog_folders()], ids=lambda f: f.parent.name)
def test_swahili_and_french_are_translations_not_copies(folder):
    found = catalogs(folder)
    same = SAME_EVERYWHERE if folder == CORE_CATALOGS else APP_SAME_EVERYWHERE
    same_in_french = SAME_IN_FRENCH if folder == CORE_CATALOGS else APP_SAME_IN_FRENCH
    for lang, allowed in (("sw", same), ("fr", same | same_in_french)):
        copied = {key for key, text in found[lang].items() if text == found["en"][key]}
        assert copied <= allowed, f"{lang} repeats the English of {sorted(copied - allowed)}"


def used_keys() -> tuple[set[str], set[str]]:
    """Keys named literally in templates and the script, and the prefixes of keys built from a value."""
    literal, prefixes = set(), set()
    sources = [*TEMPLATES.rglob("*.html"), STATIC / "ask.js"]
    for path in sources:
        text = path.read_text(encoding="utf-8")
        literal |= set(re.findall(r"""\bt\(\s*['"]([a-z_]+(?:\.[a-z_]+)+)['"]\s*[,)]""", text))
        literal |= set(re.findall(r"""\blabel\(\s*['"]([a-z_.]+)['"]\s*\)""", text))
        prefixes |= set(re.findall(r"""(?:\bt|known|messages)\s*[(\[]\s*['"]([a-z_.]+[._])['"]\s*(?:~|\+)""", text))
    return literal, prefixes


def test_every_key_the_pages_use_exists():
    english = catalogs(CORE_CATALOGS)["en"]
    literal, prefixes = used_keys()
    assert literal and prefixes
    assert literal - set(english) == set()
    for prefix in prefixes:
        assert any(key.startswith(prefix) for key in english), f"no strings for {prefix}*"
    # The families filled in from values: each value has its string.
    families = {
        "role.": ROLES,
        "language.": LANGUAGES,
        "task.": ("chat", "stt", "tts", "embed", "vision"),
        "apps.state.": ("loaded", "disabled", "failed"),
        "users.state.": ("active", "disabled", "locked"),
        "answer.by.": ("model", "extractive", "guard", "none"),
        "apps.changed_": ("now", "restart"),
    }
    for prefix, values in families.items():
        assert {f"{prefix}{value}" for value in values} <= set(english), prefix


class VisibleText(HTMLParser):
    """Text a person sees or hears read out: text nodes and the attributes screen readers and browsers show."""

    SHOWN_ATTRIBUTES = ("aria-label", "title", "placeholder", "alt")

    def __init__(self):
        super().__init__()
        self.found: list[str] = []
        self.skipping = 0

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style"):
            self.skipping += 1
        for name, value in attrs:
            shown_value = name == "value" and tag == "input" and ("type", "submit") in attrs
            if value and (name in self.SHOWN_ATTRIBUTES or shown_value):
                self.found.append(value)

    def handle_endtag(self, tag):
        if tag in ("script", "style"):
            self.skipping -= 1

    def handle_data(self, data):
        if not self.skipping and data.strip():
            self.found.append(data.strip())


def words_outside_t(template: str) -> list[str]:
    without_jinja = re.sub(r"\{\{.*?\}\}|\{%.*?%\}|\{#.*?#\}", "", template, flags=re.S)
    parser = VisibleText()
    parser.feed(without_jinja)
    return [text for text in parser.found if re.search(r"[^\W\d_]", text)]


@pytest.mark.parametrize(
    "path", [*sorted(TEMPLATES.rglob("*.html")), *APP_TEMPLATES], ids=lambda p: f"{p.parent.parent.name}/{p.name}"
)
def test_every_visible_string_in_templates_goes_through_t(path):
    assert words_outside_t(path.read_text(encoding="utf-8")) == []


def test_the_visible_text_check_finds_untranslated_words():
    assert words_outside_t("<p>{{ t('a.b') }}</p>") == []
    assert words_outside_t("<p>Hello {{ name }}</p>") == ["Hello"]
    assert words_outside_t('<button aria-label="Close">{{ t("x.y") }}</button>') == ["Close"]
    assert words_outside_t("<p>·</p><script>var x = 'ignored';</script>") == []


def test_missing_strings_fall_back_to_english_then_the_key(tmp_path):
    (tmp_path / "en.json").write_text('{"name": "Clinic"}')
    (tmp_path / "sw.json").write_text("{}")
    found = Catalogs([("clinic", tmp_path)])
    assert found.translate("sw", "clinic.name") == "Clinic"
    assert found.translate("fr", "no.such.key") == "no.such.key"
    assert found.translate("fr", "footer.signed_in_as", name="amina", role="x").startswith("Connecté")


def test_the_browsers_language_is_the_default():
    assert accepted_language("sw-KE,sw;q=0.9,en;q=0.8") == "sw"
    assert accepted_language("de-DE,fr;q=0.5,en;q=0.7") == "en"
    assert accepted_language("") == "en"
    assert accepted_language("fr-CA;q=bad, fr") == "fr"
