"""edgekit's /v1 over HTTP against llama-cpp-python in process and against `python -m llama_cpp.server`.

One run, same model file, prompt, sampling and threads for all three:
1. one streamed answer: tokens/s over HTTP from edgekit as a ratio to llama-cpp-python called in process,
   runs alternating between the two so drift in the machine's speed hits both alike;
2. eight clients streaming at once, against edgekit and against llama_cpp.server: streams completed, tokens each
   client received, p50/p95 time to first token, aggregate tokens/s.
Tokens are counted the same way everywhere: the text received, tokenized with the model's own tokenizer.
Not a test: it never fails a build. The llama_cpp.server baseline needs the bench extra:
    .venv/bin/pip install -e '.[bench]'
    .venv/bin/python benchmarks/serve.py [--threads 2] [--max-tokens 96] [--clients 8] [--runs 7]
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

from edgekit.models.catalog import Catalog
from edgekit.settings import Settings

PROMPT = "Question: How should a farmer store maize after harvest to keep weevils out?\nAnswer:"
MODEL_ID = "gemma3-270m-q4km"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def server_log(name: str):
    """A file for a server's output: a pipe nobody reads fills up and blocks the server."""
    return open(Path(tempfile.gettempdir()) / f"bench-{name}.log", "w")


def wait_for(url: str, process: subprocess.Popen, timeout: float = 90) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the server exited; its output is in {tempfile.gettempdir()}/bench-*.log")
        try:
            httpx.get(url, timeout=1)
            return
        except httpx.TransportError:
            time.sleep(0.2)
    raise RuntimeError(f"{url} did not answer")


def wait_until_indexed(base: str, timeout: float = 600) -> None:
    """A fresh home indexes the apps' knowledge in a child process after start-up: measuring while it runs measures
    the indexing too (it took the first minute of two cores in batching.py's first run)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if httpx.get(base + "/healthz", timeout=5).json().get("knowledge") == "ready":
            return
        time.sleep(0.5)
    raise RuntimeError("the knowledge index was still building")


def stream_once(base: str, max_tokens: int, seed: int, model: str, penalty: float) -> dict:
    """One streamed completion: time to first text, the text, whether [DONE] came and the finish reason."""
    body = {
        "model": model,
        "prompt": PROMPT,
        "max_tokens": max_tokens,
        "temperature": 0.0,
        "seed": seed,
        "repeat_penalty": penalty,
        "stream": True,
    }
    started = time.perf_counter()
    first, received, done, finish = None, [], False, None
    try:
        with httpx.stream("POST", base + "/v1/completions", json=body, timeout=300) as response:
            for line in response.iter_lines():
                if line == "data: [DONE]":
                    done = True
                elif line.startswith("data: "):
                    choice = json.loads(line[6:])["choices"][0]
                    finish = choice.get("finish_reason") or finish
                    if choice["text"]:
                        received.append(choice["text"])
                        first = first or time.perf_counter() - started
    except httpx.HTTPError:
        pass
    return {
        "ttft_s": first,
        "text": "".join(received),
        "done": done,
        "finish": finish,
        "elapsed_s": time.perf_counter() - started,
    }


def count_tokens(llm, text: str) -> int:
    return len(llm.tokenize(text.encode(), add_bos=False))


def concurrent(llm, base: str, clients: int, max_tokens: int, model: str, penalty: float) -> dict:
    results: list[dict] = [{}] * clients

    def run(index: int) -> None:
        results[index] = stream_once(base, max_tokens, index, model, penalty)

    started = time.perf_counter()
    threads = [threading.Thread(target=run, args=(i,)) for i in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    wall = time.perf_counter() - started
    tokens = [count_tokens(llm, r["text"]) for r in results]
    ttfts = sorted(r["ttft_s"] for r in results if r["ttft_s"] is not None)
    return {
        "completed": sum(r["done"] for r in results),
        "clients": clients,
        # A stream cut short may still end with [DONE]: the tokens each client received tell the truth.
        "tokens_per_client": tokens,
        "finish_reasons": sorted({str(r["finish"]) for r in results}),
        "ttft_p50_ms": round(1000 * statistics.median(ttfts)) if ttfts else None,
        "ttft_p95_ms": round(1000 * ttfts[min(len(ttfts) - 1, int(0.95 * len(ttfts)))]) if ttfts else None,
        "aggregate_tokens_per_s": round(sum(tokens) / wall, 1),
    }


def in_process_rate(llm, max_tokens: int, seed: int, penalty: float) -> float:
    started = time.perf_counter()
    chunks = llm.create_completion(
        PROMPT, max_tokens=max_tokens, temperature=0.0, seed=seed, stream=True, repeat_penalty=penalty
    )
    text = "".join(chunk["choices"][0]["text"] for chunk in chunks)
    return count_tokens(llm, text) / (time.perf_counter() - started)


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
        stdout=server_log("edgekit"),
        stderr=subprocess.STDOUT,
    )


def start_llama_server(model_path: Path, threads: int, port: int) -> subprocess.Popen | None:
    try:
        import llama_cpp.server  # noqa: F401
    except ImportError:
        return None
    command = [
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
    ]
    return subprocess.Popen(command, stdout=server_log("llama_cpp.server"), stderr=subprocess.STDOUT)


def main() -> None:
    from llama_cpp import Llama

    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--max-tokens", type=int, default=96)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    model_path = Settings().models_dir / MODEL_ID / "gemma-3-270m-q4_k_m.gguf"
    # edgekit applies the catalog's repeat penalty; every other side is asked for the same sampling.
    penalty = Catalog.from_dir(Settings().catalog_dir).get(MODEL_ID).prompt.get("repeat_penalty", 1.1)
    llm = Llama(
        model_path=str(model_path), n_ctx=2048, n_threads=args.threads, n_threads_batch=args.threads, verbose=False
    )
    report: dict = {"model": MODEL_ID, "threads": args.threads, "max_tokens": args.max_tokens, "runs": args.runs}

    port = free_port()
    edgekit = start_edgekit(args.threads, port)
    try:
        base = f"http://127.0.0.1:{port}"
        wait_for(base + "/healthz", edgekit)
        stream_once(base, 4, 0, MODEL_ID, penalty)  # warm: the server loads the model on first use
        in_process_rate(llm, 4, 0, penalty)
        rates: dict[str, list[float]] = {"in_process": [], "http": []}
        for run in range(args.runs):
            rates["in_process"].append(in_process_rate(llm, args.max_tokens, run, penalty))
            result = stream_once(base, args.max_tokens, run, MODEL_ID, penalty)
            rates["http"].append(count_tokens(llm, result["text"]) / result["elapsed_s"])
        in_process, http = statistics.median(rates["in_process"]), statistics.median(rates["http"])
        report["in_process_tokens_per_s"] = round(in_process, 1)
        report["edgekit_http_tokens_per_s"] = round(http, 1)
        report["ratio_http_to_in_process"] = round(http / in_process, 3)
        report["edgekit_concurrent"] = concurrent(llm, base, args.clients, args.max_tokens, MODEL_ID, penalty)
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
            stream_once(base, 4, 0, str(model_path), penalty)
            report["llama_cpp_server_concurrent"] = concurrent(
                llm, base, args.clients, args.max_tokens, str(model_path), penalty
            )
        finally:
            llama.terminate()
            llama.wait(10)
    llm.close()
    print(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
