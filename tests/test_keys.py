"""Technicians' key pairs and the keys a box trusts."""

from __future__ import annotations

import base64
import stat

import pytest

from edgekit.errors import EdgekitError
from edgekit.packs.keys import (
    create_key_pair,
    find_trusted,
    load_private_key,
    parse_public_key,
    private_key_is_encrypted,
    trust,
    trusted_key_files,
    trusted_keys,
    untrust,
)


def test_a_key_pair_is_a_secret_pem_and_a_one_line_public_key(tmp_path):
    pair = create_key_pair("alice", tmp_path / "keys")
    assert stat.S_IMODE(pair.private_path.stat().st_mode) == 0o600
    assert stat.S_IMODE((tmp_path / "keys").stat().st_mode) == 0o700
    assert pair.private_path.read_text().startswith("-----BEGIN PRIVATE KEY-----")
    kind, encoded, name = pair.public_path.read_text().split()
    assert (kind, name) == ("ed25519", "alice") and len(base64.b64decode(encoded)) == 32
    assert pair.public_path.read_text().count("\n") == 1
    private, key_name = load_private_key(pair.private_path)
    assert key_name == "alice"
    signature = private.sign(b"manifest")
    pair.public.verifier().verify(signature, b"manifest")  # raises if the halves do not belong together
    assert pair.public.fingerprint.startswith("SHA256:") and len(pair.public.fingerprint) == 50


def test_an_existing_key_is_never_overwritten(tmp_path):
    pair = create_key_pair("alice", tmp_path)
    before = pair.private_path.read_bytes()
    with pytest.raises(EdgekitError) as caught:
        create_key_pair("alice", tmp_path)
    assert caught.value.code == "key_exists" and pair.private_path.read_bytes() == before


def test_a_passphrase_protects_the_private_key(tmp_path):
    pair = create_key_pair("bob", tmp_path, passphrase="correct horse")
    assert private_key_is_encrypted(pair.private_path)
    with pytest.raises(EdgekitError) as needed:
        load_private_key(pair.private_path)
    assert needed.value.code == "key_passphrase_needed"
    with pytest.raises(EdgekitError) as wrong:
        load_private_key(pair.private_path, "battery staple")
    assert wrong.value.code == "key_unreadable"
    assert load_private_key(pair.private_path, "correct horse")[1] == "bob"


@pytest.mark.parametrize(
    "line",
    [
        "ssh-ed25519 AAAA alice",
        "ed25519 not-base64! alice",
        "ed25519 " + base64.b64encode(b"short").decode() + " a",
        "",
    ],
)
def test_a_malformed_public_key_is_a_clear_error(line):
    with pytest.raises(EdgekitError) as caught:
        parse_public_key(line, "key.pub")
    assert caught.value.code == "key_invalid" and "key.pub" in caught.value.message


@pytest.mark.parametrize("name", ["../evil", ".hidden", "a/b", ""])
def test_a_key_name_is_a_plain_file_name(tmp_path, name):
    with pytest.raises(EdgekitError) as caught:
        create_key_pair(name, tmp_path)
    assert caught.value.code == "key_name_invalid"


def test_trust_list_and_untrust(tmp_path):
    home = tmp_path / "home"
    alice = create_key_pair("alice", tmp_path / "alice")
    key, new = trust(home, alice.public_path)
    assert new and (home / "keys" / "trusted" / "alice.pub").read_text() == alice.public_path.read_text()
    assert trust(home, alice.public_path) == (key, False)  # the same key again changes nothing
    assert find_trusted(home, alice.public.fingerprint) == key
    other = create_key_pair("alice", tmp_path / "other")  # another key with the same name
    with pytest.raises(EdgekitError) as caught:
        trust(home, other.public_path)
    assert caught.value.code == "key_exists"
    assert trust(home, other.public_path, name="alice-laptop")[1]
    assert [k.name for k in trusted_keys(home)] == ["alice", "alice-laptop"]
    untrust(home, "alice")
    assert [k.name for k in trusted_keys(home)] == ["alice-laptop"]
    with pytest.raises(EdgekitError) as missing:
        untrust(home, "alice")
    assert missing.value.code == "key_not_found" and "alice-laptop" in missing.value.message


def test_a_broken_trusted_key_file_is_listed_with_its_problem_and_trusted_for_nothing(tmp_path):
    directory = tmp_path / "keys" / "trusted"
    directory.mkdir(parents=True)
    (directory / "broken.pub").write_text("ed25519 nonsense")
    [entry] = trusted_key_files(tmp_path)
    assert entry.name == "broken" and entry.key is None and "not an edgekit public key" in entry.problem
    assert trusted_keys(tmp_path) == []


def test_a_key_written_by_provisioning_is_trusted_under_its_file_name(tmp_path):
    pair = create_key_pair("Site-Tech", tmp_path / "made")  # provisioning allows capitals in names
    directory = tmp_path / "keys" / "trusted"
    directory.mkdir(parents=True)
    (directory / "Site-Tech.pub").write_text(pair.public_path.read_text())
    assert [k.fingerprint for k in trusted_keys(tmp_path)] == [pair.public.fingerprint]
