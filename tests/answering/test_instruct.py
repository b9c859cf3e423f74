"""Grounded answers from an instruction model: the prompt through the chat template, the sentence-by-sentence
check while streaming, the withdraw event, and the extractive answer by question kind. The generation tests use
the real Qwen2.5-Coder-0.5B-Instruct model (make test installs it), never the 1.5B one: the suite stays fast."""

from __future__ import annotations

import json

import pytest

from edgekit.answering import EXTRACTIVE_MODEL, answer_question
from edgekit.answering.check import SentenceGate, repeats_question, sentence_grounded
from edgekit.answering.prompt import DEFAULT_INSTRUCTION, answer_language, app_instruction, chat_messages
from edgekit.kit import Kit
from edgekit.settings import Settings
from tests.answering.notes import Note

INSTRUCT_MODEL = "qwen2.5-0.5b-instruct"


STORAGE = [
    Note("Maize storage", "Grain is ready for storage at about 13% moisture. Dry it on a tarpaulin, never on soil.")
]


def test_a_sentence_with_a_number_the_passages_do_not_give_is_withdrawn_as_it_ends():
    shown, withdrawn = [], []
    gate = SentenceGate(STORAGE, shown.append, lambda n, s: withdrawn.append((n, s)))
    for piece in ["Dry the grain to 13", "% moisture on a tarpaulin. ", "Then spray it every 3 days", " with dip."]:
        gate.feed(piece)
    assert withdrawn == []  # the second sentence has not ended yet
    gate.finish()
    assert "".join(shown) == "Dry the grain to 13% moisture on a tarpaulin. Then spray it every 3 days with dip."
    assert gate.kept == ["Dry the grain to 13% moisture on a tarpaulin."]
    assert withdrawn == [(1, "Then spray it every 3 days with dip.")]


def test_a_list_marker_is_part_of_the_item_it_starts_not_a_sentence_of_its_own():
    """A numbered list's "1." ends at a full stop; judged alone, its number was not in the passages and every
    marker of a good answer was struck out on the page."""
    shown, withdrawn = [], []
    gate = SentenceGate(STORAGE, shown.append, lambda n, s: withdrawn.append((n, s)))
    for piece in [
        "Do this:\n",
        "1",
        ". Dry it on a tarpaulin",
        ".\n2. Dry the grain to 13% moisture.",
        "\n3. Add 20% dip.",
    ]:
        gate.feed(piece)
    gate.finish()
    assert gate.kept == ["Do this:", "1. Dry it on a tarpaulin.", "2. Dry the grain to 13% moisture."]
    assert withdrawn == [(3, "Add 20% dip.")]  # checked, and struck out as it stands in the stream
    # A number alone that does not continue a list is said, and checked.
    shown, withdrawn = [], []
    gate = SentenceGate(STORAGE, shown.append, lambda n, s: withdrawn.append(s))
    gate.feed("Dry it on a tarpaulin.\n18.\nNever dry it on soil.")
    gate.finish()
    assert withdrawn == ["18."] and gate.kept == ["Dry it on a tarpaulin.", "Never dry it on soil."]
    # A marker written onto its item ("1) Dry") is not a number to check either.
    gate = SentenceGate(STORAGE, shown.append, lambda n, s: withdrawn.append(s))
    gate.feed("1) Dry it on a tarpaulin.\n2) Never dry it on soil.")
    gate.finish()
    assert gate.kept == ["1) Dry it on a tarpaulin.", "2) Never dry it on soil."]


def test_the_question_written_out_again_is_taken_off_the_page_without_failing_the_answer():
    """Small models often start by copying the question ("The question asked is: ..."); it is struck out, but the
    answer after it stands on its own: no extractive answer is added for it."""
    question = "Where should I dry my maize? On the bare soil, is that fine?"
    shown, taken_off = [], []
    gate = SentenceGate(STORAGE, shown.append, lambda n, s: taken_off.append((n, s)), question=question)
    gate.feed("The question asked is: Where should I dry my maize? On the bare soil, is that fine? ")
    gate.feed("Dry it on a tarpaulin, never on soil.")
    gate.finish()
    assert gate.kept == ["Dry it on a tarpaulin, never on soil."]
    assert gate.withdrawn == []
    assert gate.repeated == ["The question asked is: Where should I dry my maize?", "On the bare soil, is that fine?"]
    assert taken_off == [(0, gate.repeated[0]), (1, gate.repeated[1])]


