"""Progress of long work, as the core reports it: start(description, total) returns advance(amount).

The CLI draws bars from it (edgekit/cli/progress.py); the core only counts. Its own module because model pulls,
packs, backups, knowledge indexing and the doctor all report progress, and none of them should import another's
code for a type.
"""

from __future__ import annotations

from collections.abc import Callable

Advance = Callable[[int], None]
StartTask = Callable[[str, int], Advance]


def no_progress(_description: str, _total: int) -> Advance:
    return lambda _amount: None
