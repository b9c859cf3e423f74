"""Step 3, retrieve: the passages of the app's own knowledge that answer the question, or what to say when
there are none (plainly, naming whom to ask, instead of guessing)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from edgekit.answering.messages import NOTHING_FOUND, STILL_INDEXING, message_language
from edgekit.words import app_words

if TYPE_CHECKING:
    from edgekit.apps import AppManifest
    from edgekit.kit import Kit
    from edgekit.knowledge import Passage

PASSAGES_SEARCHED = 4


def find_passages(kit: Kit, question: str, app_id: str, lang: str | None) -> list[Passage]:
    from edgekit.knowledge import retrieve

    return retrieve(kit, question, app=app_id, lang=lang, k=PASSAGES_SEARCHED)


def nothing_found(kit: Kit, manifest: AppManifest, lang: str | None) -> str:
    """No passage is about the question. While the documents are still being indexed, "not found" would be
    untrue: the asker is told to ask again."""
    messages = STILL_INDEXING if kit.knowledge_indexing.is_set() else NOTHING_FOUND
    language = message_language(lang)
    words = app_words(manifest.package_dir, language)  # the manifest's English when the app has none
    return messages[language].format(
        app=words.get("name", manifest.name), whom=words.get("referral", manifest.referral)
    )