@pytest.mark.parametrize(
    ("sentence", "question", "repeats"),
    [
        (
            "La question est : Elle a accouché ce matin au centre de santé.",
            "Elle a accouché ce matin au centre de santé. Combien de temps doit-elle rester ?",
            True,
        ),
        (
            "Elle doit rester au centre de santé au moins 24 heures avant de rentrer.",
            "Elle a accouché ce matin au centre de santé. Combien de temps doit-elle rester avant de rentrer ?",
            False,
        ),
        # The question's own words, in its order, but saying something new: an answer.
        (
            "Pull out striga from my maize before it flowers.",
            "When should I pull out striga from my maize, and what do I do with the plants I pull?",
            False,
        ),
        ("Do not stop taking the iron tablets.", "My stool is black. Should I stop taking the iron tablets?", False),
        (
            "Swali ni: Je, naweza kuweka majani yenye ugonjwa kwenye mboji?",
            "Je, naweza kuweka majani yenye ugonjwa kwenye mboji?",
            True,
        ),
    ],
)
def test_a_repeat_of_the_question_is_told_from_an_answer_in_its_words(sentence, question, repeats):
    assert repeats_question(sentence, question) is repeats


def test_the_sentence_check_reads_content_words_and_numbers():
    assert sentence_grounded("Grain is ready at about 13% moisture.", STORAGE)
    assert not sentence_grounded("Grain is ready at about 18% moisture.", STORAGE)
    assert not sentence_grounded("Mix the grain with cattle dip and fertilizer powder.", STORAGE)
    assert sentence_grounded("Yes.", STORAGE)  # nothing to check
    # Written in another language than the passages, only its numbers can be checked.
    assert sentence_grounded("Kausha nafaka hadi unyevu wa asilimia 13.", STORAGE)
    assert not sentence_grounded("Kausha nafaka hadi unyevu wa asilimia 20.", STORAGE)


def test_the_instruction_comes_first_and_is_the_same_for_every_question():
    """llama.cpp reuses the KV state of the longest common prefix: the fixed part must lead."""
    from pathlib import Path

    from edgekit_agri import __file__ as agri_init

    instruction = app_instruction(Path(agri_init).parent)
    assert "farm" in instruction and "\n" not in instruction
    assert app_instruction(None) == DEFAULT_INSTRUCTION
    one = chat_messages(instruction, "How dry?", STORAGE, "en")
    two = chat_messages(instruction, "Kausha vipi?", STORAGE, "sw")
    assert one[0] == two[0] == {"role": "system", "content": instruction}
    assert "Question: How dry?" in one[1]["content"] and "Answer in English" in one[1]["content"]
    # The request to answer is written in the answer's language (asked in English, the model answered in English).
    assert "Jibu kwa Kiswahili" in two[1]["content"] and "[1] Maize storage: Grain is ready" in two[1]["content"]
    assert "Répondez en français" in chat_messages(instruction, "Comment ?", STORAGE, "fr")[1]["content"]


def test_the_model_is_shown_each_passages_section_heading():
    """A list of signs means little without its heading: "Go to the health facility now" is the action."""
    signs = Note(
        "Danger signs after birth",
        "- Heavy bleeding. - Fits. - A swollen, painful calf.",
        heading="Danger signs after birth > Go to the health facility now, day or night",
    )
    user = chat_messages(DEFAULT_INSTRUCTION, "Her calf is swollen. Can she wait?", [signs], "en")[1]["content"]
    assert "[1] Danger signs after birth > Go to the health facility now, day or night: - Heavy bleeding" in user
    # What the model was shown is what its sentences are checked against: the heading's words are grounded.
    assert sentence_grounded("Go to the health facility now, day or night.", [signs])


def test_the_answer_language_is_the_askers_when_the_model_writes_it():
    assert answer_language(("en", "fr"), "fr", STORAGE) == "fr"
    assert answer_language(("en", "fr"), "sw", [Note("Hifadhi", "Kausha.", "sw")]) == "sw"
    assert answer_language(("en",), "sw", STORAGE) == "en"


