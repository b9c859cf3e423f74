"""Prompt-lookup decoding (llama-cpp-python's LlamaPromptLookupDecoding) on grounded answers, against plain
decoding, in one run.

Grounded answers copy much of their wording from the passages in the prompt, so n-grams of the prompt are drafted
as the next tokens and checked in one batch. The prompts are the real pipeline's: each evaluation question goes
through guard, retrieval and prompt building (edgekit's grounded answer), and the chat messages the model would get
are captured. Both sides then answer the same messages through create_chat_completion, greedy (temperature 0, so
the texts should match), alternating which goes first, each with its own llama.cpp instance of the same model:
prompt lookup needs logits for every position (logits_all), which the engine does not otherwise keep.
Reported: decode tokens/s (ratio lookup / plain), time to the first token, whether the texts match, and the load.
Not a test: it never fails a build.
    .venv/bin/python benchmarks/prompt_lookup.py [--model qwen2.5-1.5b-instruct] [--questions 6] [--pred 2,10]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "benchmarks"))


def grounded_messages(model: str, questions: list, threads: int, home: Path) -> list[list[dict]]:
    """The chat messages edgekit's grounded answer builds for each question (English and French: the languages the
    catalog lets the model write), captured where the engine would start generating."""
    from answers import make_kit

    from edgekit.answering import answer_question
    from edgekit.engines.llm_llamacpp import LlamaCppEngine

    captured: list[list[dict]] = []

    def capture(self, messages, **_options):
        captured.append(messages)
        return iter(())  # no answer: the pipeline falls back to the extractive one, which is not measured here

    home.mkdir(parents=True, exist_ok=True)
    os.environ["EDGEKIT_ENGINE_WORKERS"] = "0"  # the engine in this process, where its stream_chat is captured
    kit = make_kit(home, model, threads)
    original = LlamaCppEngine.stream_chat
    LlamaCppEngine.stream_chat = capture
    try:
        for question in questions:
            answer_question(kit, question.app, question.text, lang=question.lang, record=False)
    finally:
        LlamaCppEngine.stream_chat = original
        kit.close()
    return captured


def timed(llm, messages: list[dict], max_tokens: int) -> dict:
    started = time.perf_counter()
    stamps, text = [], ""
    for chunk in llm.create_chat_completion(messages=messages, max_tokens=max_tokens, temperature=0.0, stream=True):
        piece = chunk["choices"][0]["delta"].get("content") or ""
        if piece:
            stamps.append(time.perf_counter())
            text += piece
    tokens = len(llm.tokenize(text.encode(), add_bos=False, special=False)) if text else 0
    decode_s = stamps[-1] - stamps[0] if len(stamps) > 1 else 0.0
    return {
        "first_token_s": stamps[0] - started if stamps else None,
        "tokens": tokens,
        "tokens_per_s": (tokens - 1) / decode_s if decode_s else None,
        "text": text,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--model", default="qwen2.5-1.5b-instruct")
    parser.add_argument("--questions", type=int, default=6, help="English and French questions, half each")
    parser.add_argument("--pred", default="2,10", help="num_pred_tokens values to try")
    parser.add_argument("--max-tokens", type=int, default=96)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument(
        "--home", type=Path, default=Path(tempfile.gettempdir()) / "edgekit-lookup-home", help="indexed once, reused"
    )
    args = parser.parse_args()

    from answers import load_questions
    from llama_cpp import Llama
    from llama_cpp.llama_speculative import LlamaPromptLookupDecoding

    from edgekit.models.catalog import Catalog
    from edgekit.settings import Settings

    pool = [q for q in load_questions() if q.lang in ("en", "fr")]
    per_lang = max(1, args.questions // 2)
    questions = [q for q in pool if q.lang == "en"][:per_lang] + [q for q in pool if q.lang == "fr"][:per_lang]
    all_messages = grounded_messages(args.model, questions, args.threads, args.home)
    settings = Settings()
    spec = Catalog.from_dir(settings.catalog_dir).get(args.model)
    model_path = settings.models_dir / args.model / spec.file
    common = {"n_ctx": spec.context_length or 2048, "n_threads": args.threads, "n_threads_batch": args.threads}
    common |= {"n_batch": settings.batch_size, "verbose": False}
    sides = {"plain": Llama(str(model_path), **common)}
    for pred in (int(p) for p in args.pred.split(",") if p):
        draft = LlamaPromptLookupDecoding(num_pred_tokens=pred)
        sides[f"lookup{pred}"] = Llama(str(model_path), draft_model=draft, logits_all=True, **common)
    for llm in sides.values():  # warm: the first call pays for buffers and page faults
        timed(llm, [{"role": "user", "content": "Hello"}], 4)

    rows: dict[str, list[dict]] = {name: [] for name in sides}
    loads = []
    for index, messages in enumerate(all_messages):
        order = list(sides) if index % 2 else list(reversed(sides))
        for name in order:
            rows[name].append(timed(sides[name], messages, args.max_tokens))
        loads.append(os.getloadavg()[0])
        print(f"  {index + 1}/{len(all_messages)} load {loads[-1]:.1f}", file=sys.stderr)

    def summary(name: str) -> dict:
        speeds = [r["tokens_per_s"] for r in rows[name] if r["tokens_per_s"]]
        firsts = [r["first_token_s"] for r in rows[name] if r["first_token_s"] is not None]
        return {
            "tokens_per_s_median": round(statistics.median(speeds), 2) if speeds else None,
            "first_token_s_median": round(statistics.median(firsts), 2) if firsts else None,
            "tokens": sum(r["tokens"] for r in rows[name]),
        }

    report = {
        "model": args.model,
        "threads": args.threads,
        "answers_each": len(all_messages),
        "load_avg_1m": {"min": round(min(loads), 1), "max": round(max(loads), 1)} if loads else None,
        "plain": summary("plain"),
    }
    for name in sides:
        if name == "plain":
            continue
        mine = summary(name)
        ratios = [
            r["tokens_per_s"] / p["tokens_per_s"]
            for r, p in zip(rows[name], rows["plain"], strict=True)
            if r["tokens_per_s"] and p["tokens_per_s"]
        ]
        mine["tokens_per_s_ratio_per_answer"] = [round(x, 2) for x in ratios]
        mine["tokens_per_s_ratio_median"] = round(statistics.median(ratios), 3) if ratios else None
        mine["same_text_as_plain"] = sum(r["text"] == p["text"] for r, p in zip(rows[name], rows["plain"], strict=True))
        report[name] = mine
    print(json.dumps(report, indent=1))


if __name__ == "__main__":
    main()
