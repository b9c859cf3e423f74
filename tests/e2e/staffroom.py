"""A small app the browser tests build: for teachers and technicians only (students are refused), with a page of
its own (its template folder, its strings, a link through register_pages) and a note whose text holds a script tag
that must reach the page as text."""

# No `from __future__ import annotations`: FastAPI must see the real Request class, imported in the hook.

import json
from pathlib import Path

from edgekit.hookspecs import hookimpl

APP_ID = "staffroom"
SCRIPT_TITLE = "Exam timetable <script>window.__pwned = 1</script>"

MANIFEST = """id = "staffroom"
name = "Staff room"
version = "0.1.0"
edgekit = ">=0.1,<1"
languages = ["en", "sw", "fr"]
models = []
roles = ["admin", "teacher"]
knowledge = ["knowledge"]
referral = "the head teacher"
"""

NOTE = """---
title: Exam timetable <script>window.__pwned = 1</script>
source: Head teacher <img src=x onerror="window.__pwned = 2">
url: https://example.org/timetable
license: CC BY 4.0
language: en
region: Test district
updated: 2026-11-01
---

# Exam timetable

The mathematics exam for form two is on Monday morning in the main hall. <script>window.__pwned = 3</script>
Teachers collect the exam papers from the head teacher's office at seven o'clock.
"""

STRINGS = {
    "en": {"name": "Staff room", "description": "Notes for teachers.", "notes": "Staff notices"},
    "sw": {"name": "Chumba cha walimu", "description": "Taarifa kwa walimu.", "notes": "Matangazo ya walimu"},
    "fr": {"name": "Salle des professeurs", "description": "Notes pour les enseignants.", "notes": "Avis au personnel"},
}

NOTES_PAGE = """{% extends "base.html" %}
{% block main %}<h1>{{ t('staffroom.notes') }}</h1><p id="count">{{ count }}</p>{% endblock %}
"""


def write_app(folder: Path) -> Path:
    """The app's package folder: manifest, knowledge, templates, strings."""
    (folder / "knowledge").mkdir(parents=True)
    (folder / "templates").mkdir()
    (folder / "i18n").mkdir()
    (folder / "manifest.toml").write_text(MANIFEST)
    (folder / "knowledge" / "timetable.md").write_text(NOTE)
    (folder / "templates" / "notes.html").write_text(NOTES_PAGE)
    for lang, strings in STRINGS.items():
        (folder / "i18n" / f"{lang}.json").write_text(json.dumps(strings, ensure_ascii=False))
    return folder


class StaffroomPlugin:
    @hookimpl
    def register_routes(self, app, router):
        from fastapi import Request

        from edgekit.server.deps import require_app_access
        from edgekit.server.pages import render

        @router.get("/notes")  # under the app's prefix: /apps/staffroom/notes
        def notes(request: Request):
            require_app_access(request, APP_ID)
            return render(request, "staffroom/notes.html", {"count": 3})

    @hookimpl
    def register_pages(self, register):
        register(APP_ID, "/apps/staffroom/notes", "notes", roles=["teacher", "admin"])
