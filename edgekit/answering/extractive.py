"""The answer made of the documents' own sentences, with no model: for chat switched off, critical power, a busy
box, or a model whose sentences failed the grounding check.

Sharing words with the question is not enough ("What should I do about fall armyworm?" shares most words with
what fall armyworm *is*). So the question is classified first (what to do, when, how much, what is it, why), in
English, Swahili or French, and the sentences chosen are those of that kind, from the sections of the best
document (retrieval finds the document; its section that answers this kind may not be the chunk it ranked
first). A second document joins only when it is about the same subject (a language version of the same file).
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import replace
from typing import TYPE_CHECKING

from edgekit.answering.messages import EXTRACTIVE_LEAD, message_language

if TYPE_CHECKING:
    from edgekit.kit import Kit
    from edgekit.knowledge import Passage

KINDS = ("do", "when", "amount", "signs", "what", "why", "cure")
# Cues in the question, by kind; the first kind whose cue matches wins (order matters: "how much" before "how").
QUESTION_CUES: dict[str, str] = {
    "amount": r"how (much|many|far|deep|big|dry|wet|old|tall|high|hot|warm|heavy)|what (dose|amount|quantity)|"
    r"\bdose\b|kiasi gani|ngapi\b|kiasi cha|"
    r"combien de (?!temps|fois)|quelle (dose|quantite)|quel(le)? (ecart|espacement)",
    # "when" asks when only at the head of a question or a clause: "what do I need when I spray" asks what.
    "when": r"(^|[.!?,;:]\s*|\band )when\b|how (often|long|soon)|what time|which (week|month|day)|\blini\b|"
    r"mara ngapi|muda gani|wakati gani|(^|[.!?,;:]\s*)quand\b|\bquand (doit|faut|dois|peut|commence)|"
    r"a quel moment|combien de (temps|fois)|tous les combien",
    # "Is there a medicine?": the answer a farmer needs first is often "there is none", then how to prevent it.
    "cure": r"is there (a |any )?(medicine|cure|treatment|drug)|can (it|they|she|he) be (cured|treated)|"
    r"kuna (dawa|tiba)|dawa ya kutibu|inatibika|y a.t.il (un |une )?(medicament|remede|traitement)|"
    r"peut.on (le |la |les )?(soigner|guerir|traiter)",
    # How a disease spreads or a poison gets in asks for the cause, as "why" does; "comment" alone asks what to do.
    "why": r"\bwhy\b|kwa nini|kwa sababu gani|pourquoi|"
    r"how (does|do|did|can|could) [^?.]{0,40}\b(spread|get (in|into)|come|comes|enter|pass|caught|catch|infect)|"
    r"how is (it|this) (spread|caught|passed)|where does [^?.]{0,30} come from|"
    r"se propage|se repand|se transmet|comment [^?.]{0,40}\b(arrive|vient|entre|attrape)|d.ou vient|"
    r"inaenea|huenea|zinaenea|inaambukizwa|huambukizwa|inatoka wapi|hutoka wapi|husababishwa",
    # "How do I know it is ...?" asks for the signs that tell it, not what to do about it.
    "signs": r"\bsigns?\b|symptom|look like|how (do|can|will|would) (i|we|you) (know|tell|recogni[sz]e|identify|"
    r"be sure)|dalili|nitajuaje|tutajuaje|nitatambuaje|jinsi ya kutambua|kutambua kama|"
    r"\bsignes?\b|symptome|reconnaitre|comment (savoir|etre sur|distinguer|identifier|je sais)",
    "what": r"what (is|are)|ni nini|ni ugonjwa gani|qu.est[ -]ce|c.est quoi",
    "do": r"what (should|can|do) (i|we|she|he)|how (do|can|should|to)|what to do|\bshould\b|control|prevent|treat|"
    r"\bstop\b|protect|nifanye|nini cha kufanya|tufanye|afanye|jinsi ya|namna ya|kuzuia|kudhibiti|kutibu|"
    r"que faire|\bcomment\b|dois|faut|lutter|traiter|prevenir|eviter|proteger",
}
# What a sentence (or its section heading) that answers each kind carries.
ANSWER_CUES: dict[str, str] = {
    "do": r"^(use|put|plant|spray|remove|keep|give|refer|take|dry|store|wash|check|apply|handpick|crush|uproot|"
    r"burn|weed|rotate|go|tell|ask|bring|buy|scout|walk|count|cover|feed|start|make|clean|sell|do not|never|act)\b|"
    r"\b(should|must)\b|^(weka|tumia|panda|ondoa|toa|mpe|mpeleke|peleka|kausha|hifadhi|osha|nyunyiza|ng.oa|choma|"
    r"usi|kagua|hesabu|funika|safisha|nunua|anza|tembea)|^(utilisez|mettez|plantez|retirez|donnez|gardez|sechez|"
    r"stockez|lavez|arrachez|brulez|orientez|referez|emmenez|achetez|verifiez|comptez|couvrez|nettoyez|ne |"
    r"n.utilisez|faites)|what you can do|what to do|control|prevent|ce que vous pouvez|que faire|unachoweza|"
    r"cha kufanya|hatua|kuzuia|lutte|"
    r"moyens|prevention",
    "when": r"\b(day|days|week|weeks|month|months|hour|hours|morning|evening|before|after|within|until|every|"
    r"first|season|siku|wiki|mwezi|miezi|saa|asubuhi|jioni|kabla|baada|kila|jour|jours|semaine|semaines|mois|"
    r"heure|heures|matin|soir|avant|apres|chaque|dans les)\b",
    "amount": r"\d|\b(one|two|three|four|five|six|seven|eight|nine|ten|half|moja|mbili|tatu|nne|tano|sita|saba|"
    r"nane|tisa|kumi|nusu|un|deux|trois|quatre|cinq|huit|dix|moitie)\b",
    "signs": r"\b(signs?|symptoms?|look for|recogni[sz]e|dalili|angalia|kuwatambua|kutambua|signes|symptomes|"
    r"cherchez|reconna|now|sasa|maintenant)",
    "what": r"\b(is a|is an|are|caused|cause|signs?|symptoms?|looks?|ni|husababishwa|dalili|est un|est une|sont|"
    r"cause|signes|symptomes)\b",
    "cure": r"\bno (treatment|cure|medicine)|cannot be (cured|treated)|hakuna (tiba|dawa)|haitibiki|"
    r"pas de (traitement|remede|medicament)|aucun (traitement|remede|medicament)|ne se soigne pas|\bvaccin|chanjo|"
    r"prevention|kinga|\btreat|antibiotic|\bgive\b|tibu|traitement|soign|\bmpe\b|donnez",
    "why": r"\b(because|so that|so the|to avoid|prevents?|otherwise|kwa sababu|ili|vinginevyo|parce que|afin|"
    r"pour eviter|sinon)\b|spread|carried|caused by|comes? from|gets? in|propag|transmi|arrive|"
    r"enea|ambukiz|sababu",
}
# A section heading that says what to do, urgently: it leads the sentences quoted under it.
HEADING_INSTRUCTION = (
    r"^(go|take|refer|bring|call|get help|nenda|mpeleke|peleka|wahi|allez|emmenez|rendez-vous|orientez|referez)\b"
)
EXTRACTIVE_SENTENCES = 3
SHORT_ITEMS_EXTRA = 3  # more sentences when the chosen ones are short list items ...
SHORT_ITEMS_WORDS = 55  # ... while the answer stays under this many words
SENTENCE_SPLIT = re.compile(r"(?<=[.!?])\s+|\n+")
# A sentence that begins by pointing back at the one before it: "It", "This seed", "Cette semence", "Mbegu hiyo".
CONTINUES = re.compile(
    r"(it|its|this|that|these|those|they|them|such|il|elle|ils|elles|cela|ceci|ce|cet|cette|ces|hii|hiyo|huu|huo|"
    r"hizi|hizo|haya|hayo|hao|hawa)\b|\w+ (this|that|these|those|cette|ces|hii|hiyo|huu|huo|hizi|hizo|haya|hayo|"
    r"hao|hawa)\b",
    re.IGNORECASE,
)


def question_kind(question: str) -> str:
    from edgekit.knowledge.language import fold

    text = fold(question).strip()
    return next((kind for kind, cue in QUESTION_CUES.items() if re.search(cue, text)), "do")


def _units(text: str) -> list[tuple[str, bool]]:
    """(sentence, whether it is a list item) for the sentences of a passage worth quoting. A chunk may hold a
    list on one line ("these signs: - Bleeding ... - Fits ..."), so a dash between spaces starts an item too."""
    found: list[tuple[str, bool]] = []
    for line in text.replace("**", "").splitlines():
        for number, piece in enumerate(re.split(r"(?:^|\s)[-*]\s+|^\s*\d+\.\s+", line)):
            item = number > 0
            for raw in SENTENCE_SPLIT.split(piece):
                sentence = " ".join(raw.split())
                if len(sentence.split()) > 2:
                    found.append((sentence, item))
    return found


def sentences_of(text: str) -> list[str]:
    return [sentence for sentence, _item in _units(text)]


def _sentence_score(
    sentence: str, heading: str, kind: str, terms: Mapping[str, float] | set[str], item: bool = False
) -> float:
    """How well a sentence answers this kind of question; `terms` are the question's words, each with its weight
    (1 when given as a set)."""
    from edgekit.knowledge.language import content_terms, fold, found_in

    folded, section = fold(sentence), fold(heading.split(">")[-1])
    # A document's opening section (its heading is the title alone) says what the subject is: right for "what
    # is it", rarely what to do, when, or which signs. Its heading (the title) says nothing of the kind.
    opening = ">" not in heading
    title, _, own = heading.rpartition(">") if not opening else (heading, "", "")
    said, headed, titled = (set(content_terms(fold(part))) for part in (sentence, own, title))
    # Words are matched as retrieval matches them, by stem: "protective clothing" is under "Protect yourself".
    # The section's own heading names what it is about; the document's title is the same over all its sections.
    weights = terms if isinstance(terms, Mapping) else dict.fromkeys(terms, 1.0)
    overlap = sum(
        weight * (found_in(term, said) + found_in(term, headed) + 0.5 * found_in(term, titled))
        for term, weight in weights.items()
    )
    fits = 1.5 if re.search(ANSWER_CUES[kind], folded) else 0.0
    under = 2.0 if not opening and re.search(ANSWER_CUES[kind], section) else 0.0
    listed = 2.0 if item and kind in ("signs", "do") else 0.0  # a list of signs or steps answers these
    intro = {"what": 2.0, "signs": -3.0, "do": -3.0, "cure": -3.0}.get(kind, 0.0) if opening else 0.0
    return overlap + fits + under + listed + intro


def document_sections(kit: Kit, passage: Passage) -> list[Passage]:
    """Every chunk of the passage's document, as passages in the document's order (the passage itself when the
    document is gone)."""
    from sqlmodel import Session, col, select

    from edgekit.store.tables import KnowledgeChunk, KnowledgeDocument, KnowledgePack

    pack, _, path = passage.document_path.partition("/")
    with Session(kit.db) as session:
        rows = session.exec(
            select(KnowledgeChunk)
            .join(KnowledgeDocument, col(KnowledgeChunk.document_id) == col(KnowledgeDocument.id))
            .join(KnowledgePack, col(KnowledgeDocument.pack_id) == col(KnowledgePack.id))
            .where(col(KnowledgePack.name) == pack, col(KnowledgeDocument.path) == path)
            .order_by(col(KnowledgeChunk.ordinal))
        ).all()
    return [replace(passage, text=chunk.text, heading=chunk.heading) for chunk in rows] or [passage]


def best_sections(kit: Kit | None, question: str, passages: Sequence[Passage], limit: int = 2) -> list[Passage]:
    """The sections of the best passage's document that answer this kind of question, best first: the chunk
    retrieval ranked first may say what a pest is when the question asks what to do about it."""
    from edgekit.knowledge.language import content_terms

    if not passages or kit is None:
        return list(passages[:limit])
    kind = question_kind(question)
    sections = document_sections(kit, passages[0])
    terms = section_weights(content_terms(question), sections)

    def fit(section: Passage) -> float:
        scores = sorted(
            (_sentence_score(s, section.heading, kind, terms, item) for s, item in _units(section.text)), reverse=True
        )
        return sum(scores[:EXTRACTIVE_SENTENCES]) + (0.5 if section.text == passages[0].text else 0.0)

    return sorted(sections, key=fit, reverse=True)[:limit]


def section_weights(terms: Sequence[str], sections: Sequence[Passage]) -> dict[str, float]:
    """Each question word weighted by how few of the document's sections carry it: the sections of a pesticide
    document all say "spray", so only "protective" tells which one answers "what protective clothing do I need
    when I spray?". Within the one document retrieval chose, a word in every section weighs nearly nothing."""
    from edgekit.knowledge.language import WORD, fold, found_in

    texts = [set(WORD.findall(fold(f"{section.heading.split('>')[-1]} {section.text}"))) for section in sections]
    count = len(texts)
    weights = {}
    for term in terms:
        carrying = sum(found_in(term, words) for words in texts)
        if carrying:  # a word no section has chooses none: it takes no part in the weights
            weights[term] = math.log((count + 1) / (carrying + 0.5)) if count > 1 else 1.0
    mean = sum(weights.values()) / len(weights) if weights else 1.0
    return {term: weight / mean for term, weight in weights.items()} if mean > 0 else weights


