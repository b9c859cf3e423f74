"""A class of 30 pupils practising at once against a real server on loopback, and their hints queueing.

One run: a fresh data directory with a teacher, a class of `--pupils` pupils (PINs) and one assigned skill; then
`edgekit serve` on 127.0.0.1. Every pupil signs in through the join form (class code, name, PIN). Measured: the
answer POST (checked, recorded, mastery updated), right four times in five, in three phases:
- alone: one pupil answering with no pause (the baseline of the same run);
- stress: every pupil answers again the moment the last answer is back, for `--seconds` (no class does this);
- class: every pupil reads each item `--think-s` seconds (uniform, seeded by `--seed`), then answers, for
  `--class-seconds`: what "a class practising at once" means.
Then the hints: the first of `--hinters` pupils asks more hints than the chat model has slots (read from
`models status`), the others `--hints` each; every hint must come back (200) or be refused clearly (429 with
Retry-After), never dropped, and fair turns serve the others before the first pupil's leftovers.

    nice -n 0 .venv/bin/python benchmarks/edu_class.py [--pupils 30] [--seconds 20] [--think-s 5,15]
        [--class-seconds 60] [--hinters 3 --hints 2]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent))
from load import free_port

SKILL = "math.fractions.add_subtract"
TOKEN = re.compile(r'name="csrf_token" value="([^"]+)"')
ITEM = re.compile(r'name="item_id" value="([^"]+)"')


def prepare(home: Path, pupils: int) -> tuple[str, list[tuple[str, str]]]:
    from edgekit_edu.school import Viewer, add_pupils, assign, create_class
    from sqlmodel import Session

    from edgekit.testing import installed_models_dir, new_kit

    kit = new_kit(home, models_dir=installed_models_dir())
    kit.accounts.add_user("mwalimu", "teacher", pin="1357")
    teacher = Viewer("mwalimu", "teacher")
    with Session(kit.db) as session:
        code = create_class(session, teacher, "Bench class", "5 in a row").code
        assign(session, teacher, code, SKILL)
        session.commit()
        made = add_pupils(kit, session, teacher, code, [f"Pupil {n:02d}" for n in range(1, pupils + 1)])
        session.commit()
        listed = [(str(p.id), pin) for p, pin in made]
    kit.close()
    return code, listed


def start_server(home: Path, model: str, log: Path) -> tuple[subprocess.Popen, str]:
    port = free_port()
    env = {**os.environ, "EDGEKIT_HOME": str(home), "EDGEKIT_CHAT_MODEL": model}
    edgekit = Path(sys.executable).with_name("edgekit")
    server = subprocess.Popen(
        [str(edgekit), "serve", "--host", "127.0.0.1", "--port", str(port)],
        stdout=log.open("w"),
        stderr=subprocess.STDOUT,
        env=env,
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 600
    while time.monotonic() < deadline:
        try:
            if httpx.get(base + "/healthz", timeout=2).status_code == 200:
                return server, base
        except httpx.HTTPError:
            time.sleep(1)
    server.kill()
    raise SystemExit(f"the server did not start: see {log}")


async def sign_in(client: httpx.AsyncClient, code: str, pupil_id: str, pin: str) -> None:
    page = await client.get(f"/apps/edu/join?code={code}&pupil={pupil_id}")
    found = TOKEN.search(page.text)
    if found is None:
        raise SystemExit(f"pupil {pupil_id}: the join page has no form ({page.status_code}): {page.text[:300]!r}")
    token = found.group(1)
    signed = await client.post(
        "/apps/edu/join", data={"code": code, "pupil": pupil_id, "pin": pin, "csrf_token": token}
    )
    if "/learn" not in str(signed.url):
        raise SystemExit(f"pupil {pupil_id} could not sign in: {signed.status_code} {signed.url}")


async def practise(
    client: httpx.AsyncClient,
    until: float,
    timings: list[float],
    counter: list[int],
    think: tuple[float, float] | None = None,
    rng: random.Random | None = None,
) -> None:
    """Open an item, (with `think`) read it for a random while, answer; measure the answer POST only."""
    from edgekit_edu.practice import item_by_id

    if think and rng:  # the class does not start in one breath either
        await asyncio.sleep(rng.uniform(0, think[1]))
    while time.monotonic() < until:
        page = await client.get(f"/apps/edu/practice/{SKILL}")
        item_id = ITEM.search(page.text).group(1).replace("&#126;", "~")
        token = TOKEN.search(page.text).group(1)
        item = item_by_id(item_id, "en")  # a generated item, or one of the skill's fixed word problems
        counter[0] += 1
        answer = item.answer if counter[0] % 5 else "999"
        if think and rng:
            await asyncio.sleep(rng.uniform(*think))
            if time.monotonic() >= until:
                break
        started = time.perf_counter()
        checked = await client.post(
            f"/apps/edu/practice/{SKILL}", data={"item_id": item_id, "answer": answer, "csrf_token": token}
        )
        timings.append(time.perf_counter() - started)
        if checked.status_code != 200 or "data-outcome" not in checked.text:
            counter[1] += 1


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))] if ordered else float("nan")


def chat_slots(base: str) -> int:
    """How many hints the chat model writes at once (`models status` on loopback: "8 (auto: ...)")."""
    status = httpx.get(base + "/api/models/status", timeout=30).json()
    return int(str(status["chat_parallel"]).split()[0])


async def ask_hints(base: str, code: str, pupils: list[tuple[str, str]], hints: int) -> dict:
    """Fair turns, made visible: the first pupil asks more hints than the model has slots, so some must wait;
    the others ask `hints` each half a second later. First come first served would run the first pupil's
    leftovers before anyone else's; fair turns start every other pupil's first hint before them. Completion
    order is only a proxy for start order (the batching model writes a slot's hint while others run), so the
    judgement is coarse: each other pupil's first hint is back before the greedy pupil's last."""
    slots = chat_slots(base)
    done: list[tuple[str, int, int, float, str]] = []
    started = time.perf_counter()

    async def one(client, pupil_id, number, token):
        response = await client.post(
            "/apps/edu/api/hint",
            json={"item_id": f"{SKILL}~{number * 1000 + 1}", "attempt": "1/2", "lang": "en"},
            headers={"X-CSRF-Token": token},
            timeout=3600,
        )
        retry = response.headers.get("retry-after", "") if response.status_code == 429 else ""
        done.append((pupil_id, number, response.status_code, time.perf_counter() - started, retry))

    clients = []
    tokens = []
    for pupil_id, pin in pupils:
        client = httpx.AsyncClient(base_url=base, follow_redirects=True, timeout=3600)
        clients.append(client)
        await sign_in(client, code, pupil_id, pin)
        page = await client.get("/apps/edu/tutor")
        tokens.append(TOKEN.search(page.text).group(1))
    greedy = slots + 2
    started = time.perf_counter()
    tasks = [asyncio.create_task(one(clients[0], pupils[0][0], n, tokens[0])) for n in range(greedy)]
    await asyncio.sleep(0.5)  # the greedy pupil's hints are all in (or queued) before the others ask
    for client, (pupil_id, _pin), token in zip(clients[1:], pupils[1:], tokens[1:], strict=True):
        tasks += [asyncio.create_task(one(client, pupil_id, n, token)) for n in range(hints)]
    await asyncio.gather(*tasks)
    for client in clients:
        await client.aclose()
    done.sort(key=lambda row: row[3])
    statuses = [row[2] for row in done]
    greedy_id = pupils[0][0]
    greedy_last = max(row[3] for row in done if row[0] == greedy_id)
    others_first = [min(r[3] for r in done if r[0] == pid) for pid, _ in pupils[1:]]
    return {
        "chat_slots": slots,
        "asked": len(tasks),
        "answered_200": statuses.count(200),
        "refused_429": statuses.count(429),
        "refused_without_retry_after": len([r for r in done if r[2] == 429 and not r[4]]),
        "other": len([s for s in statuses if s not in (200, 429)]),
        "dropped": len(tasks) - len(done),
        "fair": all(first < greedy_last for first in others_first),
        "served_order": [f"{row[0]}#{row[1]}" for row in done],
        "hint_seconds": [round(row[3], 1) for row in done],
    }


async def run(
    base: str,
    code: str,
    pupils: list[tuple[str, str]],
    seconds: float,
    think: tuple[float, float],
    paced_s: float,
    seed: int,
) -> dict:
    clients = [httpx.AsyncClient(base_url=base, follow_redirects=True, timeout=60) for _ in pupils]
    # Everyone signs in first (argon2 is slow on purpose), then the clock starts.
    await asyncio.gather(*(sign_in(c, code, pid, pin) for c, (pid, pin) in zip(clients, pupils, strict=True)))
    alone: list[float] = []
    counter = [0, 0]
    await practise(clients[0], time.monotonic() + seconds / 2, alone, counter)
    # Stress: every pupil answers again the moment the last answer is back, no reading at all.
    crowd: list[float] = []
    until = time.monotonic() + seconds
    await asyncio.gather(*(practise(client, until, crowd, counter) for client in clients))
    # A class: each pupil reads the item for `think` seconds (uniform, seeded), then answers.
    paced: list[float] = []
    until = time.monotonic() + paced_s
    rngs = [random.Random(seed * 1000 + n) for n in range(len(clients))]
    if paced_s > 0:
        await asyncio.gather(
            *(practise(c, until, paced, counter, think, r) for c, r in zip(clients, rngs, strict=True))
        )
    for client in clients:
        await client.aclose()
    return {
        "alone_p50_ms": _ms(alone, 0.5),
        "alone_p95_ms": _ms(alone, 0.95),
        "stress_checks": len(crowd),
        "stress_checks_per_s": round(len(crowd) / seconds, 1),
        "stress_p50_ms": _ms(crowd, 0.5),
        "stress_p95_ms": _ms(crowd, 0.95),
        "class_think_s": list(think),
        "class_checks": len(paced),
        "class_p50_ms": _ms(paced, 0.5),
        "class_p95_ms": _ms(paced, 0.95),
        "class_max_ms": round(max(paced) * 1000, 1) if paced else None,
        "failed_checks": counter[1],
    }


def _ms(values: list[float], share: float) -> float:
    return round(percentile(values, share) * 1000, 1)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--pupils", type=int, default=30)
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--hinters", type=int, default=3)
    parser.add_argument("--hints", type=int, default=2)
    parser.add_argument("--think-s", default="5,15", help="a class's reading time per item: MIN,MAX seconds")
    parser.add_argument("--class-seconds", type=float, default=60, help="how long the class practises at that pace")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--model", default="qwen2.5-0.5b-instruct")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        home = Path(folder) / "home"
        code, pupils = prepare(home, args.pupils)
        server, base = start_server(home, args.model, Path(folder) / "server.log")
        try:
            low, high = (float(part) for part in args.think_s.split(","))
            result = asyncio.run(run(base, code, pupils, args.seconds, (low, high), args.class_seconds, args.seed))
            if args.hinters:
                result["hints"] = asyncio.run(ask_hints(base, code, pupils[: args.hinters], args.hints))
        finally:
            server.terminate()
            server.wait(30)
    result["load_average"] = os.getloadavg()
    print(json.dumps(result, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
