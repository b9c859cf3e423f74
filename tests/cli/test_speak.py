import json

from tests.conftest import VOICE_MODEL
from tests.speech import assert_is_speech


def test_speak_writes_a_wav_and_says_where(edgekit, tmp_path):
    out = tmp_path / "hello.wav"
    result = edgekit("speak", "Hello, and welcome to the clinic.", "--out", str(out))
    assert result.exit_code == 0, result.output
    assert result.stdout.strip() == str(out)
    assert f"[{VOICE_MODEL}," in result.stderr and "22050 Hz" in result.stderr
    assert_is_speech(out.read_bytes(), 22050)


def test_speak_json(edgekit, tmp_path):
    out = tmp_path / "habari.wav"
    result = edgekit("speak", "Habari ya asubuhi", "--lang", "sw", "--out", str(out), "--json")
    assert result.exit_code == 0, result.output
    body = json.loads(result.stdout)
    assert set(body) == {"path", "duration_s", "voice", "lang", "sample_rate"}
    assert body["path"] == str(out) and body["voice"] == "espeak-ng:sw" and body["lang"] == "sw"
    parsed = assert_is_speech(out.read_bytes(), body["sample_rate"])
    assert body["duration_s"] == round(parsed.duration_s, 3)


def test_speak_english_without_the_piper_voice(edgekit, tmp_path):
    out = tmp_path / "fallback.wav"
    result = edgekit("speak", "Hello", "--out", str(out), "--json", models_dir=None)
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["voice"] == "espeak-ng:en"


def test_speak_errors_are_one_line_with_a_code(edgekit, tmp_path):
    cases = [
        (["  "], "empty_text"),
        (["Hello", "--lang", "zz"], "unsupported_language"),
        (["x" * 2001], "text_too_long"),
    ]
    for args, code in cases:
        result = edgekit("speak", *args, "--out", str(tmp_path / "x.wav"))
        assert result.exit_code == 1
        assert f"error [{code}]" in result.stderr
        assert "Traceback" not in result.output
    assert not (tmp_path / "x.wav").exists()


def test_speak_into_a_folder_that_does_not_exist(edgekit, tmp_path):
    result = edgekit("speak", "Hello", "--lang", "fr", "--out", str(tmp_path / "missing" / "x.wav"))
    assert result.exit_code == 1
    assert "error [output_unwritable]" in result.stderr
