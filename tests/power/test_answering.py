"""Profiles where answers are made, with the real agri app, its documents and the real models."""

from __future__ import annotations

import shutil

import pytest
from sqlmodel import select

from edgekit.answering import EXTRACTIVE_MODEL, answer_question
from edgekit.kit import Kit
from edgekit.power.config import pin_profile
from edgekit.settings import Settings
from edgekit.store import session_for
from edgekit.store.tables import Exchange
from edgekit.workers.chat import ChatWorkerEngine  # the chat model's stand-in in the server: the spies go there
from tests.conftest import CHAT_MODEL

QUESTION = "How dry should maize be before storage?"


@pytest.fixture(scope="module")
def agri_kit(installed_models_dir, embed_models_dir, tmp_path_factory):
    from edgekit.knowledge.sync import sync_app_knowledge

    home = tmp_path_factory.mktemp("power-agri")
    settings = Settings(home=home, models_dir_override=installed_models_dir, threads=2, sysfs_root=home / "sys")
    kit = Kit(settings)
    sync_app_knowledge(kit)
    yield kit
    kit.close()


@pytest.fixture
def profile(agri_kit):
    def use(name: str | None) -> None:
        pin_profile(agri_kit.settings.home, name)
        agri_kit.power.refresh()
        agri_kit.manager.unload_idle()

    yield use
    use(None)


def last_exchange(kit) -> Exchange:
    with session_for(kit.db) as session:
        return session.exec(select(Exchange).order_by(Exchange.id.desc())).first()


def test_in_critical_the_chat_model_does_not_run_and_the_answer_is_extractive(agri_kit, profile):
    profile("critical")
    result = answer_question(agri_kit, "agri", QUESTION, lang="en")
    assert result.model == EXTRACTIVE_MODEL and result.citations
    assert CHAT_MODEL not in agri_kit.manager.loaded_ids()
    kept = last_exchange(agri_kit)
    assert kept.power_profile == "critical" and kept.energy_method == "estimated" and kept.energy_j > 0


def test_each_answer_keeps_its_energy_and_eco_answers_are_shorter(agri_kit, profile, monkeypatch):
    asked = []
    generate = ChatWorkerEngine.generate

    def spy(self, prompt, **options):
        asked.append((options["max_tokens"], self.settings.threads))
        return generate(self, prompt, **options)

    monkeypatch.setattr(ChatWorkerEngine, "generate", spy)
    profile("normal")
    answer_question(agri_kit, "agri", QUESTION, lang="en", seed=1)
    normal = last_exchange(agri_kit)
    profile("eco")
    answer_question(agri_kit, "agri", QUESTION, lang="en", seed=1)
    eco = last_exchange(agri_kit)
    assert asked == [(200, 2), (80, 1)]  # the profile's cap and threads, not the Settings'
    assert normal.power_profile == "normal" and eco.power_profile == "eco"
    assert normal.energy_j > 0 and eco.energy_j > 0 and normal.energy_method == eco.energy_method == "estimated"


def test_a_change_of_profile_never_cuts_an_answer_in_progress(agri_kit, profile, monkeypatch):
    from edgekit.engines.llm_llamacpp import Generation

    seen: dict = {}
    generate = ChatWorkerEngine.generate

    def flip_after_first_piece(self, prompt, **options):
        generation = options.setdefault("generation", Generation())
        for number, piece in enumerate(generate(self, prompt, **options)):
            if number == 0:  # the battery drops to critical while the model writes
                profile("critical")
                seen["loaded_after_flip"] = agri_kit.manager.loaded_ids()
            yield piece
        seen.update(finish=generation.finish_reason, tokens=generation.tokens, max_tokens=options["max_tokens"])

    monkeypatch.setattr(ChatWorkerEngine, "generate", flip_after_first_piece)
    profile("normal")
    first = answer_question(agri_kit, "agri", QUESTION, lang="en", max_tokens=60, seed=1)
    assert CHAT_MODEL in seen["loaded_after_flip"]  # the answer's model stays while it writes
    assert seen["finish"] in ("stop", "length") and seen["tokens"] > 1 and seen["max_tokens"] == 60
    assert first.model in (CHAT_MODEL, EXTRACTIVE_MODEL) and last_exchange(agri_kit).power_profile == "normal"
    agri_kit.manager.unload_idle()
    assert CHAT_MODEL not in agri_kit.manager.loaded_ids()  # gone once its answer ended
    second = answer_question(agri_kit, "agri", QUESTION, lang="en")
    assert second.model == EXTRACTIVE_MODEL


def test_in_critical_speech_is_espeak_and_the_neural_voice_stays_unloaded(agri_kit, profile):
    from edgekit.engines.tts_espeak import EspeakSpeaker, EspeakUnavailable
    from edgekit.speech.tts import synthesize_speech

    profile("critical")
    # A missing espeak-ng proves the choice without the program: in normal, English goes to Piper.
    with pytest.raises(EspeakUnavailable):
        synthesize_speech(agri_kit.manager, "Dry the maize well.", "en", espeak=EspeakSpeaker("espeak-ng-missing"))
    if shutil.which("espeak-ng"):  # the real program, where the box has it
        spoken = synthesize_speech(agri_kit.manager, "Dry the maize well.", "en")
        assert spoken.voice.startswith("espeak-ng:") and spoken.duration_s > 0.5
    assert "piper-en-us-joe-medium" not in agri_kit.manager.loaded_ids()
    profile("normal")
    speech = synthesize_speech(agri_kit.manager, "Dry the maize well.", "en", espeak=EspeakSpeaker("espeak-ng-missing"))
    assert speech.voice == "piper-en-us-joe-medium"
