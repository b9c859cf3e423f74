from pathlib import Path

import pytest

from edgekit.catalog import Catalog, parse_spec
from edgekit.errors import CatalogError, UnknownModel

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
