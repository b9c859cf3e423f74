"""The word files of the core and of each app: one JSON object of text keys and text values per language.

The pages read them through edgekit.server.i18n (the core's, then each app's under its id); the answering
service reads an app's own few words here (its name, whom to ask), so a message the box writes in Swahili names
the app and the person to ask in Swahili too, from the same file the app's pages use.
"""

from __future__ import annotations

import json
from pathlib import Path

APP_WORDS_FOLDER = "i18n"
DEFAULT_LANGUAGE = "en"


def read_catalog(path: Path) -> dict[str, str]:
    data = json.loads(path.read_text(encoding="utf-8"))
    if not isinstance(data, dict) or not all(isinstance(k, str) and isinstance(v, str) for k, v in data.items()):
        raise ValueError(f"{path}: a catalog is one JSON object of text keys and text values")
    return data


def app_words(package_dir: Path, lang: str) -> dict[str, str]:
    """The app's words in `lang` (its i18n/<lang>.json), each missing or empty one taken from its English file.
    A file that cannot be read counts as empty: a message to the asker never fails on a word."""
    words: dict[str, str] = {}
    for language in (DEFAULT_LANGUAGE, lang):
        try:
            catalog = read_catalog(package_dir / APP_WORDS_FOLDER / f"{language}.json")
        except (OSError, ValueError):
            continue
        words.update((key, text) for key, text in catalog.items() if text)
    return words