@pytest.mark.parametrize(
    "question, kind",
    [
        ("What should I do about fall armyworm?", "do"),
        ("How dry must maize be before storage?", "amount"),
        ("When should I vaccinate my chickens?", "when"),
        ("What are the danger signs in a newborn?", "signs"),
        ("What is striga?", "what"),
        ("Why does aflatoxin matter?", "why"),
        ("Nifanye nini na viwavijeshi?", "do"),
        ("Mtoto anyonyeshwe kwa muda gani?", "when"),
        ("Dalili za hatari ni zipi?", "signs"),
        ("Combien de consultations prénatales ?", "amount"),
        ("Quand faut-il venir ?", "when"),
        ("Pourquoi sécher le maïs ?", "why"),
        # "when" in a clause is not the question's: this one asks what.
        ("What protective clothing do I need when I spray pesticide?", "do"),
        ("What is Aflasafe and when do I spread it?", "when"),
        ("Ni mimea mingapi iliyoharibiwa kabla nichukue hatua?", "amount"),
        ("Que faire quand le bébé a de la fièvre ?", "do"),
        ("My maize is ready. When should I harvest it?", "when"),
        ("Is there a medicine for worms, and how much do I give?", "amount"),
        ("My chickens twist their necks. Is there a medicine?", "cure"),
        ("Kuku wana kinyesi cha kijani. Kuna dawa ya kutibu?", "cure"),
        ("Peut-on soigner la mosaïque du manioc ?", "cure"),
        # "How do I know it is ...?" asks for the signs; how a disease spreads asks for its cause.
        ("There are caterpillars in my maize. How can I tell if it is fall armyworm?", "signs"),
        ("Comment savoir si mes poules ont la maladie de Newcastle ?", "signs"),
        ("How does banana wilt spread from farm to farm?", "why"),
        ("Ugonjwa wa batobato huenea vipi?", "why"),
        ("D'où vient l'aflatoxine dans les arachides ?", "why"),
        ("How do I stop weevils getting into my stored maize?", "do"),
    ],
)
def test_questions_are_classified_by_what_they_ask(question, kind):
    from edgekit.answering.extractive import question_kind

    assert question_kind(question) == kind


@pytest.fixture(scope="module")
def instruct_kit(installed_models_dir, embed_models_dir, tmp_path_factory):
    from edgekit.knowledge.sync import sync_app_knowledge

    if not (installed_models_dir / INSTRUCT_MODEL / "model.toml").is_file():
        pytest.fail(f"{INSTRUCT_MODEL} is not installed: run `make test` (it pulls it).")
    settings = Settings(
        home=tmp_path_factory.mktemp("instruct-home"),
        models_dir_override=installed_models_dir,
        threads=2,
        chat_model=INSTRUCT_MODEL,
    )
    kit = Kit(settings)
    sync_app_knowledge(kit)
    yield kit
    kit.close()


def test_the_extractive_answer_says_what_to_do_not_what_the_pest_is(instruct_kit):
    kit = Kit(instruct_kit.settings.model_copy(update={"chat_enabled": False}))
    result = answer_question(kit, "agri", "What should I do about fall armyworm in my maize?", lang="en")
    assert result.model == EXTRACTIVE_MODEL
    assert "handpick" in result.answer.lower() or "crush" in result.answer.lower(), result.answer
    assert "storage" not in result.answer.lower()  # no second passage about another subject
    danger = answer_question(kit, "health", "What are the danger signs in pregnancy?", lang="en")
    assert "bleeding" in danger.answer.lower(), danger.answer
    # The section's heading leads its quote only when its first sentence does not already say it.
    assert danger.answer.lower().count("go to the health facility now") == 1, danger.answer


def test_the_model_is_shown_the_best_documents_sections_before_any_other_document(instruct_kit):
    """Weevils in stored maize: the storage document's hermetic bags lead, and fall armyworm's push-pull (which a
    small model then advised against weevils) is not shown while the storage document has sections to give."""
    from edgekit.answering.generate import prompt_passages
    from edgekit.answering.retrieve import find_passages

    question = "Weevils are eating my stored maize, how do I keep them out without chemicals?"
    passages = find_passages(instruct_kit, question, "agri", "en")
    shown = prompt_passages(instruct_kit, question, passages)
    assert passages[0].document_path.endswith("maize-storage.md"), [p.document_path for p in passages]
    assert len(shown) == 3 and all(p.document_path.endswith("maize-storage.md") for p in shown)
    assert any("hermetic" in p.text.lower() for p in shown)
    assert passages[0].text in {p.text for p in shown}  # the chunk retrieval ranked first is always among them


