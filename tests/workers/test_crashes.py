"""The back-off after repeated worker crashes, its record on disk, and what edgekit doctor makes of it."""

from __future__ import annotations

import json
import threading

import pytest

from edgekit.doctor.run import check_engine_crashes
from edgekit.errors import EngineBackoff
from edgekit.workers.crashes import CRASHES_FILE, CrashLog, read_crashes
from edgekit.workers.protocol import decode_error, encode_error


class Clock:
    def __init__(self) -> None:
        self.now = 1_800_000_000.0

    def __call__(self) -> float:
        return self.now


def test_crashes_back_off_after_three_and_double_while_they_go_on(tmp_path):
    clock = Clock()
    log = CrashLog(tmp_path / CRASHES_FILE, after=3, window_s=300, backoff_s=30, clock=clock)
    for _ in range(2):
        log.record("chat", "killed by signal 11 (SIGSEGV)")
        log.refuse_if_backing_off("chat")  # one or two crashes: the next request just starts a fresh worker
    log.record("chat", "killed by signal 6 (SIGABRT)")
    with pytest.raises(EngineBackoff) as caught:
        log.refuse_if_backing_off("chat", "Chat model")
    assert caught.value.code == "engine_backoff" and caught.value.retry_after_s == 30
    assert "crashed 3 times" in caught.value.message and "SIGABRT" in caught.value.message
    clock.now += 31
    log.refuse_if_backing_off("chat")  # rested: one more try
    log.record("chat", "killed by signal 6 (SIGABRT)")
    with pytest.raises(EngineBackoff) as caught:
        log.refuse_if_backing_off("chat")
    assert caught.value.retry_after_s == 60
    log.refuse_if_backing_off("embed")  # other models are not affected


def test_crashes_far_apart_never_back_off(tmp_path):
    clock = Clock()
    log = CrashLog(None, after=3, window_s=300, backoff_s=30, clock=clock)
    for _ in range(5):
        log.record("chat", "exited with status 70")
        clock.now += 200
        log.refuse_if_backing_off("chat")
    assert log.status()[0]["crashes_total"] == 5 and log.status()[0]["crashes_recent"] == 2


def test_doctor_reads_the_record_the_server_wrote(tmp_path):
    clock = Clock()
    log = CrashLog(tmp_path / CRASHES_FILE, after=2, window_s=300, backoff_s=100, clock=clock)
    assert check_engine_crashes(tmp_path, clock.now).status == "ok"
    log.record("gemma", "killed by signal 9 (SIGKILL: out of memory, or killed from outside)")
    warned = check_engine_crashes(tmp_path, clock.now + 10)
    assert warned.status == "warn" and "gemma" in warned.detail and "SIGKILL" in warned.detail
    log.record("gemma", "killed by signal 11 (SIGSEGV)")
    failed = check_engine_crashes(tmp_path, clock.now + 10)
    assert failed.status == "fail" and "loads refused for 90 s" in failed.detail and "SIGSEGV" in failed.detail
    assert "edgekit models verify gemma" in failed.fix
    assert check_engine_crashes(tmp_path, clock.now + 2 * 86400).status == "ok"  # old news
    assert read_crashes(tmp_path, clock.now)[0]["crashes_total"] == 2


def test_errors_cross_the_boundary_with_their_class_and_code():
    from edgekit.errors import BadInput, ChecksumMismatch

    error = decode_error(encode_error(BadInput("too long", code="prompt_too_long", http_status=413)))
    assert isinstance(error, BadInput) and (error.code, error.http_status, error.message) == (
        "prompt_too_long",
        413,
        "too long",
    )
    # A class whose __init__ wants other arguments still comes back as itself.
    mismatch = ChecksumMismatch("m", "f.gguf", "a" * 64, "b" * 64)
    assert isinstance(decode_error(encode_error(mismatch)), ChecksumMismatch)
    other = decode_error(encode_error(MemoryError("no room")))
    assert other.code == "engine_failed" and "MemoryError: no room" in other.message


def test_crashes_recorded_at_once_by_many_threads_leave_a_whole_record(tmp_path):
    """Each write is whole and none is lost: a reader never meets half a file, and the last one holds them all."""
    path = tmp_path / CRASHES_FILE
    log = CrashLog(path, after=1000)
    models, crashes_each = [f"model-{i}" for i in range(6)], 40
    start, writing_done = threading.Barrier(len(models) + 1), threading.Event()
    torn: list[str] = []

    def crash_often(model_id: str) -> None:
        start.wait()
        for n in range(crashes_each):
            log.record(model_id, f"killed by signal 11 (SIGSEGV), crash {n}")

    def read_while_written() -> None:
        start.wait()
        while not writing_done.is_set():
            try:
                text = path.read_text()
            except FileNotFoundError:
                continue
            try:
                json.loads(text)
            except ValueError:
                torn.append(text)

    threads = [threading.Thread(target=crash_often, args=(m,)) for m in models]
    reader = threading.Thread(target=read_while_written)
    for thread in [*threads, reader]:
        thread.start()
    for thread in threads:
        thread.join(60)
    writing_done.set()
    reader.join(60)

    assert not torn, f"a reader met a half-written record: {torn[0][:80]!r}"
    on_disk = {row["id"]: row["crashes_total"] for row in read_crashes(tmp_path)}
    assert on_disk == dict.fromkeys(models, crashes_each)
    assert [p.name for p in tmp_path.iterdir()] == [CRASHES_FILE], "no temporary file left behind"
    assert oct(path.stat().st_mode & 0o777) == oct(0o644)
