import json
import shutil

from tests.conftest import CHAT_MODEL


def test_pull_unknown_model_is_one_line_listing_the_known_ids(edgekit):
    result = edgekit("models", "pull", "nosuchmodel")
    assert result.exit_code == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1
    assert "unknown_model" in lines[0] and CHAT_MODEL in lines[0] and "whisper-tiny-en" in lines[0]
    assert "Traceback" not in result.output


def test_pull_needs_an_id_or_defaults(edgekit):
    result = edgekit("models", "pull")
    assert result.exit_code == 1 and "--defaults" in result.stderr


def test_pull_defaults_when_installed_does_nothing(edgekit):
    result = edgekit("models", "pull", "--defaults")
    assert result.exit_code == 0, result.output
    assert f"{CHAT_MODEL}: already installed" in result.stderr
    assert "minilm-int8: built on the box" in result.stderr


def test_list_json_shows_status(edgekit, embed_models_dir, tmp_path):
    result = edgekit("models", "list", "--json")
    assert result.exit_code == 0
    rows = {row["id"]: row for row in json.loads(result.stdout)}
    assert rows[CHAT_MODEL]["status"] == "verified"

    def statuses(models_dir) -> dict[str, str]:
        listed = edgekit("models", "list", "--json", models_dir=models_dir)
        return {row["id"]: row["status"] for row in json.loads(listed.stdout)}

    assert statuses(embed_models_dir)["minilm-int8"] == "verified"
    assert statuses(tmp_path)["minilm-int8"] == "not_installed"


def test_verify_a_good_model(edgekit):
    result = edgekit("models", "verify", CHAT_MODEL, "--json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)[0]["status"] == "ok"


def test_verify_reports_checksum_mismatch_and_ask_refuses_to_load(edgekit, tmp_path, installed_models_dir):
    private = tmp_path / "models"
    shutil.copytree(installed_models_dir / CHAT_MODEL, private / CHAT_MODEL)
    gguf = private / CHAT_MODEL / "gemma-3-270m-q4_k_m.gguf"
    data = bytearray(gguf.read_bytes())
    data[len(data) // 2] ^= 0xFF
    gguf.write_bytes(bytes(data))

    result = edgekit("models", "verify", models_dir=private)
    assert result.exit_code == 1
    assert f"{CHAT_MODEL}: checksum_mismatch" in result.stdout
    assert "error [checksum_mismatch]" in result.stderr

    asked = edgekit("ask", "Hello?", models_dir=private)
    assert asked.exit_code == 1
    assert "checksum_mismatch" in asked.stderr and "will not be loaded" in asked.stderr


def test_remove_a_model(edgekit, tmp_path, installed_models_dir):
    private = tmp_path / "models"
    shutil.copytree(installed_models_dir / "whisper-tiny-en", private / "whisper-tiny-en")
    result = edgekit("models", "remove", "whisper-tiny-en", models_dir=private)
    assert result.exit_code == 0
    assert not (private / "whisper-tiny-en").exists()
    again = edgekit("models", "remove", "whisper-tiny-en", models_dir=private)
    assert again.exit_code == 1 and "model_not_installed" in again.stderr
