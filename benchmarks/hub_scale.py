"""The district hub at scale: a simulated district of N boxes, each sending a year of records, on a real PostgreSQL
(a scratch cluster, default durability settings: fsync on).

Measured in one run:
- ingest: records per second through the whole path (envelope parsed, ed25519 signature checked, ledger insert
  ON CONFLICT, newest state upserted per table), against a baseline in the same run: the same rows inserted into
  the ledger alone with no checks (what a bare bulk insert costs on this machine);
- re-ingest of the same batches (a stick imported twice): must add nothing, and its rate;
- the dashboard: p50/p95 of the health page (a year, every facility) and the boxes page through the hub's real
  app, read from the materialized view, against a baseline in the same run: the same figures aggregated from the
  visits at each load; and how long a refresh of the view takes;
- memory: the hub process's RSS and PostgreSQL's (all its processes) after the run.
The load average is printed beside the figures: on a shared machine absolute times mean little, ratios more.

    .venv/bin/python benchmarks/hub_scale.py                 # 50 boxes, 100k visits (a few minutes)
    .venv/bin/python benchmarks/hub_scale.py --full          # 500 boxes, 1M visits
"""

from __future__ import annotations

import argparse
import base64
import os
import random
import statistics
import sys
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

import psutil  # noqa: E402
import sqlalchemy as sa  # noqa: E402
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey  # noqa: E402

from edgekit.hub import enrol, tables  # noqa: E402
from edgekit.hub.db import HubSettings, create_hub_engine, migrate  # noqa: E402
from edgekit.hub.ingest import ingest  # noqa: E402
from edgekit.hub.scratch_cluster import start_scratch_cluster  # noqa: E402
from edgekit.packs.keys import public_key_of  # noqa: E402
from edgekit.sync.envelope import seal  # noqa: E402

BATCH = 500
YEAR_START = date(2025, 7, 1)


def load() -> str:
    one, five, fifteen = os.getloadavg()
    return f"load average {one:.2f} {five:.2f} {fifteen:.2f}"


