"""Apps' knowledge is indexed under the app's id, in a child process while the server already serves, and only
re-indexed when a document changed."""

from fastapi.testclient import TestClient

from edgekit.answering import NO_KNOWLEDGE_MODEL, answer_question
from edgekit.kit import Kit
from edgekit.knowledge import retrieve
from edgekit.knowledge.sync import BackgroundSync, needs_sync, sync_app_knowledge
from edgekit.server import create_app
from edgekit.settings import Settings


def test_each_apps_documents_are_indexed_in_a_child_then_only_changes(installed_models_dir, embed_models_dir, tmp_path):
    kit = Kit(Settings(home=tmp_path, models_dir_override=installed_models_dir, threads=2))
    assert needs_sync(kit)
    sync = BackgroundSync(kit).start()
    assert kit.knowledge_indexing.is_set()
    sync.watcher.join(timeout=300)
    assert sync.child.exitcode == 0 and not kit.knowledge_indexing.is_set()
    assert not needs_sync(kit)
    again = {report.pack: report for report in sync_app_knowledge(kit)}
    assert {"agri-knowledge", "health-knowledge"} <= set(again)
    assert all(report.added == [] and report.embedded == 0 and report.failed == [] for report in again.values())
    assert retrieve(kit, "How do I stop weevils in stored maize?", app="agri")  # the child's index is ours
    assert not retrieve(kit, "How do I stop weevils in stored maize?", app="health"), "each app its own documents"
    kit.close()


def test_the_server_serves_while_indexing_and_stops_the_child_when_it_stops(installed_models_dir, tmp_path):
    kit = Kit(Settings(home=tmp_path, models_dir_override=installed_models_dir, threads=2))
    with TestClient(create_app(kit=kit)) as client:
        assert client.get("/healthz").json()["knowledge"] == "indexing"
    assert not kit.knowledge_indexing.is_set(), "the child was stopped with the server"
    assert needs_sync(Kit(kit.settings)), "what was not finished is indexed at the next start"


def test_a_question_asked_while_indexing_is_told_to_come_back(installed_models_dir, tmp_path):
    kit = Kit(Settings(home=tmp_path, models_dir_override=installed_models_dir, threads=2, chat_enabled=False))
    kit.knowledge_indexing.set()
    result = answer_question(kit, "agri", "How do I store maize after harvest?", lang="sw", record=False)
    assert result.model == NO_KNOWLEDGE_MODEL and "bado zinaandaliwa" in result.answer
    kit.knowledge_indexing.clear()
    assert "Sikupata" in answer_question(kit, "agri", "How do I store maize?", lang="sw", record=False).answer
    kit.close()
