"""Where the batching engine's time goes: llama_decode, sampling, the rest of the loop, and the answers' own Python.

Loads the batching engine in process (no server, no worker) and runs N greedy answers at once after the same
classroom instruction, for each N given; prints, per N, the wall time, tokens, steps, and the seconds spent in
llama_decode, in the samplers, in the rest of the batch loop (filling the batch) and outside the loop (detokenizing,
stop strings, the answers' threads, waiting for the GIL). Not a test.
    .venv/bin/python benchmarks/batching_profile.py [--model qwen2.5-0.5b-instruct] [--clients 1,8] [--max-tokens 32]
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from batching import INSTRUCTION, QUESTIONS

from edgekit.engines.llm_llamacpp import Generation
from edgekit.models.catalog import Catalog
from edgekit.models.store import ModelStore
from edgekit.settings import Settings
from edgekit.workers.batched_chat import BatchedLlamaCppEngine


def run(engine, clients: int, max_tokens: int) -> dict:
    batcher = engine._batcher
    before = dict(batcher.seconds), batcher.steps
    tokens = [0] * clients

    def answer(index: int) -> None:
        generation = Generation()
        messages = [
            {"role": "system", "content": INSTRUCTION},
            {"role": "user", "content": QUESTIONS[index % len(QUESTIONS)]},
        ]
        for _ in engine.stream_chat(messages, max_tokens=max_tokens, temperature=0.0, seed=1, generation=generation):
            pass
        tokens[index] = generation.tokens

    started = time.perf_counter()
    threads = [threading.Thread(target=answer, args=(i,)) for i in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    wall = time.perf_counter() - started
    spent = {k: round(batcher.seconds[k] - before[0][k], 2) for k in batcher.seconds}
    return {
        "clients": clients,
        "wall_s": round(wall, 2),
        "tokens": sum(tokens),
        "tokens_per_s": round(sum(tokens) / wall, 1),
        "steps": batcher.steps - before[1],
        "decode_s": spent["decode"],
        "sample_s": spent["sample"],
        "loop_other_s": round(spent["step"] - spent["decode"] - spent["sample"], 2),
        "outside_loop_s": round(wall - spent["step"], 2),
        "load_average": os.getloadavg()[0],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--model", default="qwen2.5-0.5b-instruct")
    parser.add_argument("--clients", default="1,8")
    parser.add_argument("--max-tokens", type=int, default=32)
    parser.add_argument("--threads", type=int, default=2)
    args = parser.parse_args()
    levels = [int(n) for n in args.clients.split(",")]
    settings = Settings(threads=args.threads, chat_parallel=max(levels))
    spec = ModelStore(settings.models_dir, Catalog.from_dir(settings.catalog_dir)).installed_spec(args.model)
    engine = BatchedLlamaCppEngine(spec, settings.models_dir / args.model, settings)
    engine.load()
    try:
        run(engine, 1, 4)  # warm
        print(json.dumps([run(engine, n, args.max_tokens) for n in levels], indent=1))
    finally:
        engine.unload()


if __name__ == "__main__":
    main()
