"""The real gemma-3-270m model through the llama.cpp engine (loaded once for the session by chat_kit)."""

from edgekit.engines.llm_llamacpp import Generation


def test_streams_an_answer_in_pieces(chat_kit):
    generation = Generation()
    with chat_kit.manager.acquire("chat") as llm:
        pieces = list(
            llm.stream_answer("How do I store maize after harvest?", max_tokens=40, seed=7, generation=generation)
        )
    assert len(pieces) > 1, "tokens should arrive one by one, not as one block"
    assert "".join(pieces) == generation.text
    assert generation.text.strip()
    assert 0 < generation.tokens <= 40
    assert generation.finish_reason in ("stop", "length")


def test_max_tokens_bounds_the_answer(chat_kit):
    generation = Generation()
    with chat_kit.manager.acquire("chat") as llm:
        list(
            llm.stream_answer("Tell me everything about cassava farming.", max_tokens=5, seed=1, generation=generation)
        )
    assert generation.tokens <= 6  # re-tokenising the text may differ from the sampled count by one
    assert generation.finish_reason in ("length", "stop")


def test_same_seed_same_answer(chat_kit):
    with chat_kit.manager.acquire("chat") as llm:
        first = "".join(llm.stream_answer("What do goats eat?", max_tokens=25, seed=42, temperature=0.8))
        second = "".join(llm.stream_answer("What do goats eat?", max_tokens=25, seed=42, temperature=0.8))
    assert first == second


def test_plain_completion_stops_before_the_next_question(chat_kit):
    with chat_kit.manager.acquire("chat") as llm:
        prompt, stop = llm.question_prompt("  Why do bean leaves turn yellow?  ")
        assert prompt.endswith("Question: Why do bean leaves turn yellow?\nAnswer:")
        assert "Question:" in stop
        text = "".join(llm.stream_answer("Why do bean leaves turn yellow?", max_tokens=120, seed=3))
    assert "Question:" not in text
    assert not text.startswith(" ")
