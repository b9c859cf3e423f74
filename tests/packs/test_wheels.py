"""A pack carries a built wheel (as it carries llama-cpp-python to a box with no compiler): recorded with its tags
and architecture, verified like every file, installed with pip only on a machine it fits.

The wheels are small and real, built here with this machine's platform tag (or another's); they are installed into
a throwaway venv, never into the one running the tests."""

from __future__ import annotations

import json
import platform
import subprocess
import sys
from pathlib import Path

import pytest

from edgekit.errors import EdgekitError
from edgekit.packs.importer import import_pack
from edgekit.packs.manifest import MANIFEST_FILE
from edgekit.packs.record import read_records
from edgekit.packs.verify import verify_pack
from edgekit.packs.wheels import WHEELS_DIR
from tests.packs.conftest import make_pack, nothing_installed, read_members, resign, write_members
from tests.packs.test_verify import edit_manifest, refused
from tests.wheels import build_wheel

MACHINE = platform.machine()
OTHER_MACHINE = "aarch64" if MACHINE == "x86_64" else "x86_64"


@pytest.fixture(scope="module")
def venv(tmp_path_factory) -> Path:
    """A venv with pip (from ensurepip: offline) for the wheels to go into."""
    path = tmp_path_factory.mktemp("venv") / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(path)], check=True, capture_output=True)
    return path / "bin" / "python"


def probe_wheel(directory: Path, machine: str = MACHINE, version: str = "1.0") -> Path:
    code = f"BUILT_FOR = {machine!r}\nVERSION = {version!r}\n".encode()
    return build_wheel(directory, "ek-probe", version, {"ek_probe/built.py": code}, tag=f"py3-none-linux_{machine}")


def installed_version(python: Path) -> str | None:
    done = subprocess.run(
        [str(python), "-c", "import ek_probe.built as b; print(b.VERSION)"], capture_output=True, text=True, check=False
    )
    return done.stdout.strip() if done.returncode == 0 else None


def test_the_wheel_is_recorded_with_its_tags_and_architecture(office, keys, tmp_path, box):
    wheel = probe_wheel(tmp_path / "dist")
    pack = make_pack(office, keys, tmp_path / "usb" / "llama.ekpack", models=(), wheels=[wheel])
    manifest = json.loads(next(data for member, data in read_members(pack) if member.name == MANIFEST_FILE))
    assert manifest["parts"] == [
        {
            "type": "wheel",
            "file": wheel.name,
            "distribution": "ek-probe",
            "version": "1.0",
            "tags": [f"py3-none-linux_{MACHINE}"],
            "architecture": MACHINE,
        }
    ]
    [listed] = manifest["files"]
    assert listed["path"] == f"wheels/{wheel.name.removesuffix('.whl')}/{wheel.name}"
    assert listed["size"] == wheel.stat().st_size
    assert verify_pack(pack, box.settings.home).manifest.parts[0].architecture == MACHINE


def test_a_wheel_for_this_machine_is_installed_and_kept_for_the_makefile(office, keys, tmp_path, box, venv):
    wheel = probe_wheel(tmp_path / "dist", version="1.0")
    pack = make_pack(office, keys, tmp_path / "usb" / "llama.ekpack", wheels=[wheel])
    result = import_pack(box, pack, python=str(venv))
    assert result.wheels == [wheel.name] and result.models  # the model came along too
    assert installed_version(venv) == "1.0"
    kept = box.settings.home / WHEELS_DIR / wheel.name
    assert kept.read_bytes() == wheel.read_bytes()
    assert read_records(box.settings.home)[-1]["wheels"] == [wheel.name]
    # A newer build of the same wheel replaces the installed one (pip --force-reinstall): the doctor's fix for a
    # box whose own build does not run.
    newer = probe_wheel(tmp_path / "dist2", version="1.1")
    import_pack(
        box, make_pack(office, keys, tmp_path / "usb" / "newer.ekpack", models=(), wheels=[newer]), python=str(venv)
    )
    assert installed_version(venv) == "1.1"


def test_a_wheel_for_another_architecture_is_refused_and_nothing_installed(office, keys, tmp_path, box, venv):
    wheel = probe_wheel(tmp_path / "dist", machine=OTHER_MACHINE, version="9.9")
    pack = make_pack(office, keys, tmp_path / "usb" / "pi.ekpack", wheels=[wheel])
    verify_pack(pack, box.settings.home)  # a good pack, only not for this box
    with pytest.raises(EdgekitError) as refusal:
        import_pack(box, pack, python=str(venv))
    assert refusal.value.code == "wrong_architecture"
    assert OTHER_MACHINE in refusal.value.message and MACHINE in refusal.value.message
    assert nothing_installed(box) and not (box.settings.home / WHEELS_DIR).exists()
    assert installed_version(venv) != "9.9"


def test_a_wheel_that_pip_refuses_installs_nothing_else(office, keys, tmp_path, box, venv):
    broken = tmp_path / "dist" / f"ek_broken-1.0-py3-none-linux_{MACHINE}.whl"
    broken.parent.mkdir()
    probe_wheel(tmp_path / "other").rename(broken)  # its name and its metadata disagree: pip refuses it
    pack = make_pack(office, keys, tmp_path / "usb" / "broken.ekpack", wheels=[broken])
    with pytest.raises(EdgekitError) as refusal:
        import_pack(box, pack, python=str(venv))
    assert refusal.value.code == "wheel_install_failed"
    assert not list(box.settings.models_dir.glob("*"))  # the pack's model was not swapped in


def test_a_changed_wheel_is_refused_like_any_file(office, keys, tmp_path, box):
    pack = make_pack(office, keys, tmp_path / "usb" / "llama.ekpack", models=(), wheels=[probe_wheel(tmp_path)])
    members = read_members(pack)
    changed = [(m, (d[:-1] + bytes([d[-1] ^ 1])) if m.name.endswith(".whl") else d) for m, d in members]
    refused(box, write_members(tmp_path / "changed.ekpack", changed), "pack_tampered")


def test_a_manifest_that_claims_another_architecture_is_refused(office, keys, tmp_path, box):
    pack = make_pack(office, keys, tmp_path / "usb" / "llama.ekpack", models=(), wheels=[probe_wheel(tmp_path)])

    def claim_other(manifest):
        manifest["parts"][0]["architecture"] = OTHER_MACHINE

    members = resign(edit_manifest(read_members(pack), claim_other), keys[1])
    error = refused(box, write_members(tmp_path / "claims.ekpack", members), "pack_invalid")
    assert "architecture" in error.message


def test_what_is_not_a_wheel_cannot_be_packed(office, keys, tmp_path):
    not_a_wheel = tmp_path / "llama_cpp_python-0.3.36-py3-none-linux_x86_64.whl"
    not_a_wheel.write_text("not a zip")
    for path in (not_a_wheel, tmp_path / "notes.txt"):
        path.touch()
        with pytest.raises(EdgekitError) as refusal:
            make_pack(office, keys, tmp_path / "x.ekpack", models=(), wheels=[path])
        assert refusal.value.code == "pack_input_invalid"
