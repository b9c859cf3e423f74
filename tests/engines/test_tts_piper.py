"""The real Piper voice en_US-joe-medium through the piper engine (loaded once for the session by voice_kit)."""

import json

import pytest

from edgekit.engines.tts_piper import PiperEngine
from edgekit.errors import EngineError
from edgekit.models.catalog import Catalog
from tests.conftest import VOICE_MODEL
from tests.speech import assert_is_speech


@pytest.fixture(scope="module")
def voice_sample_rate(installed_models_dir) -> int:
    config = installed_models_dir / VOICE_MODEL / "en_US-joe-medium.onnx.json"
    return json.loads(config.read_text())["audio"]["sample_rate"]


def test_speaks_english_at_the_voice_sample_rate(voice_kit, voice_sample_rate):
    with voice_kit.manager.acquire("tts") as voice:
        assert isinstance(voice, PiperEngine) and voice.spec.id == VOICE_MODEL
        wav = voice.synthesize("Wash your hands with soap and clean water.")
        assert voice.sample_rate == voice_sample_rate == 22050
    assert_is_speech(wav, voice_sample_rate)


def test_longer_text_gives_longer_audio(voice_kit, voice_sample_rate):
    with voice_kit.manager.acquire("tts") as voice:
        short = assert_is_speech(voice.synthesize("Drink water."), voice_sample_rate)
        long = assert_is_speech(
            voice.synthesize("Drink water. Rest in the shade at midday, and eat small meals through the day."),
            voice_sample_rate,
        )
    assert long.duration_s > 2 * short.duration_s


def test_onnxruntime_uses_the_configured_threads(voice_kit):
    with voice_kit.manager.acquire("tts") as voice:
        options = voice._voice.session.get_session_options()
    assert options.intra_op_num_threads == voice_kit.settings.threads == 2


def test_unload_then_speak_again_reloads(installed_models_dir, settings):
    spec = Catalog.from_dir(settings.catalog_dir).get(VOICE_MODEL)
    engine = PiperEngine(spec, installed_models_dir / VOICE_MODEL, settings)
    engine.load()
    engine.unload()
    assert not engine.loaded
    assert engine.synthesize("Hello.")  # loads on demand
    assert engine.loaded


def test_a_voice_that_would_download_its_phonemizer_is_refused(tmp_path, installed_models_dir, settings):
    spec = Catalog.from_dir(settings.catalog_dir).get(VOICE_MODEL)
    source = installed_models_dir / VOICE_MODEL
    config = json.loads((source / "en_US-joe-medium.onnx.json").read_text())
    config["phoneme_type"] = "pinyin"  # Piper fetches a g2p model from the internet for these
    (tmp_path / "en_US-joe-medium.onnx.json").write_text(json.dumps(config))
    (tmp_path / "en_US-joe-medium.onnx").symlink_to(source / "en_US-joe-medium.onnx")
    with pytest.raises(EngineError, match="pinyin"):
        PiperEngine(spec, tmp_path, settings).load()
