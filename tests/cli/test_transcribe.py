import json

from tests.speech_clips import ENGLISH_TEXT, word_error_rate


def test_transcribe_json(edgekit, speech_clips):
    result = edgekit("transcribe", str(speech_clips["english"]), "--lang", "en", "--json")
    assert result.exit_code == 0, result.output
    body = json.loads(result.stdout)
    assert list(body) == ["text", "language", "duration_s", "model"]
    assert body["model"] == "whisper-tiny-en" and body["language"] == "en"
    assert word_error_rate(ENGLISH_TEXT, body["text"]) <= 0.3
    assert 5 < body["duration_s"] < 7


def test_transcribe_prints_the_text_and_a_summary_on_stderr(edgekit, speech_clips):
    result = edgekit("transcribe", str(speech_clips["english"]), "--lang", "EN")
    assert result.exit_code == 0, result.output
    assert word_error_rate(ENGLISH_TEXT, result.stdout) <= 0.3
    assert result.stderr.startswith("[whisper-tiny-en, en, ")


def test_transcribe_a_silent_recording(edgekit, speech_clips):
    result = edgekit("transcribe", str(speech_clips["silence"]))
    assert result.exit_code == 1
    assert "error [audio_silent]" in result.stderr and "Traceback" not in result.output


def test_transcribe_a_file_that_is_not_there(edgekit, tmp_path):
    result = edgekit("transcribe", str(tmp_path / "missing.ogg"))
    assert result.exit_code == 1
    assert "error [audio_not_found]" in result.stderr


def test_transcribe_without_the_speech_model_says_which_command_installs_it(edgekit, speech_clips):
    result = edgekit("transcribe", str(speech_clips["english"]), "--lang", "en", models_dir=None)
    assert result.exit_code == 1
    assert "edgekit models pull whisper-tiny-en" in result.stderr