def box_records(rng: random.Random, visits: int) -> list[dict]:
    """A year at one clinic: women, their visits (a quarter with danger signs), referrals, a device report."""
    records, seq = [], 0
    women = max(1, visits // 4)
    at = datetime(2026, 7, 1, tzinfo=UTC).isoformat()

    def add(kind, key, payload):
        nonlocal seq
        seq += 1
        records.append({"seq": seq, "kind": kind, "key": str(key), "at": at, "payload": payload})

    lmps = {}
    for number in range(women):
        lmp = YEAR_START + timedelta(days=rng.randrange(0, 300)) - timedelta(days=60)
        lmps[number] = lmp
        add(
            "health.woman",
            f"MW-{number:08d}",
            {
                "code": f"MW-{number:08d}",
                "village": "V",
                "lmp": lmp.isoformat(),
                "edd": (lmp + timedelta(days=280)).isoformat(),
                "status": "pregnant",
            },
        )
    referral_id = 0
    for visit_id in range(1, visits + 1):
        number = rng.randrange(women)
        day = min(YEAR_START + timedelta(days=364), lmps[number] + timedelta(days=rng.randrange(60, 290)))
        danger = rng.random() < 0.25
        add(
            "health.visit",
            visit_id,
            {
                "id": visit_id,
                "woman_code": f"MW-{number:08d}",
                "visit_date": day.isoformat(),
                "gestational_days": (day - lmps[number]).days,
                "systolic": 120,
                "diastolic": 80,
                "sign_codes": "bleeding" if danger else "",
                "level": "emergency" if danger else "routine",
            },
        )
        if danger and rng.random() < 0.2:
            referral_id += 1
            moment = datetime(day.year, day.month, day.day, tzinfo=UTC).isoformat()
            add(
                "health.referral",
                referral_id,
                {
                    "id": referral_id,
                    "woman_code": f"MW-{number:08d}",
                    "level": "emergency",
                    "status": rng.choice(["referred", "arrived", "closed"]),
                    "facility": "",
                    "created_at": moment,
                    "updated_at": moment,
                },
            )
    add(
        "device.health",
        "device",
        {
            "version": "0.1.0",
            "disk_free_mb": 20000,
            "battery_percent": 80,
            "power_profile": "normal",
            "last_errors": [],
        },
    )
    return records


def sealed_batches(name: str, private, records: list[dict]) -> list[dict]:
    fingerprint = public_key_of(private, name).fingerprint
    out = []
    for start in range(0, len(records), BATCH):
        chunk = records[start : start + BATCH]
        body = {
            "type": "batch",
            "box": name,
            "key": fingerprint,
            "first_seq": chunk[0]["seq"],
            "last_seq": chunk[-1]["seq"],
            "down_cursor": 0,
            "made_at": chunk[0]["at"],
            "records": chunk,
        }
        out.append(seal(body, private))
    return out


def postgres_rss_mb(cluster) -> float:
    total = 0
    for process in psutil.process_iter(["cmdline", "memory_info"]):
        cmdline = " ".join(process.info["cmdline"] or [])
        if ("postgres" in cmdline and str(cluster.root) in cmdline) or _is_child_of_cluster(process, cluster):
            total += process.info["memory_info"].rss
    return total / 1e6


def _is_child_of_cluster(process, cluster) -> bool:
    try:
        parent = process.parent()
        return parent is not None and str(cluster.root) in " ".join(parent.cmdline())
    except psutil.Error:
        return False


def page_times(client, path: str, auth: dict, runs: int) -> list[float]:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        response = client.get(path, headers=auth)
        times.append(time.perf_counter() - started)
        assert response.status_code == 200, response.text[:200]
    return times


def p95(values: list[float]) -> float:
    return sorted(values)[max(0, round(0.95 * len(values)) - 1)]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--boxes", type=int, default=50)
    parser.add_argument("--visits", type=int, default=100_000, help="visits in the whole district")
    parser.add_argument("--full", action="store_true", help="500 boxes, 1M visits")
    parser.add_argument("--page-runs", type=int, default=20)
    args = parser.parse_args()
    if args.full:
        args.boxes, args.visits = 500, 1_000_000
    rng = random.Random(19)
    print(f"hub_scale: {args.boxes} boxes, {args.visits} visits; {load()}", flush=True)

    import shutil
    import tempfile

    cluster = start_scratch_cluster({"shared_buffers": "128MB"})
    hub_home = Path(tempfile.mkdtemp(prefix="edgekit-hub-home-"))
    try:
        settings = HubSettings(database_url=cluster.url(), home=hub_home)
        engine = create_hub_engine(settings)
        migrate(engine)

        started = time.perf_counter()
        district = []
        for number in range(args.boxes):
            name = f"box-{number:04d}"
            private = Ed25519PrivateKey.generate()
            with engine.begin() as connection:
                envelope = seal(
                    {
                        "type": "enrol",
                        "box": name,
                        "key": public_key_of(private, name).fingerprint,
                        "public_key": public_key_of(private, name).line().strip(),
                        "facility": f"Facility {number:04d}",
                    },
                    private,
                )
                enrol.request_enrolment(connection, envelope)
                enrol.decide(connection, name, "approved", "bench")
            district.append(sealed_batches(name, private, box_records(rng, args.visits // args.boxes)))
        records = sum(len(b["body"]) for batches in district for b in batches)
        total_records = sum(b["body"].count('"seq":') for batches in district for b in batches)
        print(
            f"generated and signed {total_records} records ({records / 1e6:.0f} MB of JSON) in "
            f"{time.perf_counter() - started:.1f} s; {load()}",
            flush=True,
        )

        # The baseline: the same ledger rows, bulk-inserted with no checks, into a copy of the ledger's shape.
        import json as _json

        with engine.begin() as connection:
            connection.exec_driver_sql("CREATE TABLE bench_ledger (LIKE hub_record INCLUDING ALL)")
            connection.exec_driver_sql("ALTER TABLE bench_ledger DROP CONSTRAINT IF EXISTS bench_ledger_box_id_fkey")
        baseline_rows = []
        for box_number, batches in enumerate(district[: max(1, len(district) // 5)]):
            for batch in batches:
                for r in _json.loads(batch["body"])["records"]:
                    baseline_rows.append(
                        {
                            "box_id": box_number + 1,
                            "seq": r["seq"],
                            "kind": r["kind"],
                            "record_key": r["key"],
                            "payload": r["payload"],
                            "recorded_at": r["at"],
                        }
                    )
        bench_ledger = sa.Table("bench_ledger", sa.MetaData(), *[c._copy() for c in tables.record.columns])
        started = time.perf_counter()
        with engine.begin() as connection:
            for start in range(0, len(baseline_rows), BATCH):
                connection.execute(sa.insert(bench_ledger), baseline_rows[start : start + BATCH])
        baseline_rate = len(baseline_rows) / (time.perf_counter() - started)
        print(
            f"baseline (bare ledger insert, {len(baseline_rows)} rows): {baseline_rate:,.0f} records/s; {load()}",
            flush=True,
        )

        started = time.perf_counter()
        for batches in district:
            for batch in batches:
                with engine.begin() as connection:
                    ingest(connection, batch)
        ingest_s = time.perf_counter() - started
        rate = total_records / ingest_s
        print(
            f"ingest: {total_records} records in {ingest_s:.1f} s = {rate:,.0f} records/s "
            f"({rate / baseline_rate:.2f}x the bare insert); {load()}",
            flush=True,
        )

        sample = district[: max(1, len(district) // 10)]
        sample_records = sum(b["body"].count('"seq":') for batches in sample for b in batches)
        started = time.perf_counter()
        for batches in sample:
            for batch in batches:
                with engine.begin() as connection:
                    assert ingest(connection, batch).new == 0
        again_rate = sample_records / (time.perf_counter() - started)
        print(
            f"re-ingest of the same batches ({sample_records} records): nothing added, {again_rate:,.0f} "
            f"records/s ({again_rate / rate:.2f}x first ingest); {load()}",
            flush=True,
        )

        with engine.begin() as connection:
            connection.exec_driver_sql("ANALYZE")
            counts = {
                t: connection.exec_driver_sql(f"SELECT count(*) FROM {t}").scalar()
                for t in ("hub_record", "hub_visit", "hub_woman", "hub_referral")
            }
        print("rows: " + ", ".join(f"{t} {n:,}" for t, n in counts.items()), flush=True)

        from fastapi.testclient import TestClient

        from edgekit.hub.app import create_hub_app
        from edgekit.hub.users import add_user

        add_user(engine, "dho", "hub_admin", "a long bench password")
        auth = {"Authorization": "Basic " + base64.b64encode(b"dho:a long bench password").decode()}
        app = create_hub_app(settings.model_copy(update={"figures_max_age_s": 3600}), engine)
        from edgekit.hub.figures import refresh

        started = time.perf_counter()
        refresh(engine)
        refresh_s = time.perf_counter() - started
        print(f"figures view refresh (every visit and referral scanned): {refresh_s:.2f} s; {load()}", flush=True)
        with TestClient(app) as client:
            client.get("/health?since=2025-07", headers=auth)  # warm: the password check is cached after this
            health = page_times(client, "/health?since=2025-07", auth, args.page_runs)
            boxes = page_times(client, "/boxes", auth, max(5, args.page_runs // 2))
        print(
            f"health page (a year, every facility, from the view): p50 {statistics.median(health) * 1000:.0f} ms, "
            f"p95 {p95(health) * 1000:.0f} ms; boxes page p95 {p95(boxes) * 1000:.0f} ms; {load()}",
            flush=True,
        )
        # The baseline: the same figures aggregated from the visits at each page load (what the view replaces).
        from importlib import import_module

        view_sql = import_module("edgekit.hub.migrations.versions.0002_health_month").HEALTH_MONTH_VIEW_SQL
        direct = []
        with engine.connect() as connection:
            for _ in range(max(3, args.page_runs // 4)):
                started = time.perf_counter()
                connection.exec_driver_sql(view_sql).fetchall()
                direct.append(time.perf_counter() - started)
        print(
            f"baseline, aggregating at each load: p95 {p95(direct) * 1000:.0f} ms "
            f"({p95(direct) / p95(health):.1f}x the page from the view); {load()}",
            flush=True,
        )
        hub_mb = psutil.Process().memory_info().rss / 1e6
        print(
            f"memory: hub process {hub_mb:.0f} MB RSS (holding one box's batches at a time would be less: this "
            f"process also holds the whole generated district), PostgreSQL {postgres_rss_mb(cluster):.0f} MB RSS "
            f"(shared buffers counted once per process that touched them); {load()}",
            flush=True,
        )
        engine.dispose()
    finally:
        cluster.stop()
        shutil.rmtree(hub_home, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
