"""edgekit's answer path against llama-cpp-python called directly: same model file, prompt, seed and threads.

Prints tokens/s and time to first token for both, and their ratios. Not a test: it never fails a build.
    .venv/bin/python benchmarks/chat_overhead.py [--runs 5] [--max-tokens 64]
"""

from __future__ import annotations

import argparse
import json
import statistics
import tempfile
import time
from pathlib import Path

from edgekit.answering import ask
from edgekit.kit import Kit
from edgekit.settings import Settings

QUESTIONS = [
    "How do I store maize after harvest?",
    "How can I prevent malaria in my family?",
    "What should a pregnant woman eat?",
    "How do I keep goats healthy in the dry season?",
]


def run_direct(llm, prompt: str, stop: list[str], max_tokens: int, seed: int, repeat_penalty: float):
    started = time.perf_counter()
    first = None
    text = ""
    for chunk in llm.create_completion(
        prompt, max_tokens=max_tokens, temperature=0.3, seed=seed, stop=stop, stream=True, repeat_penalty=repeat_penalty
    ):
        if first is None:
            first = time.perf_counter() - started
        text += chunk["choices"][0]["text"]
    return text, first or 0.0, time.perf_counter() - started


def run_edgekit(kit: Kit, question: str, max_tokens: int, seed: int):
    started = time.perf_counter()
    first = None

    def on_text(_text):
        nonlocal first
        if first is None:
            first = time.perf_counter() - started

    result = ask(kit, question, max_tokens=max_tokens, seed=seed, on_text=on_text, record=False)
    return result.answer, first or 0.0, time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--max-tokens", type=int, default=64)
    args = parser.parse_args()

    scratch_home = Path(tempfile.mkdtemp(prefix="edgekit-bench-"))
    # In process: both sides share one llama.cpp object. The worker boundary has its own benchmark
    # (worker_overhead.py).
    settings = Settings(home=scratch_home, models_dir_override=Settings().models_dir, engine_workers=False)
    kit = Kit(settings)
    with kit.manager.acquire("chat") as engine:  # load once; both sides then use the same weights
        llm = engine._require()
        spec = engine.spec
    rows = {"edgekit": [], "direct": []}
    for run in range(args.runs):
        for i, question in enumerate(QUESTIONS):
            seed = 1000 * run + i
            with kit.manager.acquire("chat") as engine:
                prompt, stop = engine.question_prompt(question)
            # Alternate who goes first: the second run of a prompt reuses llama.cpp's cached prefix.
            penalty = spec.prompt.get("repeat_penalty", 1.1)
            if i % 2:
                edge_text, e_first, e_total = run_edgekit(kit, question, args.max_tokens, seed)
                direct_text, d_first, d_total = run_direct(llm, prompt, stop, args.max_tokens, seed, penalty)
            else:
                direct_text, d_first, d_total = run_direct(llm, prompt, stop, args.max_tokens, seed, penalty)
                edge_text, e_first, e_total = run_edgekit(kit, question, args.max_tokens, seed)
            d_tokens = len(llm.tokenize(direct_text.encode(), add_bos=False)) or 1
            e_tokens = len(llm.tokenize(edge_text.encode(), add_bos=False)) or 1
            rows["direct"].append((d_tokens / d_total, d_first))
            rows["edgekit"].append((e_tokens / e_total, e_first))
    summary = {
        side: {
            "tokens_per_s": statistics.median(r[0] for r in rs),
            "ttft_ms": 1000 * statistics.median(r[1] for r in rs),
        }
        for side, rs in rows.items()
    }
    summary["ratio_tokens_per_s"] = summary["edgekit"]["tokens_per_s"] / summary["direct"]["tokens_per_s"]
    summary["ratio_ttft"] = summary["edgekit"]["ttft_ms"] / summary["direct"]["ttft_ms"]
    summary.update(model=spec.id, threads=settings.threads, runs=args.runs * len(QUESTIONS))
    print(json.dumps(summary, indent=2))
    kit.close()


if __name__ == "__main__":
    main()
