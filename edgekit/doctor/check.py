"""One finding of the doctor: what it checked, how it went, and the command that fixes it.

Apart from the checks themselves so that the host, CPU and power checks can build on it without importing each other.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass


@dataclass
class Check:
    name: str
    status: str  # ok | warn | fail
    detail: str
    fix: str | None = None

    def as_dict(self) -> dict:
        return asdict(self)
