"""Apps' knowledge is indexed under the app's id, and the server only re-indexes when a document changed."""

from edgekit.kit import Kit
from edgekit.knowledge import retrieve
from edgekit.knowledge.sync import needs_sync, sync_app_knowledge, sync_in_child
from edgekit.settings import Settings


def test_the_agri_documents_are_indexed_for_the_agri_app(installed_models_dir, embed_models_dir, tmp_path):
    kit = Kit(Settings(home=tmp_path, models_dir_override=installed_models_dir, threads=2))
    assert needs_sync(kit)
    reports = sync_app_knowledge(kit)
    assert [r.pack for r in reports] == ["agri-knowledge"] and len(reports[0].added) >= 35
    assert reports[0].failed == []
    assert not needs_sync(kit)
    again = sync_app_knowledge(kit)
    assert again[0].added == [] and again[0].embedded == 0
    assert retrieve(kit, "How do I store maize after harvest?", app="agri")
    kit.close()


def test_the_server_indexes_in_a_child_process(installed_models_dir, embed_models_dir, tmp_path):
    settings = Settings(home=tmp_path, models_dir_override=installed_models_dir, threads=2)
    assert sync_in_child(settings) == 0
    kit = Kit(settings)
    assert not needs_sync(kit)
    assert retrieve(kit, "How do I stop weevils in stored maize?", app="agri")  # the child's index is ours
    kit.close()
