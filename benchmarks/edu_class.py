"""A class of 30 pupils practising at once against a real server on loopback, and their hints queueing.

One run: a fresh data directory with a teacher, a class of `--pupils` pupils (PINs) and one assigned skill; then
`edgekit serve` on 127.0.0.1. Every pupil signs in through the join form (class code, name, PIN), then loops for
`--seconds`: open the practice page, answer (right four times in five, from the item's id), measuring the answer
POST (checked, recorded, mastery updated). The baseline of the same run is one pupil practising alone.
Then `--hinters` pupils each ask `--hints` hints at once through the tutor API: every hint must come back (200),
or be refused clearly (429 with Retry-After), never dropped; the order they are served in shows the fair turns
(every pupil's first hint before anyone's second).

    nice -n 10 .venv/bin/python benchmarks/edu_class.py [--pupils 30] [--seconds 20] [--hinters 3 --hints 2]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
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


async def practise(client: httpx.AsyncClient, until: float, timings: list[float], counter: list[int]) -> None:
    from edgekit_edu.practice import item_by_id

    while time.monotonic() < until:
        page = await client.get(f"/apps/edu/practice/{SKILL}")
        item_id = ITEM.search(page.text).group(1).replace("&#126;", "~")
        token = TOKEN.search(page.text).group(1)
        item = item_by_id(item_id, "en")  # a generated item, or one of the skill's fixed word problems
        counter[0] += 1
        answer = item.answer if counter[0] % 5 else "999"
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


async def ask_hints(base: str, code: str, pupils: list[tuple[str, str]], hints: int) -> dict:
    done: list[tuple[str, int, int, float]] = []
    started = time.perf_counter()

    async def one(client, pupil_id, number, token):
        response = await client.post(
            "/apps/edu/api/hint",
            json={"item_id": f"{SKILL}~{number * 1000 + 1}", "attempt": "1/2", "lang": "en"},
            headers={"X-CSRF-Token": token},
            timeout=3600,
        )
        done.append((pupil_id, number, response.status_code, time.perf_counter() - started))

    clients = []
    tasks = []
    for pupil_id, pin in pupils:
        client = httpx.AsyncClient(base_url=base, follow_redirects=True, timeout=3600)
        clients.append(client)
        await sign_in(client, code, pupil_id, pin)
        page = await client.get("/apps/edu/tutor")
        token = TOKEN.search(page.text).group(1)
        tasks += [one(client, pupil_id, number, token) for number in range(hints)]
    await asyncio.gather(*tasks)
    for client in clients:
        await client.aclose()
    done.sort(key=lambda row: row[3])
    statuses = [row[2] for row in done]
    firsts = [i for i, row in enumerate(done) if row[1] == 0]
    seconds = [i for i, row in enumerate(done) if row[1] > 0]
    return {
        "asked": len(tasks),
        "answered_200": statuses.count(200),
        "refused_429": statuses.count(429),
        "other": len([s for s in statuses if s not in (200, 429)]),
        "fair": not seconds or max(firsts) < min(seconds),
        "served_order": [f"{row[0]}#{row[1]}" for row in done],
        "hint_seconds": [round(row[3], 1) for row in done],
    }


async def run(base: str, code: str, pupils: list[tuple[str, str]], seconds: float) -> dict:
    clients = [httpx.AsyncClient(base_url=base, follow_redirects=True, timeout=60) for _ in pupils]
    # Everyone signs in first (argon2 is slow on purpose), then the clock starts.
    await asyncio.gather(*(sign_in(c, code, pid, pin) for c, (pid, pin) in zip(clients, pupils, strict=True)))
    alone: list[float] = []
    counter = [0, 0]
    await practise(clients[0], time.monotonic() + seconds / 2, alone, counter)
    crowd: list[float] = []
    until = time.monotonic() + seconds
    await asyncio.gather(*(practise(client, until, crowd, counter) for client in clients))
    for client in clients:
        await client.aclose()
    return {
        "alone_p50_ms": round(percentile(alone, 0.5) * 1000, 1),
        "alone_p95_ms": round(percentile(alone, 0.95) * 1000, 1),
        "crowd_checks": len(crowd),
        "crowd_p50_ms": round(percentile(crowd, 0.5) * 1000, 1),
        "crowd_p95_ms": round(percentile(crowd, 0.95) * 1000, 1),
        "p95_ratio_crowd_to_alone": round(percentile(crowd, 0.95) / percentile(alone, 0.95), 2),
        "failed_checks": counter[1],
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--pupils", type=int, default=30)
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--hinters", type=int, default=3)
    parser.add_argument("--hints", type=int, default=2)
    parser.add_argument("--model", default="qwen2.5-0.5b-instruct")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        home = Path(folder) / "home"
        code, pupils = prepare(home, args.pupils)
        server, base = start_server(home, args.model, Path(folder) / "server.log")
        try:
            result = asyncio.run(run(base, code, pupils, args.seconds))
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
