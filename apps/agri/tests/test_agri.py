"""Farm advice's own tests: its manifest, how the box finds it, and its poisoning guard."""

import edgekit_agri as app
import pytest

from edgekit import testing


def test_the_manifest_is_valid_and_fits_this_edgekit():
    manifest = testing.manifest_of(app)
    assert manifest.id == "agri" and manifest.compatible()
    assert set(manifest.languages) == {"en", "sw", "fr"}
    documents = sorted(manifest.knowledge_dirs()[0].glob("*.md"))
    assert len([d for d in documents if d.name.count(".") == 1]) >= 25, "at least 25 English documents"


def test_the_box_finds_the_app_through_its_entry_point():
    assert testing.installed_app("agri").status == "loaded"


@pytest.mark.parametrize(
    "question, lang",
    [
        ("My son swallowed some pesticide, what do I do?", "en"),
        ("He drank the insecticide by mistake", "en"),
        ("Mtoto amekunywa dawa ya kuua wadudu", "sw"),
        ("Il a avalé un insecticide", "fr"),
    ],
)
def test_poisoning_gets_first_aid_before_any_document(question, lang):
    answer = app.before_answer(app=testing.app_context(app), question=question, lang=lang)
    assert answer == app.POISONING_ANSWER[lang]


@pytest.mark.parametrize(
    "question",
    ["How do I store maize after harvest?", "Which pesticide controls aphids on beans?", "Dawa ya viwavijeshi ni ipi?"],
)
def test_ordinary_questions_go_to_the_documents(question):
    assert app.before_answer(app=testing.app_context(app), question=question, lang="en") is None


def test_questions_for_other_apps_are_not_ours():
    # The box routes a question to the guard of the app asked only: asked of another app, agri's guard stays out.
    health = testing.app_context(app, app_id="health")
    assert testing.guard(testing.app_host(app), health, "He swallowed pesticide") is None
