"""The skills pupils practise: skills.toml (subject, grade, titles in en/sw/fr, order), plus every math skill the
templates make items for, so a template never goes unlisted."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from edgekit_edu.generate import TEMPLATES
from edgekit_edu.item_bank import load_bank

SKILLS_FILE = Path(__file__).parent / "skills.toml"


@dataclass(frozen=True)
class Skill:
    id: str
    subject: str
    grade: str
    titles: dict[str, str]
    order: int
    generated: bool  # math items made from templates with fresh numbers

    def title(self, lang: str) -> str:
        return self.titles.get(lang) or self.titles.get("en") or self.id

    def as_dict(self, lang: str = "en") -> dict:
        return {
            "id": self.id,
            "subject": self.subject,
            "grade": self.grade,
            "title": self.title(lang),
            "generated": self.generated,
        }


@cache
def all_skills(path: Path = SKILLS_FILE) -> dict[str, Skill]:
    listed = {}
    if path.is_file():
        with path.open("rb") as file:
            listed = tomllib.load(file).get("skills", {})
    skills = {}
    for skill_id, raw in listed.items():
        titles = raw.get("title", {})
        skills[skill_id] = Skill(
            skill_id,
            str(raw.get("subject", skill_id.split(".")[0])),
            str(raw.get("grade", "")),
            titles if isinstance(titles, dict) else {"en": str(titles)},
            int(raw.get("order", 1000)),
            skill_id in TEMPLATES,
        )
    for skill_id in TEMPLATES:
        skills.setdefault(skill_id, Skill(skill_id, "math", "", {}, 1000, True))
    for item in load_bank().values():
        skills.setdefault(item.skill, Skill(item.skill, item.skill.split(".")[0], "", {}, 1000, False))
    return dict(sorted(skills.items(), key=lambda pair: (pair[1].subject != "math", pair[1].order, pair[0])))


def skill(skill_id: str) -> Skill | None:
    return all_skills().get(skill_id)
