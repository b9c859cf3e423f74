"""edgekit packs create | import | verify | list, as a technician runs them: at the office, then at the box."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from edgekit.cli.main import app
from tests.conftest import EMBED_MODEL
from tests.packs.conftest import DOCUMENTS, copy_installed_model


def run(home, *args, input=None):
    # No EDGEKIT_MODELS_DIR: each home keeps its own models, and nothing is written to the installed ones.
    return CliRunner().invoke(app, ["--home", str(home), *args], input=input, env={"EDGEKIT_MODELS_DIR": None})


@pytest.fixture
def office(tmp_path, embed_models_dir):
    home = tmp_path / "office"
    copy_installed_model(embed_models_dir, home / "models", EMBED_MODEL)
    made = run(
        home, "keys", "create", "--name", "alice", "--out", str(tmp_path / "keys"), "--passphrase", input="pw\npw\n"
    )
    assert made.exit_code == 0, made.output
    return home


def test_from_the_office_to_the_box(office, tmp_path):
    stick = tmp_path / "stick"
    made = run(
        office,
        "packs",
        "create",
        "--models",
        EMBED_MODEL,
        "--knowledge",
        str(DOCUMENTS),
        "--key",
        str(tmp_path / "keys" / "alice.key"),
        "--out",
        str(stick / "clinic.ekpack"),
        "--json",
        input="pw\n",
    )
    assert made.exit_code == 0, made.output
    info = json.loads(made.output[made.output.index("{") :])
    assert info["signer"] == "alice" and info["files"] == 14 and info["bytes"] > 20_000_000

    box = tmp_path / "box"
    refused = run(box, "packs", "import", str(stick))
    assert refused.exit_code == 1 and "error [pack_unknown_key]" in refused.output
    assert not (box / "models").exists()

    assert run(box, "keys", "trust", str(tmp_path / "keys" / "alice.pub")).exit_code == 0
    verified = run(box, "packs", "verify", str(stick / "clinic.ekpack"))
    assert verified.exit_code == 0 and "ok: clinic, signed by alice" in verified.output
    (stick / "zz-broken.ekpack").write_bytes(b"\0" * 2048)
    imported = run(box, "packs", "import", str(stick), "--json")
    assert imported.exit_code == 1  # one pack of the two was refused
    outcomes = json.loads(imported.stdout[imported.stdout.index("[") :])
    assert [(o["ok"], o.get("models"), o.get("error", {}).get("code")) for o in outcomes] == [
        (True, [EMBED_MODEL], None),
        (False, None, "pack_invalid"),
    ]
    listed = run(box, "packs", "list")
    assert listed.exit_code == 0 and "clinic" in listed.output and "by alice" in listed.output
    models = json.loads(run(box, "models", "list", "--json").output)
    assert next(m for m in models if m["id"] == EMBED_MODEL)["status"] == "verified"
    searched = run(box, "knowledge", "search", "How do I store maize after harvest?", "--json")
    assert json.loads(searched.output)[0]["document_path"] == "pack/maize-storage.md"


def test_a_wrong_passphrase_is_a_clear_error(office, tmp_path):
    made = run(
        office, "packs", "create", "--models", EMBED_MODEL, "--key", str(tmp_path / "keys" / "alice.key"),
        "--out", str(tmp_path / "x.ekpack"), input="wrong\n",
    )  # fmt: skip
    assert made.exit_code == 1 and "error [key_unreadable]" in made.output
    assert not (tmp_path / "x.ekpack").exists()


def test_a_tampered_pack_is_refused_by_verify_and_import(office, tmp_path):
    pack = tmp_path / "p.ekpack"
    made = run(
        office, "packs", "create", "--knowledge", str(DOCUMENTS), "--key", str(tmp_path / "keys" / "alice.key"),
        "--out", str(pack), input="pw\n",
    )  # fmt: skip
    assert made.exit_code == 0, made.output
    data = bytearray(pack.read_bytes())
    index = data.index(b"Storing maize")
    data[index] ^= 0x20
    pack.write_bytes(bytes(data))
    box = tmp_path / "box"
    run(box, "keys", "trust", str(tmp_path / "keys" / "alice.pub"))
    for command in ("verify", "import"):
        result = run(box, "packs", command, str(pack))
        assert result.exit_code == 1 and "error [pack_tampered]" in result.output
    assert not (box / "knowledge").exists()
    assert "No packs imported" in run(box, "packs", "list").output


def test_a_wheel_pack_for_another_architecture_verifies_but_is_not_installed(office, tmp_path):
    import platform

    from tests.wheels import build_wheel

    other = "aarch64" if platform.machine() == "x86_64" else "x86_64"
    wheel = build_wheel(tmp_path / "dist", "ek-probe", "1.0", {}, tag=f"py3-none-linux_{other}")
    key = str(tmp_path / "keys" / "alice.key")
    pack = tmp_path / "stick" / "llama.ekpack"
    made = run(office, "packs", "create", "--wheel", str(wheel), "--key", key, "--out", str(pack), input="pw\n")
    assert made.exit_code == 0, made.output
    assert f"wheel {wheel.name}" in made.output
    box = tmp_path / "box"
    assert run(box, "keys", "trust", str(tmp_path / "keys" / "alice.pub")).exit_code == 0
    assert run(box, "packs", "verify", str(pack)).exit_code == 0
    refused = run(box, "packs", "import", str(pack))
    assert refused.exit_code == 1 and "error [wrong_architecture]" in refused.output and other in refused.output
    assert not (box / "wheels").exists()
