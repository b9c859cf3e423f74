"""The page's words in English, Swahili and French: one JSON catalog per language, chosen per request.

The core's catalogs are edgekit/server/i18n/<lang>.json. An app adds its own in i18n/<lang>.json beside its
manifest; its keys are read under its id (`name` in apps/agri's catalog is `agri.name`), so apps cannot clash with
the core or with each other. A key missing from a language falls back to English, then to the key itself, so a
page never fails on a missing word (tests/server/test_i18n.py keeps the catalogs complete).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from pathlib import Path

from starlette.requests import Request

from edgekit.words import DEFAULT_LANGUAGE, read_catalog

LANGUAGES = ("en", "sw", "fr")
LANG_COOKIE = "edgekit_lang"
CORE_CATALOGS = Path(__file__).resolve().parent / "i18n"

Translate = Callable[..., str]


class Catalogs:
    """Every string the pages show, per language: the core's, then each app's under its id."""

    def __init__(self, app_folders: Iterable[tuple[str, Path]] = ()):
        self.messages: dict[str, dict[str, str]] = {lang: {} for lang in LANGUAGES}
        for lang in LANGUAGES:
            self.messages[lang].update(read_catalog(CORE_CATALOGS / f"{lang}.json"))
        for app_id, folder in app_folders:
            for lang in LANGUAGES:
                path = folder / f"{lang}.json"
                if path.is_file():
                    self.messages[lang].update({f"{app_id}.{k}": v for k, v in read_catalog(path).items()})

    def has(self, key: str) -> bool:
        return key in self.messages[DEFAULT_LANGUAGE]

    def translate(self, lang: str, key: str, **params: object) -> str:
        text = self.messages.get(lang, {}).get(key) or self.messages[DEFAULT_LANGUAGE].get(key) or key
        return text.format(**params) if params else text

    def translator(self, lang: str) -> Translate:
        return lambda key, **params: self.translate(lang, key, **params)

    def subset(self, lang: str, prefixes: tuple[str, ...]) -> dict[str, str]:
        """The strings a page's script needs (it never carries words of its own)."""
        return {key: self.translate(lang, key) for key in self.messages[DEFAULT_LANGUAGE] if key.startswith(prefixes)}


def choose_language(request: Request) -> str:
    """The language the person chose (a cookie), else the best their browser asks for, else English."""
    chosen = request.cookies.get(LANG_COOKIE)
    if chosen in LANGUAGES:
        return chosen
    return accepted_language(request.headers.get("accept-language", ""))


def accepted_language(header: str) -> str:
    best, best_q = DEFAULT_LANGUAGE, 0.0
    for part in header.split(","):
        tag, _, params = part.strip().partition(";")
        code = tag.strip().lower().split("-")[0]
        try:
            q = float(params.strip()[2:]) if params.strip().startswith("q=") else 1.0
        except ValueError:
            q = 0.0
        if code in LANGUAGES and q > best_q:
            best, best_q = code, q
    return best