def same_subject(first: Passage, other: Passage) -> bool:
    """Two passages of one document, or of its language versions (fall-armyworm.md and fall-armyworm.sw.md)."""

    def stem(passage: Passage) -> str:
        return passage.document_path.rsplit("/", 1)[-1].split(".")[0]

    return stem(first) == stem(other)


def pick_sentences(
    question: str, sections: Sequence[Passage], limit: int = EXTRACTIVE_SENTENCES, *, headed: bool = False
) -> list[str]:
    """The sentences of these sections that best answer this kind of question, in the documents' order. `headed`:
    a section's heading leads its sentences when it says what to do ("Go to the health facility now, day or
    night") or when they are items of its list: a list of signs quoted without it leaves out the action."""
    from edgekit.knowledge.language import content_terms

    kind, terms = question_kind(question), set(content_terms(question))
    scored: list[tuple[float, int, int, str, bool]] = []
    for order, section in enumerate(sections):
        for place, (sentence, item) in enumerate(_units(section.text)):
            score = _sentence_score(sentence, section.heading, kind, terms, item)
            scored.append((score, order, place, sentence, item))
    # Sections overlap by a few sentences (chunking keeps 30 words of context): a sentence counts once.
    ranked: list[tuple[float, int, int, str, bool]] = []
    for row in sorted(scored, key=lambda row: -row[0]):
        if row[3] not in {r[3] for r in ranked}:
            ranked.append(row)
    best = ranked[:limit]
    # Short list items (danger signs, steps) each say little: take more of them, within a few lines' words.
    for row in ranked[limit : limit + SHORT_ITEMS_EXTRA]:
        if sum(len(r[3].split()) for r in best) + len(row[3].split()) > SHORT_ITEMS_WORDS:
            break
        best.append(row)
    # A sentence that goes on about the one before it ("Mbegu hiyo ni sumu": that seed is poison) comes with it.
    following = {(row[1], row[2] - 1): row for row in scored if CONTINUES.match(row[3])}
    for row in list(best):
        after = following.get((row[1], row[2]))
        if after is not None and after[3] not in {r[3] for r in best}:
            best.append(after)
    picked: list[str] = []
    last_lead = ""
    for order in sorted({row[1] for row in best}):
        rows = sorted((row for row in best if row[1] == order), key=lambda row: row[2])
        lead = _heading_lead(sections[order].heading, any(row[4] for row in rows)) if headed else ""
        if lead and lead != last_lead and not _says_already(rows[0][3], lead):
            picked.append(lead if lead.endswith("?") or ":" in lead else lead + ":")
        last_lead = lead or last_lead
        picked.extend(row[3] for row in rows)
    return picked


