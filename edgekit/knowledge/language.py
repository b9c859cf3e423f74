"""Words and languages: the tokens a question is searched by, and a cheap guess at the language it is in.

Small stopword lists for the languages the first packs are written in (English, French, Swahili). They keep
"how do I" from matching every document, and counting them is enough to tell these three apart in a question.
None may fold to a content word: French "mais" (but) is "maïs" (maize) once its accent is gone.
"""

from __future__ import annotations

import re
import unicodedata


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


STOPWORDS: dict[str, frozenset[str]] = {
    "en": _words(
        "a an and are as at be by can do does for from how i if in is it its me my of on or should so that the "
        "their there these this to was we what when where which who why will with you your after before about "
        "into out up get has have had not no than then them they our us just still also very too really okay ok "
        "would could been being am were did he she him her his"
    ),
    "fr": _words(
        "a au aux avec ce ces comment dans de des du elle en est et il je la le les leur mes mon ne nous ou où "
        "par pas pour quand que quel quelle quels qui sa se ses son sur ta te tes ton tu un une vos votre vous "
        "faire faut dois doit peut ma apres après avant contre sont quels quelles mon mes "
        "ai as ont suis sommes etes etre être avoir peux veux veut vu dit cette cet tout toute tous toutes "
        "qu lui leurs nos notre moi eux ça cela ceci donc alors comme quoi ni ils elles jusqu jusque déjà aussi "
        "très bien encore même chez combien pourquoi"
    ),
    "sw": _words(
        "na ya wa za la kwa ni je vipi gani nini kama katika au hii hiyo huu ili kuna mimi wewe yeye sisi "
        "ninaweza naweza nifanye nini lini wapi kwenye baada kabla pia sana tu ana wana "
        "wangu yangu zangu changu langu kila kuwa zipi ipi yupi hivi hivyo hizi hizo huyu yule ile kwamba lakini "
        "hata bado tena yake wake zake lake chake vyake cha vya "
        "yako wako zako lako chako yetu wetu zetu letu chetu yenu wenu zenu yao wao zao lao chao yuko iko ziko "
        "tunaweza unaweza anaweza wanaweza mnaweza ambayo ambao ambaye ambazo ambalo ambacho ambavyo ambapo "
        "hapa pale huko kule basi mpaka hadi nami naye nao"
    ),
}
WORD = re.compile(r"\w+", re.UNICODE)


def fold(text: str) -> str:
    """Lower case without accents, as FTS5's unicode61 remove_diacritics tokenizer sees text."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def content_terms(text: str) -> list[str]:
    """The words worth searching by: folded, no stopwords, no single letters, each once, in order."""
    seen: dict[str, None] = {}
    for word in WORD.findall(fold(text)):
        if len(word) > 1 and word not in FOLDED_ALL and not word.isdigit():
            seen.setdefault(word, None)
    return list(seen)


# Word endings of English and French that change a word's form, not its meaning: "stored", "store" and
# "storage" all become "stor"; "stocké" and "stockage" "stock"; "protective" and "protection" "protect".
# (ending, shortest stem left): a stem of four letters at least, so "breed" never becomes "bre" nor "water"
# "wat". Swahili changes words at the front, and a verb's extensions before its final vowel: without the final
# "a", "kunyonya" (to suckle) finds "kunyonyesha" (to breastfeed).
SHORT_ENDINGS = "ements ement ations ation ions ion ives ive ages age ings ing ees ee ed es s e"
ENDINGS = (*((ending, 4) for ending in SHORT_ENDINGS.split()), ("er", 5), ("ly", 5), ("a", 5))
PREFIX_STEM = 5  # a stem this long is searched as a prefix; a shorter one only with the endings above


def stem(word: str) -> str:
    """A folded word without one ending of ENDINGS: what a question's word and a document's word are matched by.
    A final "s" after s, u or i is the word's own ("press", "virus", "sepsis")."""
    if len(word) >= 5:
        for ending, shortest in ENDINGS:
            if word.endswith(ending) and len(word) - len(ending) >= shortest:
                if ending == "s" and word[-2] in "sui":
                    continue
                return word[: -len(ending)]
    return word


def search_forms(term: str) -> tuple[str, bool]:
    """How a question's word is looked for: (its stem, True) to match as a prefix when the stem is long enough
    that any word starting with it is the same word ("weevil" finds "weevils", "kunyony" "kunyonyesha"); else
    (the word, False): a short stem as a prefix finds other words ("pests" would find "pesticide", "cow"
    "cowpea"), so those match by equal stems only (found_in) or by their listed endings (the full-text search).
    A word that lost two letters or more to its ending is a form of its stem ("poules", "stored"): searched as
    a prefix, it also finds the stem's other forms ("poulets", "storage")."""
    root = stem(term)
    return (root, True) if len(root) >= PREFIX_STEM or len(term) - len(root) >= 2 else (term, False)


def short_forms(term: str) -> list[str]:
    """The words a short-stemmed term is searched by: itself, its stem, and its stem with each ending."""
    root = stem(term)
    return list(dict.fromkeys([term, root, *(root + ending for ending, _ in ENDINGS)]))


def found_in(term: str, words: set[str] | frozenset[str]) -> bool:
    """Whether a question's word is among a text's folded words, as the full-text search finds it."""
    if term in words:
        return True
    form, as_prefix = search_forms(term)
    if as_prefix:
        return any(word.startswith(form) for word in words)
    root = stem(term)
    return len(term) >= 4 and any(stem(word) == root for word in words if word[:4] == root[:4])


def guess_language(text: str) -> str | None:
    """The language whose stopwords the text uses most, or None when it uses none (too short to tell)."""
    words = [fold(word) for word in WORD.findall(text)]
    counts = {lang: sum(word in stops for word in words) for lang, stops in FOLDED.items()}
    best = max(counts, key=counts.get)
    tied = [lang for lang, count in counts.items() if count == counts[best]]
    return best if counts[best] > 0 and len(tied) == 1 else None


FOLDED = {lang: frozenset(fold(word) for word in words) for lang, words in STOPWORDS.items()}
FOLDED_ALL = frozenset().union(*FOLDED.values())
