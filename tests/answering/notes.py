"""A passage as the answering checks read it (title, text, language, section heading), for tests that need no
index."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Note:
    title: str
    text: str
    language: str = "en"
    heading: str = ""  # the heading trail; empty: the title alone