def test_the_instruct_model_streams_a_grounded_answer(instruct_kit):
    streamed, withdrawn = [], []
    result = answer_question(
        instruct_kit,
        "agri",
        "How dry must maize be before I put it in the store?",
        lang="en",
        max_tokens=60,
        seed=0,
        on_text=streamed.append,
        on_withdraw=lambda n, s: withdrawn.append(s),
    )
    assert result.model in (INSTRUCT_MODEL, EXTRACTIVE_MODEL)
    assert len(streamed) > 3  # token by token, not one block
    text = "".join(streamed)
    assert result.withdrawn == withdrawn and all(sentence in text for sentence in withdrawn)
    if result.model == INSTRUCT_MODEL:
        assert "13" in result.answer, result.answer
        assert not result.answer.startswith("From the documents")


def test_a_withdrawn_sentence_is_an_event_and_the_extractive_answer_follows(instruct_kit, monkeypatch):
    """The check itself is tested above; here it rejects the model's first sentence so the event is sure."""
    from fastapi.testclient import TestClient

    from edgekit.answering import check
    from edgekit.server import create_app

    judged = []

    def first_fails(sentence, passages):
        judged.append(sentence)
        return len(judged) > 1

    monkeypatch.setattr(check, "sentence_grounded", first_fails)
    with (
        TestClient(create_app(kit=Kit(instruct_kit.settings))) as client,
        client.stream(
            "POST", "/apps/agri/api/ask", json={"question": "How dry must maize be for storage?", "lang": "en"}
        ) as response,
    ):
        assert response.status_code == 200
        events = [block for block in response.read().decode().split("\n\n") if block]
    names = [block.split("\n")[0].removeprefix("event: ") for block in events]
    assert names[-1] == "done" and "withdraw" in names
    withdraw = json.loads(events[names.index("withdraw")].split("data: ", 1)[1])
    done = json.loads(events[-1].split("data: ", 1)[1])
    assert withdraw == {"withdraw": 0, "text": judged[0]} and done["withdrawn"] == [judged[0]]
    assert judged[0] not in done["answer"] and "From the documents on this box:" in done["answer"]
    later = "".join(
        json.loads(e.split("data: ", 1)[1])["text"]
        for e in events[names.index("withdraw") :]
        if e.startswith("event: token")
    )
    assert "From the documents on this box:" in later  # offered after the withdrawn sentence, in the stream


def test_the_page_without_javascript_shows_withdrawn_sentences_struck_out(settings, monkeypatch):
    """The page rendered on the box (no JavaScript) marks what the stream withdrew; the answer is stubbed here
    (the stream test above runs the model)."""
    import re

    from fastapi.testclient import TestClient

    from edgekit.answering import GroundedAnswer, flow
    from edgekit.server import create_app

    def answered(kit, app_id, question, **_options):
        return GroundedAnswer(
            app=app_id,
            question=question,
            answer="Dry maize to 13% moisture.\n\nFrom the documents on this box:\n[1] Grain is ready at 13%.",
            model=INSTRUCT_MODEL,
            withdrawn=["Spray it with cattle dip."],
        )

    monkeypatch.setattr(flow, "answer_question", answered)
    with TestClient(create_app(kit=Kit(settings))) as client:
        page = client.get("/apps/agri", headers={"accept": "text/html"})
        token = re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)
        response = client.post(
            "/apps/agri/ask", data={"question": "How dry?", "csrf_token": token}, headers={"accept": "text/html"}
        )
    assert response.status_code == 200
    assert "<del>Spray it with cattle dip.</del>" in response.text
    assert "Withdrawn: the box&#39;s model wrote this" in response.text or "Withdrawn: the box's model" in response.text


