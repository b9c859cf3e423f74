"""The lessons (knowledge/*.md, written by the content side): found by skill and language, for the lesson pages
and to ground the tutor. Front matter is read as flat `key: value` lines, which is all the lessons use."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

KNOWLEDGE_DIR = Path(__file__).parent / "knowledge"
LANG_SUFFIX = re.compile(r"\.(sw|fr)$")


@dataclass(frozen=True)
class Lesson:
    slug: str  # file name without .md (and without the language suffix)
    lang: str
    skill: str
    title: str
    grade: str
    subject: str
    source: str
    body: str  # Markdown, front matter removed

    def excerpt(self, limit: int = 1400) -> str:
        """The lesson text for a prompt: headings and all, cut at a paragraph near `limit` characters."""
        text = re.sub(r"\n{3,}", "\n\n", self.body).strip()
        if len(text) <= limit:
            return text
        cut = text.rfind("\n\n", 0, limit)
        return text[: cut if cut > limit // 2 else limit]


def _front_matter(text: str) -> tuple[dict[str, str], str]:
    if not text.startswith("---"):
        return {}, text
    _, head, body = text.split("---", 2)
    meta = {}
    for line in head.splitlines():
        key, sep, value = line.partition(":")
        if sep and key.strip() and not key.startswith(" "):
            meta[key.strip()] = value.strip().strip('"')
    return meta, body


@cache
def all_lessons(folder: Path = KNOWLEDGE_DIR) -> tuple[Lesson, ...]:
    lessons = []
    for path in sorted(folder.glob("*.md")):
        meta, body = _front_matter(path.read_text(encoding="utf-8"))
        stem = path.name[: -len(".md")]
        match = LANG_SUFFIX.search(stem)
        lang = meta.get("language") or (match.group(1) if match else "en")
        slug = LANG_SUFFIX.sub("", stem)
        lessons.append(
            Lesson(
                slug,
                lang,
                meta.get("skill", ""),
                meta.get("title", slug),
                meta.get("grade", ""),
                meta.get("subject", ""),
                meta.get("source", ""),
                body.strip(),
            )
        )
    return tuple(lessons)


def lessons_for(skill: str, lang: str) -> list[Lesson]:
    """A skill's lessons in the pupil's language where translated, else in English."""
    found = [lesson for lesson in all_lessons() if lesson.skill == skill]
    by_slug: dict[str, Lesson] = {}
    for lesson in found:
        current = by_slug.get(lesson.slug)
        if (
            current is None
            or (lesson.lang == lang and current.lang != lang)
            or (current.lang not in (lang, "en") and lesson.lang == "en")
        ):
            by_slug[lesson.slug] = lesson
    return [by_slug[slug] for slug in sorted(by_slug)]


def lesson(slug: str, lang: str) -> Lesson | None:
    candidates = [lesson for lesson in all_lessons() if lesson.slug == slug]
    for wanted in (lang, "en"):
        for candidate in candidates:
            if candidate.lang == wanted:
                return candidate
    return candidates[0] if candidates else None
