import json


def test_bench_measures_every_default_model(edgekit, embed_models_dir, installed_models_dir):
    result = edgekit("bench", "--json")
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert set(report) == {"chat", "stt", "tts", "embed", "peak_rss_mb"}
    assert set(report["chat"]) == {"model", "threads", "tokens_per_s", "ttft_ms"}
    assert report["chat"]["model"] == "gemma3-270m-q4km" and report["chat"]["threads"] == 2
    # Speeds are positive measurements, not targets: how fast is benchmarks/' business (a loaded CI machine saw
    # 0.2 tokens/s here).
    assert report["chat"]["tokens_per_s"] > 0 and report["chat"]["ttft_ms"] > 0
    assert set(report["stt"]) == {"model", "threads", "rtf"} and report["stt"]["model"] == "whisper-tiny-en"
    assert report["stt"]["rtf"] > 0
    assert set(report["tts"]) == {"model", "rtf"} and report["tts"]["model"] == "piper-en-us-joe-medium"
    assert set(report["embed"]) == {"model", "sentences_per_s"} and report["embed"]["sentences_per_s"] > 0
    assert report["peak_rss_mb"] > 100


def test_bench_with_no_models_says_what_is_missing(edgekit, tmp_path):
    empty = tmp_path / "no-models"
    empty.mkdir()
    result = edgekit("bench", "--json", models_dir=empty)
    assert result.exit_code == 0
    report = json.loads(result.stdout)
    assert report["chat"]["error"] == "model_not_installed"
    assert report["embed"]["error"] == "model_not_installed"
    assert report["tts"]["model"].startswith("espeak-ng")  # the box still has a voice
