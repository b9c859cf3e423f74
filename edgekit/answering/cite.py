"""Step 6, cite: the passages an answer stands on, as the citations every surface shows with it."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from edgekit.answering.results import Citation

if TYPE_CHECKING:
    from edgekit.knowledge import Passage


def citations_of(passages: Sequence[Passage]) -> list[Citation]:
    return [
        Citation(title=p.title, source=p.source, url=p.url, snippet=p.snippet, score=round(p.score, 3))
        for p in passages
    ]
