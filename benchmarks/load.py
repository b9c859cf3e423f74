"""Many phones at once: 30 clients on the pages and on asking the farm app, with the chat model on and off.

One run starts `edgekit serve` on loopback twice on the same fresh data directory (the real installed models), once
with the chat model and once with it switched off (EDGEKIT_CHAT_ENABLED=false: answers from the documents alone).
Each time: the pages' latency for one client alone first (the baseline of that run), then `--clients` clients for
`--seconds`: half of them loading pages one after another, the other half asking questions (streamed, read to
their end), so the pages' latency shows what a crowd asking the model does to everyone else.
Printed per run: requests/s, p50/p95 latency of pages and of asks, the share of asks answered 429 (queue full),
errors, the server's RSS (with its children) before and after, and the ratios: pages p50 under load against alone,
asks/s with chat off against on. Not a test: it never fails a build.
    .venv/bin/python benchmarks/load.py [--clients 30] [--seconds 30] [--home DIR]
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import itertools
import os
import socket
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import psutil

PAGES = ("/", "/apps/agri", "/login", "/static/edgekit.css")
QUESTIONS = (
    "How should I store maize after the harvest?",
    "What are the signs of cassava mosaic disease?",
    "How do I keep weevils out of my beans?",
    "When should I plant maize?",
    "How can I tell if my groundnuts have aflatoxin?",
)
MB = 1024 * 1024
GRACE_S = 60  # how long an ask under way at the end of the window may still take


@dataclass
class Tally:
    latencies: list[float] = field(default_factory=list)
    statuses: dict[int, int] = field(default_factory=dict)
    errors: int = 0

    def add(self, status: int, seconds: float) -> None:
        self.statuses[status] = self.statuses.get(status, 0) + 1
        if status < 400:
            self.latencies.append(seconds)

    def count(self) -> int:
        return sum(self.statuses.values()) + self.errors

    def percentile(self, share: float) -> float:
        if not self.latencies:
            return float("nan")
        ordered = sorted(self.latencies)
        return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def tree_rss_mb(pid: int) -> float:
    """The server's resident memory with its children (engine workers, the indexing child)."""
    process = psutil.Process(pid)
    processes = [process, *process.children(recursive=True)]
    total = 0
    for each in processes:
        with contextlib.suppress(psutil.NoSuchProcess):  # a child that ended while we counted
            total += each.memory_info().rss
    return total / MB


def start_server(home: Path, chat: bool, log: Path) -> tuple[subprocess.Popen, str]:
    port = free_port()
    env = {**os.environ, "EDGEKIT_HOME": str(home), "EDGEKIT_CHAT_ENABLED": "true" if chat else "false"}
    edgekit = Path(sys.executable).with_name("edgekit")
    server = subprocess.Popen(
        [str(edgekit), "serve", "--host", "127.0.0.1", "--port", str(port)],
        stdout=log.open("w"),
        stderr=subprocess.STDOUT,
        env=env,
    )
    base_url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 600  # the first start indexes the apps' documents
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"the server exited; see {log}")
        try:
            body = httpx.get(f"{base_url}/healthz", timeout=5).json()
            if body["knowledge"] == "ready":
                return server, base_url
        except httpx.HTTPError:
            pass
        time.sleep(0.5)
    server.kill()
    raise RuntimeError("the server did not get ready")


async def load_page(client: httpx.AsyncClient, path: str, tally: Tally) -> None:
    started = time.perf_counter()
    try:
        response = await client.get(path, headers={"accept": "text/html"})
        tally.add(response.status_code, time.perf_counter() - started)
    except httpx.HTTPError:
        tally.errors += 1


async def ask(client: httpx.AsyncClient, question: str, tally: Tally) -> None:
    started = time.perf_counter()
    try:
        async with client.stream("POST", "/apps/agri/api/ask", json={"question": question}) as response:
            async for _chunk in response.aiter_bytes():
                pass
        tally.add(response.status_code, time.perf_counter() - started)
    except httpx.HTTPError:
        tally.errors += 1


async def alone(base_url: str, seconds: float) -> Tally:
    """One client loading pages: the latency the same server gives when nobody else is asking."""
    tally = Tally()
    async with httpx.AsyncClient(base_url=base_url, timeout=120) as client:
        deadline = time.monotonic() + seconds
        for path in itertools.cycle(PAGES):
            if time.monotonic() > deadline:
                break
            await load_page(client, path, tally)
    return tally


