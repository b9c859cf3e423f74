"""Claims an app says its answers must never make, whatever the passages: checked on every sentence a model
writes, before the grounding check, and withdrawn like an ungrounded one.

The grounding check counts the passages' words; it cannot tell "do not eat mouldy maize, cooking does not make it
safe" from "mouldy maize can be eaten if you cook it well", which uses the same words. The 1.5B model wrote the
second, in French, and it passed. So an app lists the dangerous claims of its field (`prompts/unsafe.toml`
beside `prompts/answer.txt`): each a regex over the folded sentence (lower case, no accents), in each language
the app answers in. A match with a negation before it or within it in its sentence ("do not", "ne ... pas", "usi-",
"kamwe") is advice against the act, and stays.

    [[claim]]
    why = "Cooking or washing does not make mouldy grain safe (aflatoxin)."
    patterns = ["(can|may) (be )?(eat|eaten)[^.]{0,60}(cook|wash)", "moisi[^.]{0,60}(peut|pouvez)( etre)? mang"]
"""

from __future__ import annotations

import logging
import re
import tomllib
from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path

log = logging.getLogger(__name__)

UNSAFE_FILE = Path("prompts") / "unsafe.toml"
# In the clause of a match (after the last , ; : . ! ? before it), a few words before it or within it, these make it
# advice against the act, in English, French and Swahili. "usiku" (night) is no negation; "dont" (French, whose)
# is not "don't".
NEGATION = re.compile(
    r"\b(not|never|no|avoid|without|ne|jamais|pas|aucun|evite\w*|usi(?!ku)\w+|kamwe|wala|hakuna|epuka|haifai|"
    r"si salama|si sawa)\b|\bdon['\u2019]t\b|\bn['\u2019]"
)
# Phrases meaning "safely", read as such before negations are looked for: "sans danger" and "without any risk"
# say the act is fine, not that it is not done.
SAFELY = re.compile(
    r"\b(sans (aucun )?(danger|risque|probleme)|without (any )?(risk|danger|problem)|with no (risk|danger|problem)|"
    r"no (risk|danger|problem)|bila (hatari|shida|tatizo)|hakuna (shida|tatizo|hatari))\b"
)
WORDS_BEFORE = 4  # how far before a match a negation still governs it


def advises(pattern: str | re.Pattern[str], folded: str) -> bool:
    """Whether the folded text makes the claim: a match with no negation in its clause within a few words before
    it or within it ("cooking does not make it safe" is no claim that it does; "if you have no other food,
    mouldy maize can be eaten" is one)."""
    folded = SAFELY.sub("safely", folded)
    for match in re.finditer(pattern, folded):
        clause = max(folded.rfind(mark, 0, match.start()) for mark in ".!?\n,;:")
        before = folded[clause + 1 : match.start()].split()[-WORDS_BEFORE:]
        if not NEGATION.search(" ".join(before) + " " + folded[match.start() : match.end()]):
            return True
    return False


def unsafe_claims(package_dir: Path | None) -> tuple[re.Pattern[str], ...]:
    """The app's unsafe claims, compiled; none when it lists none. Read again when the file changes. A pattern
    that does not compile is logged and skipped (the other claims still hold) rather than breaking every answer."""
    if package_dir is None:
        return ()
    path = package_dir / UNSAFE_FILE
    try:
        changed = path.stat().st_mtime_ns
    except OSError:
        return ()
    return _compiled(path, changed)


@lru_cache(maxsize=32)
def _compiled(path: Path, _changed: int) -> tuple[re.Pattern[str], ...]:
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        log.error("%s is unreadable, so no unsafe claim of this app is checked: %s", path, exc)
        return ()
    compiled = []
    for claim in data.get("claim", []):
        for pattern in claim.get("patterns", []):
            try:
                compiled.append(re.compile(pattern))
            except (re.error, TypeError) as exc:
                log.error("unsafe claim pattern %r of %s does not compile: %s", pattern, path, exc)
    return tuple(compiled)


def makes_unsafe_claim(sentence: str, claims: Sequence[re.Pattern[str]]) -> bool:
    from edgekit.knowledge.language import fold

    folded = fold(sentence)
    return any(advises(claim, folded) for claim in claims)
