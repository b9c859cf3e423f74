"""The words of a note, where its clauses break, and which words a negation reaches.

A health worker's note is short and loosely punctuated ("no headache but heavy bleeding", "hana homa, lakini
anatokwa na damu nyingi"). Words are folded (lower case, no accents) and keep their place in the original text,
so a sign's evidence is quoted as it was written.

Two kinds of break:
- a clause ends at punctuation (. , ; ! ? brackets, new line) and before a contrast ("but", "lakini", "mais");
  a pattern never spans two clauses;
- a negation ends there too, and also at "and"/"et" (and Swahili "na" when a new verb follows it), so
  "no fever and bleeding" still finds the bleeding: when a note is ambiguous, the sign counts.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from edgekit.sdk import fold

# Words, with an apostrophe inside allowed so that contractions and elisions can be taken apart below.
WORD = re.compile(r"[^\W_]+(?:'[^\W_]+)*")
# Typographic apostrophes (right and left quote, grave, acute, modifier letter) as phones type them.
APOSTROPHES = str.maketrans({"\u2019": "'", "\u2018": "'", "`": "'", "\u00b4": "'", "\u02bc": "'"})
CLAUSE_PUNCTUATION = re.compile(r"[.,;:!?()\[\]\n]|\s[-\u2013\u2014]\s")
# A comma or point between two digits is a decimal mark (38,5 or 38.5), not a break.
DECIMAL = re.compile(r"\d[.,]\d")

# English without the apostrophe, as typed on a phone: "doesnt" -> does not.
NOT_CONTRACTIONS = {
    "cant": "can", "cannot": "can", "wont": "will", "dont": "do", "doesnt": "does", "didnt": "did",
    "isnt": "is", "wasnt": "was", "arent": "are", "werent": "were", "hasnt": "has", "havent": "have",
    "hadnt": "had", "couldnt": "could", "wouldnt": "would", "shouldnt": "should", "aint": "is",
}  # fmt: skip
NT_BASES = {"wo": "will", "ca": "can", "sha": "shall", "ai": "is"}
# Swahili: after "na" a verb with a subject prefix (anatokwa, amepata, ni...) or an infinitive (kuona)
# starts a new statement: "hana homa na anatokwa na damu" is two statements, "kutokwa na damu" is one.
SWAHILI_VERB = re.compile(r"^(?:(?:a|wa|ni|u|tu|m|ki|vi|i|zi|li|ya|ku)(?:na|me|li|ta|ki|ja|nge)|ku)\w{2,}")


@dataclass(frozen=True)
class Word:
    text: str  # folded
    start: int  # span in the original text
    end: int
    clause: int
    scope: int  # the negation scope: a clause, cut again at "and"
    conjunction: bool = False  # a boundary word: gaps in patterns never skip it


@dataclass(frozen=True)
class LanguageWords:
    """The small closed word lists of one language (from rules.toml)."""

    negation: frozenset[str]
    negation_after: frozenset[str]  # "bleeding: none" -- negates when it ends the clause
    negation_pairs: frozenset[str]  # French "ne"/"n'": a negation only with pas, plus, jamais... after it
    negation_pair_ends: frozenset[str]
    contrast: frozenset[str]
    additive: frozenset[str]


def _split_word(token: str, start: int, end: int) -> list[tuple[str, int, int]]:
    """Contractions and elisions into words: doesn't -> does not, n'a -> n a, l'accouchement -> l accouchement."""
    folded = fold(token)
    if folded.endswith("n't"):
        base = folded[:-3]
        return [(NT_BASES.get(base, base), start, end), ("not", start, end)]
    if folded in NOT_CONTRACTIONS:
        return [(NOT_CONTRACTIONS[folded], start, end), ("not", start, end)]
    if "'" in folded:
        return [(part, start, end) for part in folded.split("'") if part]
    return [(folded, start, end)]


def clause_breaks(text: str) -> list[int]:
    """Character positions where a clause ends."""
    return [m.start() for m in CLAUSE_PUNCTUATION.finditer(text) if not DECIMAL.match(text, max(m.start() - 1, 0))]


def words_of(text: str, languages: dict[str, LanguageWords]) -> list[Word]:
    normalised = text.translate(APOSTROPHES)
    breaks = clause_breaks(normalised)
    contrast = frozenset().union(*(lw.contrast for lw in languages.values()))
    additive = frozenset().union(*(lw.additive for lw in languages.values()))

    raw: list[tuple[str, int, int]] = []
    for match in WORD.finditer(normalised):
        raw.extend(_split_word(match.group(), match.start(), match.end()))

    words: list[Word] = []
    clause = scope = 0
    break_index = 0
    previous_end = 0
    for index, (folded, start, end) in enumerate(raw):
        while break_index < len(breaks) and breaks[break_index] < start:
            if breaks[break_index] >= previous_end:
                clause += 1
                scope += 1
            break_index += 1
        following = raw[index + 1][0] if index + 1 < len(raw) else ""
        boundary = False
        if folded in contrast and words:
            clause += 1
            scope += 1
            boundary = True
        elif (folded in additive or (folded == "na" and SWAHILI_VERB.match(following))) and words:
            scope += 1
            boundary = True
        words.append(Word(folded, start, end, clause, scope, boundary))
        previous_end = end
    return words


def negated(words: list[Word], start: int, end: int, languages: dict[str, LanguageWords], taken: set[int]) -> bool:
    """Is the sign found in words[start:end] denied? A negation word counts when it stands in the same scope,
    at most four words before the sign ("does not have any bleeding"), or closes the scope just after it
    ("bleeding: none"). Words that belong to another sign found in the note ("won't suck") deny nothing."""
    scope = words[start].scope
    for k in range(start - 1, max(start - 6, -1), -1):
        word = words[k]
        if word.scope != scope:
            break
        if k in taken:
            continue
        for lw in languages.values():
            if word.text in lw.negation:
                return True
            if word.text in lw.negation_pairs and any(
                w.text in lw.negation_pair_ends for w in words[k + 1 : k + 8] if w.scope == scope
            ):
                return True
    last = end - 1
    while last + 1 < len(words) and words[last + 1].scope == scope:
        last += 1
    if last >= end and last - end <= 1 and last not in taken:
        return any(words[last].text in lw.negation_after for lw in languages.values())
    # A checklist answer: "bleeding: none", "headache - no", "bleeding? no." The answer is a clause of one word.
    answer = last + 1
    if last == end - 1 and answer < len(words) and words[answer].clause != words[last].clause:
        alone = answer + 1 == len(words) or words[answer + 1].clause != words[answer].clause
        if alone and answer not in taken:
            return any(words[answer].text in lw.negation_after for lw in languages.values())
    return False
