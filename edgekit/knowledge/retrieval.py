"""Hybrid retrieval: FTS5 BM25, embedding cosine and whole-document coverage, fused by reciprocal rank, behind a
relevance floor.

- BM25 finds exact words, including the translated keywords of a document's `aliases`, which is how a Swahili
  question reaches an English document: the embedding model (all-MiniLM) reads English only.
- Cosine finds the same meaning in other words.
- Whole documents are ranked by the share of the question's words they carry anywhere: a question's subject and
  its want may sit in different sections of the right document, while another document's one section matches
  the want alone. Words match by stem (language.py), in the full-text query and in every share alike.
- A document whose alias the asker used (the local name of its subject) gets a small boost (ALIAS_BOOST).
- Reciprocal rank fusion (RRF) needs no score calibration between the two, but ranks say nothing about whether
  anything fits at all, so a passage must also clear a floor on an absolute signal (see `is_relevant`): an
  unrelated question gets no passage rather than the least bad one.
- A passage in the asker's language gets a boost, so the French version of a document outranks the English one
  for a French question, while a question in a language no document has still finds the English one.
Scope: app None searches every pack; an app searches its own packs and the shared ones (app None).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from sqlalchemy import or_, text
from sqlmodel import Session, col, select

from edgekit.errors import BadInput
from edgekit.kit import Kit
from edgekit.knowledge.embedding import embedder, from_bytes, reads_language
from edgekit.knowledge.language import WORD, content_terms, fold, found_in, guess_language, search_forms, short_forms
from edgekit.knowledge.snippets import make_snippet
from edgekit.knowledge.vocabulary import Vocabulary, vocabulary
from edgekit.store.tables import KNOWLEDGE_FTS, KnowledgeChunk, KnowledgeDocument, KnowledgePack

log = logging.getLogger(__name__)

CANDIDATES = 50  # from each ranking, before fusion
RRF_K = 60  # the constant of Cormack et al.: damps the weight of the very first ranks
FTS_WEIGHTS = (1.0, 1.0, 2.0, 2.0)  # text, heading, title, aliases: a word in the title says more
LANGUAGE_BOOST = 1.5
# The boost lifts a document in the asker's language over one in another language with comparable evidence (a
# translation: 0.90-0.92 of the best BM25 in the tests), not over a better match on another topic ("mtoto ana
# kuhara": the Swahili malaria page has 0.73 of the best BM25, the English diarrhoea page is the answer).
COMPARABLE_EVIDENCE = 0.8
# The asker named the document's subject as its author did (one of its aliases, often the local word for it).
ALIAS_BOOST = 1.2
# Relevance floors, tuned on tests/knowledge/pack (figures in tests/knowledge/test_retrieval.py): related English
# questions reach cosine 0.43-0.76 with their passage, unrelated ones stay under 0.2 ("capital of France" 0.17).
# Questions in a language the embedding model does not read are judged by their words alone (reads_language).
LEXICAL_FLOOR = 0.5  # share of the question's content words found in the passage, its heading, title or aliases
DENSE_WITH_WORDS = 0.35  # cosine enough when at least one content word is found too
DENSE_ALONE = 0.5  # cosine enough on its own (a paraphrase that shares no word)
STORY_TERMS = 6  # a keyword-only question of this many words may be judged by its passage's whole document


@dataclass(frozen=True)
class Passage:
    title: str
    source: str
    url: str
    snippet: str
    score: float  # 0-1: fused rank score, 1 = first in every ranking
    language: str
    document_path: str
    text: str
    heading: str

    def as_dict(self) -> dict:
        return dict(self.__dict__)


@dataclass
class _Candidate:
    chunk: KnowledgeChunk
    document: KnowledgeDocument
    pack: KnowledgePack
    coverage: float = 0.0  # share of the question's content words found
    alias_hit: bool = False  # one of the document's aliases (a local name of its topic) is in the question
    bm25: float = 0.0  # FTS5's bm25, negated: higher is better, 0 when no word matched
    cosine: float | None = None  # None: not scored by embeddings
    fused: float = 0.0
    document_coverage: float = 0.0  # share of the question's content words found anywhere in the document


def retrieve(kit: Kit, question: str, *, app: str | None = None, lang: str | None = None, k: int = 4) -> list[Passage]:
    if not question or not question.strip():
        raise BadInput("The question is empty: there is nothing to search for.", code="empty_question")
    if k < 1:
        raise BadInput(f"k must be at least 1, not {k}.", code="bad_input")
    lang = (lang or guess_language(question) or "").lower() or None
    with Session(kit.db) as session:
        words = vocabulary(session)
        terms = content_terms(question)
        if lang is not None and lang.split("-")[0] == "sw":
            terms = words.in_index_form(terms)  # "umevimba" is searched as the index's "kuvimba"
        candidates: dict[int, _Candidate] = {}
        lexical = _bm25_ranking(session, terms, app, candidates)
        dense = _dense_ranking(kit, session, question, lang, app, candidates)
        for ranking in (lexical, dense or []):
            for rank, chunk_id in enumerate(ranking, start=1):
                candidates[chunk_id].fused += 1.0 / (RRF_K + rank)
        rankings = 1 + (dense is not None)
        judged = _judged_terms(words, terms, story=len(terms) >= STORY_TERMS) if dense is None else terms
        # Judged over fewer words, a passage must carry two of them: "watoto" alone is half of [watoto, miguu].
        at_least = 2 if len(judged) < len(terms) else 1
        # Without the embedding's judgement, a word weighs what it says: "manioc" more than "donner". (Words the
        # index lacks say nothing measurable: judged over them too, every word counts one, as before.)
        # A short question keeps every word at one: "poules" (13 chunks) and "meurent" (2) would otherwise send
        # "Mes poules meurent" to the storage page where insects die in sealed bags.
        weights = None
        long_question = len(terms) >= STORY_TERMS
        if dense is None and long_question and all(words.carrying(term) > 0 for term in judged):
            weights = {term: words.weight(term) for term in judged}
        # A question told as a story has a dozen words; no one section of the right document carries half their
        # weight, but the document does: without the embedding, a section that carries two of them and belongs
        # to a document that carries half passes the floor too.
        documents_carry: dict[int, float] = {}
        if dense is None and long_question:
            found = _document_words(session, {c.document.id: c.document for c in candidates.values()})
            documents_carry = {doc_id: _share(judged, words_of, weights) for doc_id, words_of in found.items()}
        best_by_document: dict[int, _Candidate] = {}
        for candidate in candidates.values():
            _measure_coverage(candidate, judged, max(at_least, 2 if documents_carry else 1), weights)
            if documents_carry and candidate.coverage > 0:
                candidate.coverage = max(candidate.coverage, documents_carry[candidate.document.id])
            if not is_relevant(candidate, keyword_only=dense is None):
                continue
            previous = best_by_document.get(candidate.document.id)
            if previous is None or candidate.fused > previous.fused:
                best_by_document[candidate.document.id] = candidate
        if terms and best_by_document:
            _rank_documents_whole(session, terms, best_by_document)
            rankings += 1

    best_bm25 = max((c.bm25 for c in best_by_document.values()), default=0.0)
    best_cosine = max((c.cosine or 0.0 for c in best_by_document.values()), default=0.0)

    def boosted(candidate: _Candidate) -> float:
        same_language = lang is not None and candidate.document.language.split("-")[0] == lang.split("-")[0]
        evidence = max(
            candidate.bm25 / best_bm25 if best_bm25 > 0 else 0.0,
            (candidate.cosine or 0.0) / best_cosine if best_cosine > 0 else 0.0,
        )
        boost = LANGUAGE_BOOST if same_language and evidence >= COMPARABLE_EVIDENCE else 1.0
        return candidate.fused * boost * (ALIAS_BOOST if candidate.alias_hit else 1.0)

    # Two rankings that disagree (BM25 first, whole document second, and the other way round) fuse to equal
    # scores: the document that carries more of the question then leads.
    chosen = sorted(best_by_document.values(), key=lambda c: (round(boosted(c), 9), c.document_coverage), reverse=True)[
        :k
    ]
    best_possible = rankings / (RRF_K + 1)
    return [_passage(candidate, terms, min(1.0, candidate.fused / best_possible)) for candidate in chosen]


def is_relevant(candidate: _Candidate, *, keyword_only: bool) -> bool:
    if candidate.alias_hit:  # the asker used a name the document's author gave for its topic
        return True
    if keyword_only or candidate.cosine is None:
        return candidate.coverage >= LEXICAL_FLOOR
    return (
        candidate.coverage >= LEXICAL_FLOOR
        or (candidate.coverage > 0 and candidate.cosine >= DENSE_WITH_WORDS)
        or candidate.cosine >= DENSE_ALONE
    )


def fts_query(terms: list[str]) -> str:
    """An FTS5 query matching any of the terms. Each is quoted, so nothing in a question is read as FTS syntax
    (AND, NEAR, *, column filters); content_terms keeps only word characters, so no quote can break out."""
    queries = []
    for term in terms:
        form, as_prefix = search_forms(term)
        if as_prefix:
            queries.append(f'"{form}"*')
        elif len(term) >= 4:
            queries.extend(f'"{word}"' for word in short_forms(term))
        else:
            queries.append(f'"{term}"')
    return " OR ".join(queries)


def _scoped(query, app: str | None):
    if app is None:
        return query
    return query.where(or_(KnowledgePack.app == app, KnowledgePack.app.is_(None)))  # type: ignore[union-attr]


def _chunk_rows(app: str | None):
    query = (
        select(KnowledgeChunk, KnowledgeDocument, KnowledgePack)
        .join(KnowledgeDocument, KnowledgeChunk.document_id == KnowledgeDocument.id)
        .join(KnowledgePack, KnowledgeDocument.pack_id == KnowledgePack.id)
    )
    return _scoped(query, app)


def _bm25_ranking(session: Session, terms: list[str], app: str | None, candidates: dict[int, _Candidate]) -> list[int]:
    if not terms:
        return []
    weights = ", ".join(str(w) for w in FTS_WEIGHTS)
    rows = session.execute(
        text(
            f"SELECT rowid, -bm25({KNOWLEDGE_FTS}, {weights}) FROM {KNOWLEDGE_FTS} WHERE {KNOWLEDGE_FTS} MATCH :query "
            f"ORDER BY bm25({KNOWLEDGE_FTS}, {weights}) LIMIT :limit"
        ),
        {"query": fts_query(terms), "limit": CANDIDATES * 4},  # more than needed: some belong to other apps
    ).all()
    scores = {row[0]: row[1] for row in rows}
    ranked_ids = list(scores)
    if not ranked_ids:
        return []
    in_scope = session.exec(_chunk_rows(app).where(KnowledgeChunk.id.in_(ranked_ids)))  # type: ignore[union-attr]
    for chunk, document, pack in in_scope:
        candidates.setdefault(chunk.id, _Candidate(chunk, document, pack, bm25=scores[chunk.id]))
    return [chunk_id for chunk_id in ranked_ids if chunk_id in candidates][:CANDIDATES]


def _dense_ranking(
    kit: Kit, session: Session, question: str, lang: str | None, app: str | None, candidates: dict[int, _Candidate]
) -> list[int] | None:
    """Chunk ids by cosine to the question, or None without the embedding model (BM25 alone then)."""
    with embedder(kit) as engine:
        if engine is None:
            return None
        if not reads_language(engine, lang):
            log.debug("The embedding model does not read '%s': keywords only for this question.", lang)
            return None
        query_vector = engine.embed([question])[0]
    # Only ids and vectors for every chunk (whole rows for the few that rank): building thousands of ORM objects
    # per question would cost more than the arithmetic. A few thousand 384-float vectors: one matrix product.
    vectors = _scoped(
        select(KnowledgeChunk.id, KnowledgeChunk.embedding)
        .join(KnowledgeDocument, KnowledgeChunk.document_id == KnowledgeDocument.id)
        .join(KnowledgePack, KnowledgeDocument.pack_id == KnowledgePack.id)
        .where(KnowledgeChunk.embedding.is_not(None)),  # type: ignore[union-attr]
        app,
    )
    rows = session.exec(vectors).all()
    if not rows:
        return []
    ids = [chunk_id for chunk_id, _ in rows]
    cosines = dict(zip(ids, (from_bytes([blob for _, blob in rows]) @ query_vector).tolist(), strict=True))
    ranked = sorted(cosines, key=cosines.__getitem__, reverse=True)[:CANDIDATES]
    missing = [chunk_id for chunk_id in ranked if chunk_id not in candidates]
    if missing:
        for chunk, document, pack in session.exec(_chunk_rows(app).where(KnowledgeChunk.id.in_(missing))):  # type: ignore[union-attr]
            candidates[chunk.id] = _Candidate(chunk, document, pack)
    for chunk_id, candidate in candidates.items():  # found by BM25 alone too: the floor needs their cosine
        candidate.cosine = cosines.get(chunk_id)
    return ranked


# Each document's folded words, by (id, content sha256): folding every chunk of fifty documents for each question
# costs a tenth of a second here, more on a Pi. A changed document has a new sha256; a few hundred documents'
# words are a few MB at most, and the cache is dropped whole past that.
_DOCUMENT_WORDS: dict[tuple[int, str], frozenset[str]] = {}
_DOCUMENT_WORDS_MAX = 2000


def _document_words(session: Session, documents: dict[int, KnowledgeDocument]) -> dict[int, frozenset[str]]:
    """Each document's folded words (its chunks' text and headings, its title and aliases), cached."""
    words = {doc_id: _DOCUMENT_WORDS.get((doc_id, document.sha256)) for doc_id, document in documents.items()}
    missing = [doc_id for doc_id, found in words.items() if found is None]
    if missing:
        read: dict[int, set[str]] = {
            doc_id: set(WORD.findall(fold(f"{documents[doc_id].title} {documents[doc_id].aliases}")))
            for doc_id in missing
        }
        rows = session.execute(
            select(KnowledgeChunk.document_id, KnowledgeChunk.text, KnowledgeChunk.heading).where(
                col(KnowledgeChunk.document_id).in_(missing)
            )
        ).all()
        for doc_id, chunk_text, heading in rows:
            read[doc_id].update(WORD.findall(fold(f"{chunk_text} {heading}")))
        if len(_DOCUMENT_WORDS) > _DOCUMENT_WORDS_MAX:
            _DOCUMENT_WORDS.clear()
        for doc_id, found in read.items():
            words[doc_id] = frozenset(found)
            _DOCUMENT_WORDS[(doc_id, documents[doc_id].sha256)] = frozenset(found)
    return {doc_id: found or frozenset() for doc_id, found in words.items()}


def _share(terms: list[str], words: frozenset[str] | set[str], weights: dict[str, float] | None = None) -> float:
    """The share of the terms found among the words, each counted by its weight when weights are given."""
    if not terms:
        return 0.0
    if weights is None:
        return sum(found_in(term, words) for term in terms) / len(terms)
    total = sum(weights[term] for term in terms)
    return sum(weights[term] for term in terms if found_in(term, words)) / total if total > 0 else 0.0


def _rank_documents_whole(session: Session, terms: list[str], best_by_document: dict[int, _Candidate]) -> None:
    """A third ranking, of whole documents: the share of the question's words found anywhere in the document. A
    question names its subject once ("weevils in my stored maize") and its want once ("without chemicals"); the
    chunk that matches the want best may belong to another subject's document (fall armyworm's "without
    chemicals"), while the right document carries both, in different sections."""
    words = _document_words(session, {doc_id: c.document for doc_id, c in best_by_document.items()})
    for doc_id, candidate in best_by_document.items():
        candidate.document_coverage = _share(terms, words[doc_id])
    ranked = sorted(
        best_by_document,
        key=lambda doc_id: (best_by_document[doc_id].document_coverage, best_by_document[doc_id].fused),
        reverse=True,
    )
    for rank, doc_id in enumerate(ranked, start=1):
        best_by_document[doc_id].fused += 1.0 / (RRF_K + rank)


