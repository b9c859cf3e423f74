"""edgekit knowledge add|list|rebuild|remove|search"""

from __future__ import annotations

import json
import shutil

import pytest

from tests.knowledge.conftest import TEST_PACK


@pytest.fixture
def knowledge_cli(edgekit, embed_models_dir):
    return lambda *args, **kwargs: edgekit(
        "knowledge", *args, models_dir=kwargs.pop("models_dir", embed_models_dir), **kwargs
    )


@pytest.fixture
def pack(tmp_path):
    return shutil.copytree(TEST_PACK, tmp_path / "farm")


def test_add_list_search_remove(knowledge_cli, pack):
    added = knowledge_cli("add", str(pack), "--app", "agri")
    assert added.exit_code == 0, added.output
    assert "farm: 11 added" in added.stdout and "passages embedded" in added.stdout
    listed = json.loads(knowledge_cli("list", "--json").stdout)
    assert [(p["name"], p["app"], p["documents"]) for p in listed] == [("farm", "agri", 11)]
    found = knowledge_cli("search", "--json", "--app", "agri", "Dalili za malaria ni zipi?")
    body = json.loads(found.stdout)
    assert [p["document_path"] for p in body[:2]] == ["farm/malaria-signs.sw.md", "farm/malaria-signs.md"]
    assert {"title", "source", "url", "snippet", "score", "language", "text", "heading"} <= set(body[0])
    plain = knowledge_cli("search", "How do I store maize after harvest?")
    assert plain.stdout.startswith("1. Storing maize grain after harvest")
    assert "https://example.org/postharvest/maize-storage" in plain.stdout
    assert knowledge_cli("search", "How do I fix a car gearbox?").stdout.startswith("No passage is relevant")
    removed = knowledge_cli("remove", "farm")
    assert removed.exit_code == 0 and json.loads(knowledge_cli("list", "--json").stdout) == []


def test_rebuild_reports_changes_and_bad_documents(knowledge_cli, pack):
    knowledge_cli("add", str(pack))
    (pack / "handwashing.md").unlink()
    (pack / "broken.md").write_text("---\ntitle: x\n---\ntext\n")
    result = knowledge_cli("rebuild", "--json")
    assert result.exit_code == 1
    [report] = json.loads(result.stdout)
    assert report["removed"] == ["handwashing.md"] and report["unchanged"] == 10
    assert report["failed"][0]["code"] == "bad_document"
    assert "error [bad_document]" in result.stderr and "broken.md" in result.stderr


def test_without_the_embedding_model_search_warns_and_still_answers(knowledge_cli, pack, tmp_path):
    no_models = tmp_path / "no-models"
    added = knowledge_cli("add", str(pack), models_dir=no_models)
    assert added.exit_code == 0 and "keywords only" in added.stdout
    result = knowledge_cli("search", "--json", "How do I store maize after harvest?", models_dir=no_models)
    assert result.exit_code == 0
    assert json.loads(result.stdout)[0]["document_path"] == "farm/maize-storage.md"
    assert "warning: Knowledge by keywords only" in result.stderr


def test_errors_are_one_line_with_a_code(knowledge_cli, tmp_path):
    result = knowledge_cli("remove", "nothing")
    assert result.exit_code == 1 and "error [pack_not_found]" in result.stderr
    result = knowledge_cli("add", str(tmp_path / "missing"))
    assert result.exit_code == 1 and "error [pack_not_found]" in result.stderr
