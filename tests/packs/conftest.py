"""Two data directories, as in the field: the office, where a technician packs installed models and documents, and
the box, which trusts the technician's key and imports. The model is real: the built embedding model (23 MB) copied
from the installed models, stamp and all, into the office's own models directory."""

from __future__ import annotations

import io
import shutil
import tarfile
from pathlib import Path

import pytest

from edgekit.kit import Kit
from edgekit.packs.create import create_pack
from edgekit.packs.keys import create_key_pair, load_private_key, trust
from edgekit.packs.manifest import MANIFEST_FILE, SIGNATURE_FILE
from edgekit.packs.sign import sign_manifest
from edgekit.settings import Settings
from tests import vision_model
from tests.conftest import EMBED_MODEL

DOCUMENTS = Path(__file__).parent.parent / "knowledge" / "pack"


def copy_installed_model(source_dir: Path, models_dir: Path, model_id: str) -> Path:
    """A verified model as `models pull/build` leaves it: copy2 keeps the times, so the stamp stays valid."""
    return Path(shutil.copytree(source_dir / model_id, models_dir / model_id, copy_function=shutil.copy2))


@pytest.fixture
def keys(tmp_path):
    pair = create_key_pair("alice", tmp_path / "keys")
    private, _name = load_private_key(pair.private_path)
    return pair, private


@pytest.fixture
def office(tmp_path, embed_models_dir) -> Kit:
    home = tmp_path / "office"
    copy_installed_model(embed_models_dir, home / "models", EMBED_MODEL)
    vision_model.install(home / "models")
    kit = Kit(Settings(home=home, threads=2))
    yield kit
    kit.close()


@pytest.fixture
def box(tmp_path, keys) -> Kit:
    """A box with no model installed that trusts alice."""
    home = tmp_path / "box"
    trust(home, keys[0].public_path)
    kit = Kit(Settings(home=home, threads=2))
    yield kit
    kit.close()


@pytest.fixture
def documents(tmp_path) -> Path:
    return Path(shutil.copytree(DOCUMENTS, tmp_path / "farm-health"))


def make_pack(office: Kit, keys, out: Path, *, models=(EMBED_MODEL,), knowledge=(), **options) -> Path:
    return create_pack(
        office,
        models=list(models),
        knowledge=[str(k) for k in knowledge],
        private_key=keys[1],
        key_name="alice",
        out=out,
        **options,
    ).path


@pytest.fixture
def pack(office, keys, documents, tmp_path) -> Path:
    return make_pack(office, keys, tmp_path / "usb" / "clinic.ekpack", knowledge=[documents])


# --- altering packs, as a careless copy or an attacker might ---------------------------------------------------


def read_members(path: Path) -> list[tuple[tarfile.TarInfo, bytes | None]]:
    with tarfile.open(path) as archive:
        return [
            (member, archive.extractfile(member).read() if member.isreg() else None) for member in archive.getmembers()
        ]


def write_members(path: Path, members: list[tuple[tarfile.TarInfo, bytes | None]]) -> Path:
    with tarfile.open(path, "w", format=tarfile.PAX_FORMAT) as archive:
        for member, data in members:
            if data is not None:
                member.size = len(data)
            archive.addfile(member, io.BytesIO(data) if data is not None else None)
    return path


def resign(members, private) -> list:
    """Sign the (edited) manifest again, with a key the box trusts: the test then shows the other checks."""
    manifest = next(data for member, data in members if member.name == MANIFEST_FILE)
    signature = sign_manifest(manifest, private)
    return [(m, signature if m.name == SIGNATURE_FILE else d) for m, d in members]


def nothing_installed(kit: Kit) -> bool:
    home = kit.settings.home
    leftovers = [p.name for p in home.iterdir() if p.name.startswith(".")] if home.is_dir() else []
    models = list(kit.settings.models_dir.iterdir()) if kit.settings.models_dir.is_dir() else []
    knowledge = list((home / "knowledge").iterdir()) if (home / "knowledge").is_dir() else []
    return not leftovers and not models and not knowledge and not (home / "packs.json").exists()
