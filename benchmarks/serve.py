"""edgekit's /v1 over HTTP against llama-cpp-python in process and against `python -m llama_cpp.server`.

One run, same model file, prompt, seed and threads for all three:
1. one streamed answer: tokens/s over HTTP from edgekit, as a ratio to llama-cpp-python called in process;
2. eight clients streaming at once, against edgekit and against llama_cpp.server: streams completed,
   p50/p95 time to first token, aggregate tokens/s.
Not a test: it never fails a build. Needs the bench extra for the llama_cpp.server baseline:
    .venv/bin/pip install -e '.[bench]'
    .venv/bin/python benchmarks/serve.py [--threads 2] [--max-tokens 96] [--clients 8]
"""

from __future__ import annotations

import argparse
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import httpx

from edgekit.settings import Settings

PROMPT = "Question: How should a farmer store maize after harvest to keep weevils out?\nAnswer:"
MODEL_ID = "gemma3-270m-q4km"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for(url: str, process: subprocess.Popen, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"server exited; see {process.args[0]} output in {tempfile.gettempdir()}/bench-*.log")
        try:
            httpx.get(url, timeout=1)
            return
        except httpx.TransportError:
            time.sleep(0.2)
    raise RuntimeError(f"{url} did not answer")


def stream_once(base: str, max_tokens: int, seed: int, model: str, headers: dict) -> dict:
    """One streamed completion: time to first token, tokens (SSE chunks with text) and whether it finished."""
    body = {
        "model": model,
        "prompt": PROMPT,
        "max_tokens": max_tokens,
        "temperature": 0.0,
        "seed": seed,
        "stream": True,
    }
    started = time.perf_counter()
    first = None
    tokens = 0
    done = False
    try:
        with httpx.stream("POST", base + "/v1/completions", json=body, headers=headers, timeout=300) as response:
            for line in response.iter_lines():
                if line == "data: [DONE]":
                    done = True
                elif line.startswith("data: "):
                    text = json.loads(line[6:])["choices"][0]["text"]
                    if text:
                        tokens += 1
                        first = first or time.perf_counter() - started
    except httpx.HTTPError:
        pass
    elapsed = time.perf_counter() - started
    return {"ttft_s": first, "tokens": tokens, "done": done, "elapsed_s": elapsed}


def concurrent(base: str, clients: int, max_tokens: int, model: str, headers: dict) -> dict:
    results: list[dict] = [None] * clients  # type: ignore[list-item]

    def run(index: int) -> None:
        results[index] = stream_once(base, max_tokens, index, model, headers)

    started = time.perf_counter()
    threads = [threading.Thread(target=run, args=(i,)) for i in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    wall = time.perf_counter() - started
    ttfts = sorted(r["ttft_s"] for r in results if r["ttft_s"] is not None)
    return {
        "completed": sum(r["done"] for r in results),
        "clients": clients,
        "ttft_p50_ms": round(1000 * statistics.median(ttfts)) if ttfts else None,
        "ttft_p95_ms": round(1000 * ttfts[min(len(ttfts) - 1, int(0.95 * len(ttfts)))]) if ttfts else None,
        "aggregate_tokens_per_s": round(sum(r["tokens"] for r in results) / wall, 1),
    }


def in_process(model_path: Path, threads: int, max_tokens: int) -> float:
    from llama_cpp import Llama

    llm = Llama(model_path=str(model_path), n_ctx=2048, n_threads=threads, n_threads_batch=threads, verbose=False)
    rates = []
    for seed in range(3):
        started = time.perf_counter()
        tokens = sum(
            1
            for chunk in llm.create_completion(PROMPT, max_tokens=max_tokens, temperature=0.0, seed=seed, stream=True)
            if chunk["choices"][0]["text"]
        )
        rates.append(tokens / (time.perf_counter() - started))
    llm.close()
    return statistics.median(rates)


def single_stream_rate(base: str, max_tokens: int, model: str, headers: dict) -> float:
    stream_once(base, 4, 0, model, headers)  # warm: the model loads on first use
    rates = [
        (r["tokens"] / r["elapsed_s"]) for r in (stream_once(base, max_tokens, s, model, headers) for s in range(3))
    ]
    return statistics.median(rates)


def server_log(name: str):
    """A file for a server's output: a pipe nobody reads fills up and blocks the server."""
    return open(Path(tempfile.gettempdir()) / f"bench-{name}.log", "w")


def start_edgekit(threads: int, port: int) -> subprocess.Popen:
    env = {
        **os.environ,
        "EDGEKIT_HOME": tempfile.mkdtemp(prefix="edgekit-bench-"),
        "EDGEKIT_MODELS_DIR": str(Settings().models_dir),
        "EDGEKIT_THREADS": str(threads),
        "EDGEKIT_OPEN_V1_ACCESS": "1",
        "EDGEKIT_QUEUE_MAX_WAITING": "64",
    }
    edgekit = Path(sys.executable).parent / "edgekit"
    return subprocess.Popen(
        [str(edgekit), "serve", "--host", "127.0.0.1", "--port", str(port)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )


def start_llama_server(model_path: Path, threads: int, port: int) -> subprocess.Popen | None:
    try:
        import llama_cpp.server  # noqa: F401
    except ImportError:
        return None
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "llama_cpp.server",
            "--model",
            str(model_path),
            "--n_threads",
            str(threads),
            "--n_ctx",
            "2048",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--max-tokens", type=int, default=96)
    parser.add_argument("--clients", type=int, default=8)
    args = parser.parse_args()
    model_path = Settings().models_dir / MODEL_ID / "gemma-3-270m-q4_k_m.gguf"
    report: dict = {"model": MODEL_ID, "threads": args.threads, "max_tokens": args.max_tokens}

    report["in_process_tokens_per_s"] = round(in_process(model_path, args.threads, args.max_tokens), 1)

    port = free_port()
    edgekit = start_edgekit(args.threads, port)
    try:
        base = f"http://127.0.0.1:{port}"
        wait_for(base + "/healthz", edgekit)
        rate = single_stream_rate(base, args.max_tokens, MODEL_ID, {})
        report["edgekit_http_tokens_per_s"] = round(rate, 1)
        report["ratio_http_to_in_process"] = round(rate / report["in_process_tokens_per_s"], 3)
        report["edgekit_concurrent"] = concurrent(base, args.clients, args.max_tokens, MODEL_ID, {})
    finally:
        edgekit.terminate()
        edgekit.wait(10)

    port = free_port()
    llama = start_llama_server(model_path, args.threads, port)
    if llama is None:
        report["llama_cpp_server_concurrent"] = "not run: pip install -e '.[bench]'"
    else:
        try:
            base = f"http://127.0.0.1:{port}"
            wait_for(base + "/v1/models", llama)
            stream_once(base, 4, 0, str(model_path), {})
            report["llama_cpp_server_concurrent"] = concurrent(base, args.clients, args.max_tokens, str(model_path), {})
        finally:
            llama.terminate()
            llama.wait(10)
    print(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
