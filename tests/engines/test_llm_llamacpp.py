"""The real gemma-3-270m model through the llama.cpp engine (loaded once for the session by chat_kit)."""

from edgekit.engines.llm_llamacpp import Generation
from edgekit.models.catalog import Catalog

CHAT = "gemma3-270m-q4km"


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


def test_a_prompt_far_beyond_the_context_is_cut_with_a_warning_not_a_crash(chat_kit):
    generation = Generation()
    long_prompt = "The farmer planted maize and beans. " * 600 + "Question: What did the farmer plant?\nAnswer:"
    with chat_kit.manager.acquire("chat") as llm:
        text = "".join(llm.generate(long_prompt, max_tokens=20, seed=1, generation=generation))
        context = llm.context_length
        assert generation.prompt_tokens + 20 <= context
        assert any(w.startswith("prompt_truncated") for w in generation.warnings)
        assert text.strip()
        # and the engine is still fine afterwards
        assert "".join(llm.stream_answer("What do goats eat?", max_tokens=10, seed=2)).strip()


def test_a_long_prompt_that_fits_shortens_the_answer_budget_instead(chat_kit):
    generation = Generation()
    with chat_kit.manager.acquire("chat") as llm:
        prompt = "Maize. " * 900  # fits, but leaves less room than asked for
        list(llm.generate(prompt, max_tokens=2000, seed=1, generation=generation))
        assert generation.warnings == []
        assert generation.prompt_tokens + generation.tokens <= llm.context_length


def test_a_chat_template_conversation_too_long_for_the_context_is_a_clear_error(installed_models_dir, tmp_path):
    import dataclasses

    import pytest

    from edgekit.engines.llm_llamacpp import LlamaCppEngine
    from edgekit.errors import BadInput
    from edgekit.models.store import ModelStore
    from edgekit.settings import Settings

    settings = Settings(home=tmp_path, models_dir_override=installed_models_dir, threads=2)
    spec = ModelStore(installed_models_dir, Catalog.from_dir(settings.catalog_dir)).installed_spec(CHAT)
    templated = dataclasses.replace(spec, prompt_format="chat_template", context_length=256)
    llm = LlamaCppEngine(templated, installed_models_dir / CHAT, settings)
    try:
        with pytest.raises(BadInput) as caught:
            list(llm.stream_chat([{"role": "user", "content": "maize " * 400}], max_tokens=10))
        assert caught.value.code == "prompt_too_long" and caught.value.http_status == 413
        generation = Generation()  # and the engine still answers afterwards
        list(llm.stream_chat([{"role": "user", "content": "Hi"}], max_tokens=5, seed=1, generation=generation))
        assert generation.finish_reason in ("stop", "length")
    finally:
        llm.unload()


def test_a_chat_template_answer_counts_its_prompt_as_llama_cpp_does(installed_models_dir, tmp_path):
    """/v1 reports usage from the Generation: a templated chat must not say its prompt cost 0 tokens."""
    import dataclasses

    from edgekit.engines.llm_llamacpp import LlamaCppEngine
    from edgekit.models.store import ModelStore
    from edgekit.settings import Settings

    settings = Settings(home=tmp_path, models_dir_override=installed_models_dir, threads=2)
    instruct = "qwen2.5-0.5b-instruct"  # an instruction-tuned model: its GGUF carries the template
    spec = ModelStore(installed_models_dir, Catalog.from_dir(settings.catalog_dir)).installed_spec(instruct)
    assert spec.prompt_format == "chat_template"
    llm = LlamaCppEngine(dataclasses.replace(spec, context_length=512), installed_models_dir / instruct, settings)
    messages = [
        {"role": "system", "content": "Answer in one short sentence."},
        {"role": "user", "content": "When should maize be planted?"},
    ]
    try:
        generation = Generation()
        list(llm.stream_chat(messages, max_tokens=4, seed=1, generation=generation))
        # llama-cpp-python's own count, from its non-streaming answer's usage
        reference = llm._require().create_chat_completion(messages=messages, max_tokens=1, seed=1)
        assert generation.prompt_tokens == reference["usage"]["prompt_tokens"] > 10
    finally:
        llm.unload()
