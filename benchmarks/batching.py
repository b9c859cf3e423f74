"""Continuous batching against today's one-at-a-time chat engine: the same server, model, threads and prompts.

For 1, 4, 8, 16 and 30 clients streaming /v1/chat/completions at once (each a different question after the same
app instruction, greedy, a short answer), for EDGEKIT_CHAT_PARALLEL=1 (today's engine) and the batching engine:
aggregate tokens/s, per-client tokens/s (median), p50/p95 time to first token, streams completed, 429s and 5xx,
and the chat worker's peak RSS. The machine may be shared: compare the two columns of one run, and note the load
average printed beside them. Not a test: it never fails a build.
    .venv/bin/python benchmarks/batching.py [--model qwen2.5-0.5b-instruct] [--parallel auto] [--max-tokens 40]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import httpx
import psutil

sys.path.insert(0, str(Path(__file__).parent))
from serve import free_port, server_log, start_llama_server, wait_for, wait_until_indexed

INSTRUCTION = (
    "You are the school's assistant in a rural classroom. Answer in two or three short sentences, in plain words a "
    "twelve-year-old understands. If you are not sure, say so and suggest asking the teacher."
)
QUESTIONS = [
    "Why do plants need sunlight?",
    "How do I find the area of a triangle?",
    "What is the water cycle?",
    "Why is the sky blue?",
    "What is a fraction?",
    "How do bees make honey?",
    "What causes malaria?",
    "Why do we have seasons?",
    "What is photosynthesis?",
    "How many legs does a spider have?",
]


def stream_chat(base: str, question: str, max_tokens: int) -> dict:
    body = {
        "messages": [{"role": "system", "content": INSTRUCTION}, {"role": "user", "content": question}],
        "max_tokens": max_tokens,
        "temperature": 0.0,
        "seed": 1,
        "stream": True,
        "stream_options": {"include_usage": True},
    }
    started = time.perf_counter()
    first, status, tokens, pieces, done = None, None, 0, 0, False
    try:
        with httpx.stream("POST", base + "/v1/chat/completions", json=body, timeout=600) as response:
            status = response.status_code
            if status >= 400:
                error = response.read().decode(errors="replace")[:300]
                print(f"request refused: {status} {error}", file=sys.stderr)
            for line in response.iter_lines():
                if line == "data: [DONE]":
                    done = True
                elif line.startswith("data: "):
                    event = json.loads(line[6:])
                    if event.get("usage"):
                        tokens = event["usage"]["completion_tokens"]
                    elif event.get("choices") and event["choices"][0]["delta"].get("content"):
                        first = first or time.perf_counter() - started
                        pieces += 1
    except httpx.HTTPError:
        pass
    return {
        "status": status,
        "ttft_s": first,
        # llama_cpp.server sends no usage: each of its pieces is one token.
        "tokens": tokens or pieces,
        # Finished, with an answer: llama_cpp.server ends an answer it interrupts for a newer request with
        # [DONE] and no text.
        "done": done and first is not None,
        "elapsed_s": time.perf_counter() - started,
    }


def percentile(values: list[float], share: float) -> float | None:
    values = sorted(values)
    return values[min(len(values) - 1, int(share * len(values)))] if values else None


def clients_at_once(base: str, clients: int, max_tokens: int) -> dict:
    results: list[dict] = [{}] * clients

    def run(index: int) -> None:
        results[index] = stream_chat(base, QUESTIONS[index % len(QUESTIONS)], max_tokens)

    started = time.perf_counter()
    threads = [threading.Thread(target=run, args=(i,)) for i in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    wall = time.perf_counter() - started
    ttfts = [r["ttft_s"] for r in results if r["ttft_s"] is not None]
    rates = [r["tokens"] / (r["elapsed_s"] - r["ttft_s"]) for r in results if r["ttft_s"] and r["tokens"] > 1]
    return {
        "clients": clients,
        "completed": sum(r["done"] and r["status"] == 200 for r in results),
        "status_429": sum(r["status"] == 429 for r in results),
        "status_5xx": sum((r["status"] or 0) >= 500 for r in results),
        "aggregate_tokens_per_s": round(sum(r["tokens"] for r in results) / wall, 1),
        "per_client_tokens_per_s": round(statistics.median(rates), 1) if rates else None,
        "ttft_p50_ms": round(1000 * percentile(ttfts, 0.5)) if ttfts else None,
        "ttft_p95_ms": round(1000 * percentile(ttfts, 0.95)) if ttfts else None,
        "load_average": os.getloadavg()[0],
    }


class PeakRss:
    """The server's and its workers' peak resident memory while a level runs (llama_cpp.server has no workers)."""

    def __init__(self, server: subprocess.Popen):
        self.server = psutil.Process(server.pid)
        self.peak_mb = 0.0
        self._stop = threading.Event()
        threading.Thread(target=self._watch, daemon=True).start()

    def _watch(self) -> None:
        while not self._stop.wait(0.2):
            try:
                family = [self.server, *self.server.children(recursive=True)]
                rss = sum(process.memory_info().rss for process in family)
            except psutil.Error:
                continue
            self.peak_mb = max(self.peak_mb, rss / 1e6)

    def stop(self) -> float:
        self._stop.set()
        return round(self.peak_mb)


def start_edgekit(model: str, parallel: str, threads: int, port: int) -> subprocess.Popen:
    env = {
        **os.environ,
        "EDGEKIT_HOME": tempfile.mkdtemp(prefix="edgekit-bench-"),
        # the installed models, not the empty temporary home's
        "EDGEKIT_MODELS_DIR": os.environ.get("EDGEKIT_MODELS_DIR", str(Path.home() / ".local/share/edgekit/models")),
        "EDGEKIT_CHAT_MODEL": model,
        "EDGEKIT_CHAT_PARALLEL": parallel,
        "EDGEKIT_THREADS": str(threads),
        "EDGEKIT_OPEN_V1_ACCESS": "1",
        "EDGEKIT_QUEUE_MAX_WAITING": "64",
    }
    edgekit = Path(sys.executable).parent / "edgekit"
    return subprocess.Popen(
        [str(edgekit), "serve", "--host", "127.0.0.1", "--port", str(port)],
        env=env,
        stdout=server_log(f"edgekit-parallel-{parallel}"),
        stderr=subprocess.STDOUT,
    )


def run_levels(server: subprocess.Popen, base: str, levels: list[int], max_tokens: int, label: dict) -> list[dict]:
    """Each level of clients at once against one server, with its peak memory; each row printed as it comes."""
    rows = []
    for clients in levels:
        watch = PeakRss(server)
        row = clients_at_once(base, clients, max_tokens)
        row["peak_rss_mb"] = watch.stop()
        rows.append(row)
        print(json.dumps({**label, **row}), file=sys.stderr)
    return rows


def measure(model: str, parallel: str, threads: int, levels: list[int], max_tokens: int) -> dict:
    port = free_port()
    server = start_edgekit(model, parallel, threads, port)
    base = f"http://127.0.0.1:{port}"
    try:
        wait_for(base + "/healthz", server, timeout=600)  # a loaded machine starts a server slowly
        wait_until_indexed(base)
        stream_chat(base, QUESTIONS[0], 4)  # the model loads on first use
        status = httpx.get(base + "/api/models/status").json()
        rows = run_levels(server, base, levels, max_tokens, {"parallel": parallel})
        return {"chat_parallel": status.get("chat_parallel"), "levels": rows}
    finally:
        server.terminate()
        server.wait(20)


def measure_llama_server(model: str, threads: int, levels: list[int], max_tokens: int) -> dict | None:
    """The same levels against `python -m llama_cpp.server` on the same GGUF file (one answer at a time)."""
    from edgekit.models.catalog import Catalog
    from edgekit.models.store import ModelStore
    from edgekit.settings import Settings

    settings = Settings()
    spec = ModelStore(settings.models_dir, Catalog.from_dir(settings.catalog_dir)).installed_spec(model)
    gguf = next((settings.models_dir / model).glob("*.gguf"))
    port = free_port()
    server = start_llama_server(gguf, threads, port)
    if server is None:
        return None  # the bench extra (llama-cpp-python[server]) is not installed
    base = f"http://127.0.0.1:{port}"
    try:
        wait_for(base + "/v1/models", server, timeout=600)
        stream_chat(base, QUESTIONS[0], 4)
        rows = run_levels(server, base, levels, max_tokens, {"server": "llama_cpp.server"})
        return {"context": spec.context_length, "levels": rows}
    finally:
        server.terminate()
        server.wait(20)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--model", default="qwen2.5-0.5b-instruct")
    parser.add_argument("--parallel", default="auto", help="the batching side's EDGEKIT_CHAT_PARALLEL")
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--max-tokens", type=int, default=40)
    parser.add_argument("--levels", default="1,4,8,16,30")
    parser.add_argument("--llama-server", action="store_true", help="also measure python -m llama_cpp.server")
    args = parser.parse_args()
    levels = [int(n) for n in args.levels.split(",")]
    report = {"model": args.model, "threads": args.threads, "max_tokens": args.max_tokens, "cores": os.cpu_count()}
    report["today"] = measure(args.model, "1", args.threads, levels, args.max_tokens)
    report["batching"] = measure(args.model, args.parallel, args.threads, levels, args.max_tokens)
    if args.llama_server:
        report["llama_cpp_server"] = measure_llama_server(args.model, args.threads, levels, args.max_tokens)
    report["ratios_batching_to_today"] = [
        {
            "clients": b["clients"],
            "aggregate": round(b["aggregate_tokens_per_s"] / t["aggregate_tokens_per_s"], 2)
            if t["aggregate_tokens_per_s"]
            else None,
            "ttft_p95": round(b["ttft_p95_ms"] / t["ttft_p95_ms"], 2)
            if b["ttft_p95_ms"] and t["ttft_p95_ms"]
            else None,
        }
        for t, b in zip(report["today"]["levels"], report["batching"]["levels"], strict=True)
    ]
    print(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
