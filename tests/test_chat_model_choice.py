"""Which chat model a box uses: the best its total memory holds, unless a technician pins one."""

from __future__ import annotations

import pytest

from edgekit.models.catalog import Catalog
from edgekit.settings import Settings, bundled_catalog_dir, chat_model_choice, chat_model_for_ram


@pytest.mark.parametrize(
    "total_mb, model",
    [
        (8000, "qwen2.5-1.5b-instruct"),
        (3900, "qwen2.5-1.5b-instruct"),  # a "4 GB" Pi reports a little under 4000 MB
        (3000, "qwen2.5-0.5b-instruct"),
        (1900, "qwen2.5-0.5b-instruct"),  # a "2 GB" box
        (900, "gemma3-270m-q4km"),  # a "1 GB" box
    ],
)
def test_the_rule_on_total_memory(total_mb, model):
    assert chat_model_for_ram(total_mb) == model


def test_every_model_the_rule_names_is_an_instruct_or_chat_entry_in_the_catalog():
    from edgekit.settings import CHAT_MODEL_BY_RAM_MB

    catalog = Catalog.from_dir(bundled_catalog_dir())
    for _least, model in CHAT_MODEL_BY_RAM_MB:
        assert catalog.get(model).task == "chat"
    assert catalog.get("qwen2.5-0.5b-instruct").prompt_format == "chat_template"


def test_a_pin_wins_and_says_so(monkeypatch, tmp_path):
    monkeypatch.setenv("EDGEKIT_CHAT_MODEL", "qwen2.5-0.5b-instruct")
    pinned = Settings(home=tmp_path)
    assert pinned.chat_model == "qwen2.5-0.5b-instruct" and "pinned" in chat_model_choice(pinned)
    monkeypatch.delenv("EDGEKIT_CHAT_MODEL")
    chosen = Settings(home=tmp_path)
    assert chosen.chat_model == chat_model_for_ram(__import__("psutil").virtual_memory().total / 1e6)
    assert "chosen for" in chat_model_choice(chosen)


def test_device_toml_can_pin_the_chat_model(monkeypatch, tmp_path):
    monkeypatch.delenv("EDGEKIT_CHAT_MODEL", raising=False)
    tmp_path.joinpath("device.toml").write_text('[site]\nchat_model = "gemma3-270m-q4km"\n', encoding="utf-8")
    assert Settings(home=tmp_path).chat_model == "gemma3-270m-q4km"


def test_pull_defaults_includes_the_boxs_chat_model():
    catalog = Catalog.from_dir(bundled_catalog_dir())
    ids = [spec.id for spec in catalog.box_defaults("qwen2.5-0.5b-instruct")]
    assert "qwen2.5-0.5b-instruct" in ids and "gemma3-270m-q4km" in ids and len(ids) == len(set(ids))
    assert "qwen2.5-1.5b-instruct" not in ids
