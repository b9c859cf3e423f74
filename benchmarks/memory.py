"""Memory of the whole server, as a box would run it: idle with nothing loaded, then with all five default models
loaded and used once each (chat, English and multilingual speech to text, voice, embeddings).
    .venv/bin/python benchmarks/memory.py [--threads 2]
Targets: idle at most 150 MB RSS; all five loaded at most 1.2 GB. RSS counts shared library pages too.
"""

from __future__ import annotations

import argparse
import json
import os
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx
import psutil

from edgekit.settings import Settings


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def rss_mb(process: psutil.Process) -> float:
    return round(sum(p.memory_info().rss for p in [process, *process.children(recursive=True)]) / 1e6, 1)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--threads", type=int, default=2)
    args = parser.parse_args()
    port = free_port()
    home = Path(tempfile.mkdtemp(prefix="edgekit-memory-"))
    env = {
        **os.environ,
        "EDGEKIT_HOME": str(home),
        "EDGEKIT_MODELS_DIR": str(Settings().models_dir),
        "EDGEKIT_THREADS": str(args.threads),
        "EDGEKIT_OPEN_V1_ACCESS": "1",
    }
    log = open(home / "server.log", "w")  # noqa: SIM115  (held for the server's lifetime)
    server = subprocess.Popen(
        [str(Path(sys.executable).parent / "edgekit"), "serve", "--host", "127.0.0.1", "--port", str(port)],
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(300):
            try:
                httpx.get(base + "/healthz", timeout=1)
                break
            except httpx.TransportError:
                time.sleep(0.2)
        time.sleep(1)
        process = psutil.Process(server.pid)
        idle = rss_mb(process)

        clip = home / "speech.wav"
        subprocess.run(["espeak-ng", "-v", "en-us", "-w", str(clip), "Store the maize in a dry place."], check=True)
        french = home / "french.wav"
        subprocess.run(["espeak-ng", "-v", "fr", "-w", str(french), "Comment garder le maïs ?"], check=True)
        with httpx.Client(base_url=base, timeout=300) as client:
            client.post("/v1/completions", json={"prompt": "Maize is", "max_tokens": 16})
            client.post("/v1/audio/transcriptions", data={"language": "en"}, files={"file": clip.open("rb")})
            client.post("/v1/audio/transcriptions", data={"language": "fr"}, files={"file": french.open("rb")})
            client.post("/v1/audio/speech", json={"input": "Wash your hands before you eat."})
            client.post("/v1/embeddings", json={"input": ["maize storage", "fever in children"]})
            loaded = client.get("/api/models/status").json()
        print(
            json.dumps(
                {
                    "idle_rss_mb": idle,
                    "idle_target_mb": 150,
                    "all_loaded_rss_mb": rss_mb(process),
                    "all_loaded_target_mb": 1200,
                    "models_loaded": [m["id"] for m in loaded["loaded"]],
                    "estimated_mb": loaded["used_mb"],
                },
                indent=2,
            )
        )
    finally:
        server.terminate()
        server.wait(10)


if __name__ == "__main__":
    main()
