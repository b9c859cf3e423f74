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
# Seeds a pupil is served (and may name in a link) are below SERVED_SEEDS; the tutor's worked examples use seeds
# above it, derived from the item's own, so no link can turn a pupil's item into a worked example of itself.
SERVED_SEEDS = 10**9
EXAMPLE_SEEDS = 10**12


def example_seed(skill: str, seed: int, offset: int) -> int:
    """The seed of the offset-th worked example for an item: fixed for the item, never one a pupil is served."""
    return random.Random(f"example{SEPARATOR}{skill}{SEPARATOR}{seed}{SEPARATOR}{offset}").randrange(
        SERVED_SEEDS, EXAMPLE_SEEDS
    )


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
    """(skill, seed) of an item a pupil may be served; None for anything else, a worked example's seed included."""
    skill, sep, seed = item_id.rpartition(SEPARATOR)
    if not sep or skill not in TEMPLATES or not seed.isdigit() or len(seed) > 12 or int(seed) >= SERVED_SEEDS:
        return None
    return skill, int(seed)


__all__ = [
    "SERVED_SEEDS",
    "TEMPLATES",
    "Made",
    "Template",
    "example_seed",
    "make_item",
    "parse_generated_id",
]
