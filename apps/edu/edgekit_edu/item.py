"""One practice item, generated or read from items/*.toml: what the pupil sees and what counts as right.

`public()` is what leaves the server before an answer: never the answer, the accepted forms or the explanation.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

KINDS = ("choice", "number", "short")


@dataclass(frozen=True)
class Item:
    id: str
    skill: str
    kind: str  # choice | number | short
    lang: str
    prompt: str
    answer: str  # choice: the right choice's text; number: e.g. "3/4"; short: the canonical answer
    choices: tuple[str, ...] = ()
    accept: tuple[str, ...] = ()  # other short answers that count
    explain: str = ""
    unit: str = ""  # a number's unit ("cm", "%"), which the pupil may write or leave out
    simplest: bool = False  # a fraction must be in lowest terms ("simplify 6/8")
    form: str = ""  # "decimal" or "fraction" when the item asks for that form ("write 3/4 as a decimal")
    meta: dict[str, Any] = field(default_factory=dict, compare=False)

    def public(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "skill": self.skill,
            "kind": self.kind,
            "lang": self.lang,
            "prompt": self.prompt,
            "choices": list(self.choices),
            "unit": self.unit,
        }
