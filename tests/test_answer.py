import pytest
from sqlmodel import select

from edgekit.answer import MAX_QUESTION_CHARS, ask
from edgekit.errors import BadInput, ModelNotInstalled
from edgekit.store import session_for
from edgekit.store.tables import Exchange
from tests.conftest import CHAT_MODEL


def test_ask_streams_and_records_the_exchange(chat_kit):
    streamed = []
    result = ask(
        chat_kit.manager,
        "How do I store maize after harvest?",
        max_tokens=30,
        seed=5,
        on_text=streamed.append,
        db=chat_kit.db,
    )
    assert streamed and "".join(streamed).strip() == result.answer
    assert result.model == CHAT_MODEL
    assert 0 < result.tokens <= 30
    assert result.latency_ms > 0
    with session_for(chat_kit.db) as session:
        stored = session.exec(select(Exchange).order_by(Exchange.id.desc())).first()
    assert stored.question == "How do I store maize after harvest?"
    assert stored.answer == result.answer and stored.tokens == result.tokens


@pytest.mark.parametrize(
    "question, code", [("   ", "empty_question"), ("x" * (MAX_QUESTION_CHARS + 1), "question_too_long")]
)
def test_bad_questions_are_refused_before_any_model(bare_settings, question, code):
    from edgekit.kit import Kit

    kit = Kit(bare_settings)  # no model installed: the check must come first
    with pytest.raises(BadInput) as caught:
        ask(kit.manager, question, max_tokens=5)
    assert caught.value.code == code


def test_a_guard_answers_before_any_model_and_nothing_overrules_it(bare_settings):
    from edgekit.hookspecs import hookimpl
    from edgekit.kit import Kit
    from edgekit.plugins import load_plugins

    class DangerSigns:
        @hookimpl
        def before_answer(self, question):
            if "bleeding" in question.lower():
                return "Refer now: heavy bleeding in pregnancy is an emergency."
            return None

    kit = Kit(bare_settings, plugin_host=load_plugins(entry_points=False, extra=(DangerSigns(),)))
    streamed = []
    # No chat model is installed here: the guard's answer must not need one.
    result = ask(
        kit.manager,
        "She has heavy bleeding",
        max_tokens=20,
        on_text=streamed.append,
        guard=kit.plugins.guard,
        db=kit.db,
    )
    assert result.answer == "Refer now: heavy bleeding in pregnancy is an emergency."
    assert result.model == "guard" and streamed == [result.answer]
    assert kit.manager.loaded_ids() == []
    with pytest.raises(ModelNotInstalled):  # a question the guard passes goes on to the (missing) model
        ask(kit.manager, "What should she eat?", max_tokens=20, guard=kit.plugins.guard)
