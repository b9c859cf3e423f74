"""Math items made from templates with fresh numbers. An item's id is `<skill>~<seed>`: the same id always makes
the same item, so the server keeps no item table and checks an answer by making the item again."""

from __future__ import annotations

import random

from edgekit_edu.generate import (  # noqa: F401  (each module registers its templates)
    common_fractions,
    decimals,
    equations,
    measurement,
    operations,
    percentages,
    place_value,
)
from edgekit_edu.generate.common import LANGS, TEMPLATES, Made, Template, answer_text
from edgekit_edu.item import Item

SEPARATOR = "~"


def make_item(skill: str, seed: int, lang: str = "en") -> Item:
    rng = random.Random(f"{skill}{SEPARATOR}{seed}")
    template = rng.choice(TEMPLATES[skill])
    lang = lang if lang in LANGS else "en"
    made = template.make(rng, lang)
    return Item(
        id=f"{skill}{SEPARATOR}{seed}",
        skill=skill,
        kind="number",
        lang=lang,
        prompt=made.prompt,
        answer=answer_text(made),
        explain=made.explain,
        unit=made.unit,
        simplest=made.simplest,
        form=made.form,
        meta={"strategy": template.strategy[lang]},
    )


def parse_generated_id(item_id: str) -> tuple[str, int] | None:
    skill, sep, seed = item_id.rpartition(SEPARATOR)
    if not sep or skill not in TEMPLATES or not seed.isdigit() or len(seed) > 12:
        return None
    return skill, int(seed)


__all__ = ["TEMPLATES", "Made", "Template", "make_item", "parse_generated_id"]
