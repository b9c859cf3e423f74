"""Speech in and out, embeddings and vision in worker processes: the same results as the engines in process, their
errors with their codes, and nothing of onnxruntime, CTranslate2 or Piper loaded into the server."""

from __future__ import annotations

import subprocess
import sys

import numpy as np
import pytest

from edgekit.errors import BadInput
from edgekit.kit import Kit
from edgekit.settings import Settings
from edgekit.workers.engines import EmbedWorkerEngine, SpeechWorkerEngine, VisionWorkerEngine, VoiceWorkerEngine
from tests import vision_model
from tests.pictures import picture
from tests.speech import assert_is_speech


def both(models_dir, tmp_path) -> tuple[Kit, Kit]:
    def kit(name: str, workers: bool) -> Kit:
        return Kit(Settings(home=tmp_path / name, models_dir_override=models_dir, threads=2, engine_workers=workers))

    return kit("worker", True), kit("process", False)


def test_embeddings_match_in_and_out_of_process(embed_models_dir, tmp_path):
    texts = ["Dry maize well before storing it.", "Keep the bags off the floor.", "Goats need clean water."]
    in_worker, in_process = both(embed_models_dir, tmp_path)
    try:
        with in_worker.manager.acquire("embed") as remote, in_process.manager.acquire("embed") as local:
            assert isinstance(remote, EmbedWorkerEngine)
            assert np.allclose(remote.embed(texts), local.embed(texts), atol=1e-6)
            assert remote.count_tokens(texts) == local.count_tokens(texts) and remote.dimensions == 384
            with pytest.raises(BadInput) as caught:
                remote.embed([])
            assert caught.value.code == "no_texts"
    finally:
        in_worker.close()
        in_process.close()


def test_speech_both_ways_through_workers(installed_models_dir, tmp_path, speech_clips):
    from edgekit.speech.stt import transcribe
    from edgekit.speech.tts import synthesize_speech

    in_worker, in_process = both(installed_models_dir, tmp_path)
    try:
        spoken = synthesize_speech(in_worker.manager, "Store the maize in a dry place.", "en")
        local = synthesize_speech(in_process.manager, "Store the maize in a dry place.", "en")
        # Piper samples its noise afresh each time: the same voice and length, not the same bytes.
        assert (spoken.voice, spoken.sample_rate) == (local.voice, local.sample_rate)
        assert assert_is_speech(spoken.wav, spoken.sample_rate).duration_s == pytest.approx(local.duration_s, rel=0.2)
        heard = transcribe(in_worker.manager, speech_clips["english"].read_bytes(), "en")
        assert heard.text == transcribe(in_process.manager, speech_clips["english"].read_bytes(), "en").text
        kinds = {type(entry.engine) for entry in in_worker.manager._loaded.values()}
        assert {SpeechWorkerEngine, VoiceWorkerEngine} <= kinds
    finally:
        in_worker.close()
        in_process.close()


def test_vision_through_a_worker(vision_models_dir, tmp_path):
    in_worker, in_process = both(vision_models_dir, tmp_path)
    try:
        with (
            in_worker.manager.acquire_model(vision_model.MODEL_ID, "Vision model") as remote,
            in_process.manager.acquire_model(vision_model.MODEL_ID, "Vision model") as local,
        ):
            assert isinstance(remote, VisionWorkerEngine)
            assert remote.classify(picture("green")) == local.classify(picture("green"))
            with pytest.raises(BadInput) as caught:
                remote.classify(b"not a picture")
            assert caught.value.code == "image_undecodable"
    finally:
        in_worker.close()
        in_process.close()


def test_the_server_process_never_loads_the_native_libraries(embed_models_dir, tmp_path):
    script = f"""
import sys
from edgekit.kit import Kit
from edgekit.settings import Settings
kit = Kit(Settings(home={str(tmp_path / "home")!r}, models_dir_override={str(embed_models_dir)!r}, threads=1))
with kit.manager.acquire("embed") as engine:
    engine.embed(["maize"])
with kit.manager.acquire("chat") as llm:
    llm.count_tokens("maize")
kit.close()
print(sorted(m for m in ("onnxruntime", "llama_cpp", "ctranslate2", "piper") if m in sys.modules))
"""
    loaded = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=300, check=True)
    assert loaded.stdout.strip() == "[]"