def _says_already(sentence: str, lead: str) -> bool:
    """The quote's first sentence opens with the heading's first clause ("Go to the health facility now if she
    has any of these signs:" under "Go to the health facility now, day or night"): the lead would say it twice."""
    from edgekit.knowledge.language import fold

    return fold(sentence).startswith(fold(lead).split(",")[0].rstrip(" :?.!"))


def _heading_lead(heading: str, listed: bool) -> str:
    """The section's own heading, when it should lead the sentences quoted from it: it is an instruction, or they
    are items of its list. Not a document's title (its opening section): that names the subject, not the action."""
    from edgekit.knowledge.language import fold

    if ">" not in heading:
        return ""
    own = heading.rpartition(">")[2].strip().rstrip(" :.!")
    return own if listed or re.search(HEADING_INSTRUCTION, fold(own)) else ""


def extractive_answer(passages: Sequence[Passage], lang: str | None, question: str = "", kit: Kit | None = None) -> str:
    """The sentences that answer this kind of question (what to do, when, how much, what it is, why), from the
    best passage's document (its sections, when `kit` can read them), in their own order: no model, still
    grounded. Another document joins only when it is about the same subject and in the same language."""
    lines = [EXTRACTIVE_LEAD[message_language(lang)]]
    sections = best_sections(kit, question, passages)
    opening = " ".join(passages[0].text.replace("**", "").split()[:60])
    picked = pick_sentences(question, sections, headed=True) or [opening]
    lines.append("[1] " + " ".join(picked))
    best = passages[0]
    for number, other in enumerate(passages[1:2], start=2):
        if (
            same_subject(best, other)
            and other.language == best.language
            and other.text not in {s.text for s in sections}
        ):
            lines.append(f"[{number}] " + " ".join(pick_sentences(question, [other], limit=2, headed=True)))
    return "\n".join(lines)
