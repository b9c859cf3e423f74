"""What an app's before_answer guard may return, and how the answer paths read it.

A guard sees a question before any model does. It returns None to pass, or:
- text (or GuardAnswer(text)): the whole answer; no model runs after it and none can change it;
- GuardAnswer(text, final=False): the answer must begin with this text (a referral, a first-aid step), and the
  box answers the question after it as usual. Whatever the model then writes comes second: it cannot take the
  first words back.
`data` travels with the answer to clients (the health app puts its triage there, so a phone can show the level
first and unmistakably).
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class GuardAnswer:
    text: str
    final: bool = True
    data: dict | None = field(default=None, compare=False)


def read_guard(value: object) -> GuardAnswer | None:
    if value is None:
        return None
    if isinstance(value, GuardAnswer):
        return value
    return GuardAnswer(str(value))


def joined(lead: str, rest: str) -> str:
    """The guard's lead, then the rest of the answer as its own paragraph."""
    rest = rest.strip()
    return f"{lead.strip()}\n\n{rest}" if rest else lead.strip()