async def crowd(base_url: str, clients: int, seconds: float) -> tuple[Tally, Tally, int]:
    """Half the clients load pages, the other half ask, each one request after another, for `seconds`. An ask
    still running at the end gets GRACE_S more to finish; one that has not by then counts as unfinished."""
    pages, asks = Tally(), Tally()
    limits = httpx.Limits(max_connections=clients * 2, max_keepalive_connections=clients * 2)

    async def reader(number: int, client: httpx.AsyncClient, deadline: float) -> None:
        for turn in itertools.count():
            if time.monotonic() > deadline:
                return
            await load_page(client, PAGES[(number + turn) % len(PAGES)], pages)

    async def asker(number: int, client: httpx.AsyncClient, deadline: float) -> None:
        for turn in itertools.count():
            if time.monotonic() > deadline:
                return
            await ask(client, QUESTIONS[(number + turn) % len(QUESTIONS)], asks)

    async with httpx.AsyncClient(base_url=base_url, timeout=seconds + GRACE_S, limits=limits) as client:
        deadline = time.monotonic() + seconds
        readers = [reader(n, client, deadline) for n in range(clients // 2)]
        askers = [asker(n, client, deadline) for n in range(clients - clients // 2)]
        tasks = [asyncio.create_task(each) for each in readers + askers]
        _done, pending = await asyncio.wait(tasks, timeout=seconds + GRACE_S)
        for task in pending:
            task.cancel()
        await asyncio.gather(*pending, return_exceptions=True)
    return pages, asks, len(pending)


def run(home: Path, chat: bool, clients: int, seconds: float) -> dict:
    label = "chat on" if chat else "chat off"
    server, base_url = start_server(
        home, chat, Path(tempfile.gettempdir()) / f"bench-load-{'on' if chat else 'off'}.log"
    )
    try:
        asyncio.run(ask(httpx.AsyncClient(base_url=base_url, timeout=300), QUESTIONS[0], Tally()))  # load the models
        baseline = asyncio.run(alone(base_url, 5))
        rss_before = tree_rss_mb(server.pid)
        pages, asks, unfinished = asyncio.run(crowd(base_url, clients, seconds))
        rss_after = tree_rss_mb(server.pid)
    finally:
        server.terminate()
        server.wait(timeout=60)
    full = asks.statuses.get(429, 0)
    result = {
        "label": label,
        "pages_per_s": len(pages.latencies) / seconds,
        "asks_per_s": len(asks.latencies) / seconds,
        "page_p50": pages.percentile(0.5),
        "page_p95": pages.percentile(0.95),
        "ask_p50": asks.percentile(0.5),
        "ask_p95": asks.percentile(0.95),
        "asks": asks.count() + unfinished,
        "asks_answered": len(asks.latencies),
        "unfinished": unfinished,
        "share_429": full / max(1, asks.count() + unfinished),
        "other_statuses": {s: n for s, n in {**pages.statuses, **asks.statuses}.items() if s not in (200, 429)},
        "errors": pages.errors + asks.errors,
        "alone_p50": baseline.percentile(0.5),
        "rss_before": rss_before,
        "rss_after": rss_after,
    }
    print(
        f"{label}: pages {result['pages_per_s']:.1f}/s (p50 {result['page_p50'] * 1000:.0f} ms, "
        f"p95 {result['page_p95'] * 1000:.0f} ms; alone p50 {result['alone_p50'] * 1000:.0f} ms, "
        f"{result['page_p50'] / result['alone_p50']:.1f}x under load); asks answered {result['asks_per_s']:.2f}/s "
        f"({result['asks_answered']} of {result['asks']}, p50 {result['ask_p50']:.1f} s, "
        f"p95 {result['ask_p95']:.1f} s; 429 {result['share_429']:.0%}, unfinished {unfinished}); "
        f"transport errors {result['errors']}, other statuses {result['other_statuses']}; "
        f"RSS {rss_before:.0f} -> {rss_after:.0f} MB",
        flush=True,
    )
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--clients", type=int, default=30)
    parser.add_argument("--seconds", type=float, default=30)
    parser.add_argument("--home", type=Path, help="Data directory to reuse (its index too); default: a fresh one")
    args = parser.parse_args()
    from edgekit.settings import Settings

    os.environ.setdefault("EDGEKIT_MODELS_DIR", str(Settings().models_dir))  # the installed models, read only
    with tempfile.TemporaryDirectory(prefix="edgekit-load-") as directory:
        home = args.home or Path(directory) / "home"
        print(f"{args.clients} clients for {args.seconds:.0f} s each run, loopback, {os.cpu_count()} CPUs", flush=True)
        on = run(home, True, args.clients, args.seconds)
        off = run(home, False, args.clients, args.seconds)
    answered_on = on["asks_answered"] or float("nan")  # none answered in the window: no ratio to give
    print(
        f"chat off against chat on: {off['asks_answered'] / answered_on:.1f}x the asks answered, "
        f"pages p50 {off['page_p50'] / on['page_p50']:.2f}x"
    )


if __name__ == "__main__":
    main()
