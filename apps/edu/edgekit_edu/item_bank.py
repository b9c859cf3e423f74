"""Items that are data (science, reading, fixed math word problems): items/<skill>.toml, read once.

A translation shares its item's id with a suffix (`...-001.sw`); `item_id` without the suffix names the item in
every language, so an attempt in Swahili and one in English count for the same item.
"""

from __future__ import annotations

import tomllib
from functools import cache
from pathlib import Path

from edgekit_edu.item import KINDS, Item

ITEMS_DIR = Path(__file__).parent / "items"
LANG_SUFFIXES = (".sw", ".fr", ".en")


class ItemFileError(ValueError):
    """An items file that breaks the contract: the app refuses it at start rather than serve a bad item."""


def base_id(item_id: str) -> str:
    for suffix in LANG_SUFFIXES:
        if item_id.endswith(suffix):
            return item_id[: -len(suffix)]
    return item_id


def _item(raw: dict, skill: str, path: Path) -> Item:
    kind = raw.get("kind")
    if kind not in KINDS or not raw.get("id") or not raw.get("prompt") or "answer" not in raw:
        raise ItemFileError(f"{path.name}: item {raw.get('id')!r} needs id, kind (one of {KINDS}), prompt, answer")
    choices = tuple(str(c) for c in raw.get("choices", ()))
    if kind == "choice" and str(raw["answer"]) not in choices:
        raise ItemFileError(f"{path.name}: item {raw['id']!r}: the answer is not one of its choices")
    return Item(
        id=str(raw["id"]),
        skill=str(raw.get("skill", skill)),
        kind=kind,
        lang=str(raw.get("lang", "en")),
        prompt=str(raw["prompt"]),
        answer=str(raw["answer"]),
        choices=choices,
        accept=tuple(str(a) for a in raw.get("accept", ())),
        explain=str(raw.get("explain", "")),
        unit=str(raw.get("unit", "")),
    )


@cache
def load_bank(folder: Path = ITEMS_DIR) -> dict[str, Item]:
    """Every data item by id (with its language suffix)."""
    bank: dict[str, Item] = {}
    for path in sorted(folder.glob("*.toml")):
        with path.open("rb") as file:
            data = tomllib.load(file)
        for raw in data.get("item", []):
            item = _item(raw, path.stem, path)
            if item.id in bank:
                raise ItemFileError(f"{path.name}: item id {item.id!r} is used twice")
            bank[item.id] = item
    return bank


def bank_item(item_id: str, lang: str, folder: Path = ITEMS_DIR) -> Item | None:
    """The item in the pupil's language when it has that translation, else in English (else any)."""
    bank = load_bank(folder)
    root = base_id(item_id)
    for candidate in (f"{root}.{lang}", root if lang == "en" else "", f"{root}.en", root, item_id):
        if candidate and candidate in bank:
            return bank[candidate]
    return None


def bank_items_for(skill: str, lang: str, folder: Path = ITEMS_DIR) -> list[Item]:
    """One version of each of a skill's items, in the pupil's language where there is one."""
    roots = sorted({base_id(i.id) for i in load_bank(folder).values() if i.skill == skill})
    return [item for root in roots if (item := bank_item(root, lang, folder))]
