"""`edgekit bench`: how fast this box runs each default model, measured on the box itself.

A technician runs it after setting a box up, or after a change of model or power profile, to see whether people
will wait for answers. Every figure names its model and thread count. Sections whose model is missing say so.
"""

from __future__ import annotations

import resource
import time
from collections.abc import Callable

from edgekit.engines.tasks import ChatEngine, EmbeddingEngine, for_task
from edgekit.errors import EdgekitError
from edgekit.kit import Kit

CHAT_PROMPT = "Question: How should a farmer store maize after harvest?\nAnswer:"
SPOKEN_TEXT = (
    "Dry the maize well in the sun before you store it. Keep the bags on a raised platform, away from the walls, "
    "and check them every week for weevils and for damp."
)
SENTENCE_PARTS = (
    ("How do I", "When should I", "Why does my", "Where can I"),
    ("store maize", "plant beans", "treat a fever", "feed young goats", "test the soil"),
    ("after the rains?", "in the dry season?", "on a small farm?", "without chemicals?", "for my family?"),
)


def _sentences(count: int) -> list[str]:
    a, b, c = SENTENCE_PARTS
    return [f"{a[i % len(a)]} {b[(i // len(a)) % len(b)]} {c[(i // (len(a) * len(b))) % len(c)]}" for i in range(count)]


def bench_chat(kit: Kit, max_tokens: int = 64) -> dict:
    with kit.manager.acquire("chat") as engine:
        llm = for_task(engine, ChatEngine)
        # Warm with another prompt: llama.cpp reuses a cached prefix, which would make the first token look free.
        list(llm.generate("Hello.", max_tokens=4, temperature=0.0))
        started = time.perf_counter()
        stamps = [time.perf_counter() for _ in llm.generate(CHAT_PROMPT, max_tokens=max_tokens, temperature=0.0)]
        model = llm.spec.id
    ttft = stamps[0] - started if stamps else 0.0
    decode = (len(stamps) - 1) / (stamps[-1] - stamps[0]) if len(stamps) > 1 else 0.0
    return {
        "model": model,
        "threads": kit.settings.threads,
        "tokens_per_s": round(decode, 1),
        "ttft_ms": round(ttft * 1000),
    }


def bench_tts(kit: Kit) -> tuple[dict, bytes]:
    from edgekit.speech.tts import synthesize_speech

    synthesize_speech(kit.manager, "Warm up.", "en")
    started = time.perf_counter()
    speech = synthesize_speech(kit.manager, SPOKEN_TEXT, "en")
    elapsed = time.perf_counter() - started
    return {"model": speech.voice, "rtf": round(elapsed / speech.duration_s, 3)}, speech.wav


def bench_stt(kit: Kit, wav: bytes) -> dict:
    from edgekit.speech.audio import read_speech, seconds
    from edgekit.speech.stt import speech_model_for, transcribe

    transcribe(kit.manager, wav, "en")  # warm
    duration = seconds(read_speech(wav))
    started = time.perf_counter()
    transcribe(kit.manager, wav, "en")
    elapsed = time.perf_counter() - started
    return {
        "model": speech_model_for(kit.manager, "en"),
        "threads": kit.settings.threads,
        "rtf": round(elapsed / duration, 3),
    }


def bench_embed(kit: Kit, count: int = 200) -> dict:
    sentences = _sentences(count)
    with kit.manager.acquire("embed") as engine:
        embedder = for_task(engine, EmbeddingEngine)
        embedder.embed(sentences[:8])  # warm
        started = time.perf_counter()
        embedder.embed(sentences)
        elapsed = time.perf_counter() - started
        model = engine.spec.id
    return {"model": model, "sentences_per_s": round(count / elapsed, 1)}


def peak_rss_mb() -> float:
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)  # Linux reports KiB


def run_bench(kit: Kit, step: Callable[[str], None] = lambda _name: None) -> dict:
    """Each section, one after another (they share the cores); a missing model fills its section with the error."""
    report: dict = {}

    def section(name: str, measure: Callable[[], dict]) -> None:
        step(name)
        try:
            report[name] = measure()
        except EdgekitError as exc:
            report[name] = {"error": exc.code, "message": exc.message}

    section("chat", lambda: bench_chat(kit))
    spoken: list[bytes] = []

    def tts() -> dict:
        result, wav = bench_tts(kit)
        spoken.append(wav)
        return result

    section("tts", tts)
    section(
        "stt",
        lambda: (
            bench_stt(kit, spoken[0])
            if spoken
            else {"error": "no_audio", "message": "Speech output failed, so there was nothing to transcribe."}
        ),
    )
    section("embed", lambda: bench_embed(kit))
    report["peak_rss_mb"] = peak_rss_mb()
    return {key: report[key] for key in ("chat", "stt", "tts", "embed", "peak_rss_mb")}