def test_a_sentence_two_overlapping_sections_share_is_quoted_once():
    from edgekit.answering.extractive import pick_sentences
    from edgekit.knowledge import Passage

    def section(text: str, heading: str) -> Passage:
        return Passage("Striga", "s", "", "", 1.0, "en", "agri/striga.md", text, heading)

    picked = pick_sentences(
        "When should I pull out striga?",
        [
            section("Pull striga before it flowers. Several maize varieties resist striga.", "Striga > Pull"),
            section("Several maize varieties resist striga. Burn the plants you pull.", "Striga > Varieties"),
        ],
    )
    assert len(picked) == len(set(picked)) == 3


@pytest.mark.parametrize(
    ("heading", "text", "lead"),
    [
        # An instruction heading leads what is quoted under it: the signs alone do not say to go now.
        (
            "Dalili za hatari > Nenda kituo cha afya sasa hivi, mchana au usiku",
            "Damu nyingi inayotoka ukeni baada ya kujifungua. Homa kali yenye kutetemeka kwa baridi.",
            "Nenda kituo cha afya sasa hivi, mchana au usiku:",
        ),
        # Items of a list come with the heading that says what they are.
        ("Striga > Signs", "- Maize plants stay short and yellow. - Purple flowers grow at their feet.", "Signs:"),
        # The first sentence already says what the heading says: no lead, said once.
        (
            "Danger signs > Go to the health facility now, day or night",
            "Go to the health facility now if she has any of these signs: heavy bleeding or fits.",
            "",
        ),
        # A heading asking a question leads as it is, with no colon after its "?".
        (
            "Water > How long does it take?",
            "- About two weeks in the dry season. - Longer when it rains.",
            "How long does it take?",
        ),
        # Sentences (not items) under a heading that names a subject: no lead.
        ("Striga > Why it matters", "Striga takes water and food from maize. Yields fall by half.", ""),
    ],
)
def test_a_heading_leads_the_quote_when_it_says_what_to_do_or_what_a_list_is(heading, text, lead):
    from edgekit.answering.extractive import pick_sentences
    from edgekit.knowledge import Passage

    section = Passage("Doc", "s", "", "", 1.0, "en", "app/doc.md", text, heading)
    picked = pick_sentences("Nifanye nini? What are the signs of it?", [section], headed=True)
    assert (picked[0] == lead) if lead else not picked[0].endswith(":"), picked
    assert pick_sentences("What are the signs?", [section])[0] != lead  # only the answer's own quote is headed


def test_a_sentence_that_points_back_at_a_quoted_one_comes_with_it():
    """ "Mbegu hiyo ni sumu" (that seed is poison) says what the sentence before it is about: quoting one without
    the other left a farmer told that treated seed is sold, and not that it must never be eaten."""
    from edgekit.answering.extractive import pick_sentences
    from edgekit.knowledge import Passage

    text = (
        "Panda mapema, mwanzoni mwa mvua, na kwa wakati mmoja na majirani wako wote ili wadudu wasihame kutoka shamba "
        "moja kwenda jingine katika msimu mzima. Nunua mbegu bora kutoka kwa wauzaji waliosajiliwa, na uliza kama "
        "mbegu imetiwa kiuadudu au la, kwa sababu mbegu safi isiyo na kiuadudu na iliyohifadhiwa vizuri katika "
        "mfuko mkavu huota vizuri zaidi na hukupa mavuno mazuri msimu unaofuata bila gharama kubwa za ziada kwa "
        "familia yako yote. Sehemu nyingine huuzwa mbegu iliyotiwa kiuadudu dhidi ya inzi wa "
        "maharage. Mbegu hiyo ni sumu: kamwe usiile wala kuwalisha mifugo. Zungusha maharage na nafaka kila msimu, "
        "weka samadi au mboji na matandazo ili mimea ikue haraka na imara, na ng'oa maharage yanayoota yenyewe."
    )
    section = Passage("Maharage", "s", "", "", 1.0, "sw", "agri/bean-pests.sw.md", text, "Wadudu > Inzi wa maharage")
    picked = pick_sentences("Je, mbegu iliyotiwa dawa dhidi ya inzi wa maharage inafaa?", [section], limit=1)
    said = picked.index("Sehemu nyingine huuzwa mbegu iliyotiwa kiuadudu dhidi ya inzi wa maharage.")
    assert picked[said + 1] == "Mbegu hiyo ni sumu: kamwe usiile wala kuwalisha mifugo."
    assert not any(sentence.startswith("Zungusha") for sentence in picked)
