"""edgekit keys create | trust | list | untrust"""

from __future__ import annotations

import json
import stat

from typer.testing import CliRunner

from edgekit.cli.main import app


def run(home, *args, input=None):
    return CliRunner().invoke(app, ["--home", str(home), "keys", *args], input=input, env={"EDGEKIT_MODELS_DIR": None})


def test_create_trust_list_untrust(tmp_path):
    home = tmp_path / "box"
    made = run(home, "create", "--name", "alice", "--out", str(tmp_path / "mine"))
    assert made.exit_code == 0, made.output
    assert "SHA256:" in made.output and stat.S_IMODE((tmp_path / "mine" / "alice.key").stat().st_mode) == 0o600
    again = run(home, "create", "--name", "alice", "--out", str(tmp_path / "mine"))
    assert again.exit_code == 1 and "error [key_exists]" in again.output
    empty = run(home, "list")
    assert "No trusted keys" in empty.output
    trusted = run(home, "trust", str(tmp_path / "mine" / "alice.pub"))
    assert trusted.exit_code == 0 and trusted.output.startswith("trusted alice  SHA256:")
    [row] = json.loads(run(home, "list", "--json").output)
    assert row["name"] == "alice" and row["fingerprint"] in made.output and row["problem"] is None
    assert run(home, "untrust", "alice").exit_code == 0
    assert json.loads(run(home, "list", "--json").output) == []
    gone = run(home, "untrust", "alice")
    assert gone.exit_code == 1 and "error [key_not_found]" in gone.output


def test_create_puts_the_key_in_the_data_directory_unless_told(tmp_path):
    home = tmp_path / "office"
    assert run(home, "create", "--name", "tech").exit_code == 0
    assert (home / "keys" / "private" / "tech.key").is_file()
    assert stat.S_IMODE((home / "keys" / "private").stat().st_mode) == 0o700


def test_create_with_a_passphrase_asks_for_it_twice(tmp_path):
    made = run(tmp_path, "create", "--name", "bob", "--out", str(tmp_path), "--passphrase", input="s3cret\ns3cret\n")
    assert made.exit_code == 0, made.output
    assert "ENCRYPTED" in (tmp_path / "bob.key").read_text()