def _judged_terms(words: Vocabulary, terms: list[str], story: bool = False) -> list[str]:
    """The words a keyword-only question's coverage is measured over. A question told as people tell it ("Nina
    mahindi yenye ukungu ambayo hatuwezi kula. Je, niwape kuku au nitupe?") carries words no document has
    (verb forms, the asker's own story): they cannot tell one document from another, yet they kept every passage
    under the floor. So only the words some document has count, when they are two or more and at least half the
    question's (a third in a story-long one, whose words are then weighed, and whose passages' documents must
    carry half that weight): a question mostly of words no document has is about something else, and finds
    nothing."""
    known = [term for term in terms if words.carrying(term) > 0]
    share = 3 if story else 2
    return known if len(known) >= 2 and share * len(known) >= len(terms) else terms


def _measure_coverage(
    candidate: _Candidate, terms: list[str], at_least: int = 1, weights: dict[str, float] | None = None
) -> None:
    """The share of `terms` the passage carries (its text, heading, title, aliases), each word counted by its
    weight when `weights` are given; 0 when it carries fewer than `at_least` of them."""
    if not terms:
        return
    document = candidate.document
    searched = " ".join((candidate.chunk.text, candidate.chunk.heading, document.title, document.aliases))
    words = set(WORD.findall(fold(searched)))
    carried = sum(found_in(term, words) for term in terms)
    candidate.coverage = _share(terms, words, weights) if carried >= at_least else 0.0
    asked = f" {' '.join(terms)} "
    candidate.alias_hit = any(
        f" {' '.join(WORD.findall(fold(alias)))} " in asked for alias in document.aliases.splitlines() if alias.strip()
    )


def _passage(candidate: _Candidate, terms: list[str], score: float) -> Passage:
    document, chunk = candidate.document, candidate.chunk
    return Passage(
        title=document.title,
        source=document.source,
        url=document.url,
        snippet=make_snippet(chunk.text, terms),
        score=round(score, 4),
        language=document.language,
        document_path=f"{candidate.pack.name}/{document.path}",
        text=chunk.text,
        heading=chunk.heading,
    )


__all__ = ["Passage", "retrieve"]
