"""The chat engine in a worker process against the same engine inside the server, in one run.

Same model (gemma3-270m-q4km), threads, prompts, seeds and temperature 0, alternating which side goes first:
decode tokens/s (ratio worker / in process) and time to first token (difference). Then memory: the server's RSS
(this process) and the worker's, before loading, loaded, and after unloading each. Not a test: it never fails a
build.
    .venv/bin/python benchmarks/worker_overhead.py [--runs 3] [--max-tokens 64] [--threads 2]
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import statistics
import tempfile
import time
from pathlib import Path

import psutil

from edgekit.kit import Kit
from edgekit.settings import Settings

QUESTIONS = [
    "How do I store maize after harvest?",
    "How can I prevent malaria in my family?",
    "What should a pregnant woman eat?",
    "How do I keep goats healthy in the dry season?",
]


def rss_mb(pid: int | None = None) -> float:
    return round(psutil.Process(pid).memory_info().rss / 1e6, 1)


def timed_answer(kit: Kit, prompt: str, stop: list[str], max_tokens: int, seed: int) -> tuple[float, float, int]:
    """Time to first piece, decode tokens/s over the rest, and the number of pieces (one a token)."""
    with kit.manager.acquire("chat") as llm:
        started = time.perf_counter()
        stamps = [
            time.perf_counter()
            for _ in llm.generate(prompt, max_tokens=max_tokens, temperature=0.0, seed=seed, stop=stop)
        ]
    ttft = stamps[0] - started
    decode = (len(stamps) - 1) / (stamps[-1] - stamps[0]) if len(stamps) > 1 else 0.0
    return ttft, decode, len(stamps)


def call_us(kit: Kit, calls: int = 300) -> float:
    """Median time of a tiny call (count one word's tokens): in a worker, one message there and one back."""
    times = []
    with kit.manager.acquire("chat") as llm:
        for _ in range(calls):
            started = time.perf_counter()
            llm.count_tokens("maize")
            times.append(time.perf_counter() - started)
    return round(statistics.median(times) * 1e6, 1)


def make_kit(home: Path, threads: int, workers: bool) -> Kit:
    return Kit(Settings(home=home, models_dir_override=Settings().models_dir, threads=threads, engine_workers=workers))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--max-tokens", type=int, default=64)
    parser.add_argument("--threads", type=int, default=2)
    args = parser.parse_args()
    scratch = Path(tempfile.mkdtemp(prefix="edgekit-bench-"))
    in_worker = make_kit(scratch / "worker", args.threads, workers=True)
    in_process = make_kit(scratch / "process", args.threads, workers=False)
    _ = in_worker.manager, in_process.manager  # plugins and engines registered: the server as it idles
    memory: dict[str, float | bool | None] = {"server_before_load": rss_mb()}

    started = time.perf_counter()
    with in_worker.manager.acquire("chat") as llm:
        llm.count_tokens("warm")
        worker_pid = llm.worker.pid
    load_s = {"worker": round(time.perf_counter() - started, 2)}
    memory["worker_loaded"] = rss_mb(worker_pid)
    memory["server_with_worker_loaded"] = rss_mb()

    started = time.perf_counter()
    with in_process.manager.acquire("chat") as llm:
        llm.count_tokens("warm")
        load_s["in_process"] = round(time.perf_counter() - started, 2)
        prompts = [llm.question_prompt(q) for q in QUESTIONS]
    memory["server_with_both_loaded"] = rss_mb()

    sides = {"worker": in_worker, "in_process": in_process}
    for kit in sides.values():  # warm both with another prompt: the first call pays for buffers
        timed_answer(kit, "Question: Hello?\nAnswer:", [], 4, 0)
    rows: dict[str, list[tuple[float, float, int]]] = {name: [] for name in sides}
    loads = []  # the 1-minute load average after each pair: on a shared machine the spread is the load's
    for run in range(args.runs):
        for i, (prompt, stop) in enumerate(prompts):
            order = list(sides) if (run + i) % 2 else list(reversed(sides))
            for name in order:
                rows[name].append(timed_answer(sides[name], prompt, stop, args.max_tokens, seed=1000 * run + i))
            loads.append(round(os.getloadavg()[0], 1))
    memory["worker_after_answers"] = rss_mb(worker_pid)
    round_trips = {name: call_us(kit) for name, kit in sides.items()}  # one message each way, a token's cost

    in_worker.manager.unload_all()
    memory["worker_alive_after_unload"] = psutil.pid_exists(worker_pid) and psutil.Process(worker_pid).status() != (
        psutil.STATUS_ZOMBIE
    )
    memory["server_after_worker_unload"] = rss_mb()
    in_process.manager.unload_all()
    gc.collect()
    memory["server_after_in_process_unload"] = rss_mb()

    def summary(name: str) -> dict:
        ttfts, speeds, pieces = zip(*rows[name], strict=True)
        return {
            "ttft_ms_median": round(statistics.median(ttfts) * 1000, 1),
            "tokens_per_s_median": round(statistics.median(speeds), 2),
            "tokens_per_s_mean": round(statistics.mean(speeds), 2),
            "pieces": sum(pieces),
        }

    worker, process = summary("worker"), summary("in_process")
    report = {
        "model": in_worker.settings.chat_model,
        "threads": args.threads,
        "answers_each": len(rows["worker"]),
        "worker": worker,
        "in_process": process,
        "tokens_per_s_ratio_worker_over_in_process": round(
            worker["tokens_per_s_median"] / process["tokens_per_s_median"], 3
        ),
        "ttft_ms_worker_minus_in_process": round(worker["ttft_ms_median"] - process["ttft_ms_median"], 1),
        "load_s": load_s,
        "load_avg_1m": round(os.getloadavg()[0], 1),
        "load_avg_1m_per_pair": loads,
        # Each answer against its pair (same prompt and seed, run back to back): the spread of the ratio.
        "tokens_per_s_ratio_per_pair": [
            round(w[1] / p[1], 3) for w, p in zip(rows["worker"], rows["in_process"], strict=True) if p[1]
        ],
        "ttft_ms_difference_per_pair": [
            round((w[0] - p[0]) * 1000) for w, p in zip(rows["worker"], rows["in_process"], strict=True)
        ],
        "memory_mb": memory,
        "in_process_loaded_delta_mb": round(memory["server_with_both_loaded"] - memory["server_with_worker_loaded"], 1),
        "server_kept_after_in_process_unload_mb": round(
            memory["server_after_in_process_unload"] - memory["server_before_load"], 1
        ),
        "call_round_trip_us_median": round_trips,
    }
    print(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
