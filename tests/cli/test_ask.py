import json

from tests.conftest import CHAT_MODEL


def test_ask_streams_an_answer_from_the_real_model(edgekit):
    result = edgekit("ask", "How do I store maize after harvest?", "--max-tokens", "30", "--seed", "2")
    assert result.exit_code == 0, result.output
    answer = result.stdout.strip()
    assert len(answer) > 3
    assert f"[{CHAT_MODEL}," in result.stderr  # the tokens and latency line goes to stderr


def test_ask_json(edgekit):
    result = edgekit("ask", "What do chickens eat?", "--max-tokens", "20", "--json", "--seed", "4")
    assert result.exit_code == 0, result.output
    body = json.loads(result.stdout)
    assert set(body) == {"answer", "model", "tokens", "latency_ms"}
    assert body["model"] == CHAT_MODEL
    assert body["answer"] and 0 < body["tokens"] <= 20 and body["latency_ms"] > 0


def test_ask_without_a_chat_model_says_which_command_installs_it(edgekit):
    result = edgekit("ask", "Hello?", models_dir=None)
    assert result.exit_code == 1
    assert f"edgekit models pull {CHAT_MODEL}" in result.stderr
    assert "Traceback" not in result.output


def test_ask_with_an_empty_question(edgekit):
    result = edgekit("ask", "  ")
    assert result.exit_code == 1
    assert "error [empty_question]" in result.stderr
