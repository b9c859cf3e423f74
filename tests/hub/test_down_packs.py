"""Knowledge and model packs travel down: published at the hub (a real PostgreSQL), fetched by the boxes they are
for (HTTPS, or a USB stick), checked against each box's own trusted keys and installed through the one importer.
The packs are real: made by the project's pack builder from real documents and the real embedding model."""

from __future__ import annotations

import hashlib
import json
import shutil
import tracemalloc
from pathlib import Path

import pytest
from typer.testing import CliRunner

from edgekit.hub import pack_publish
from edgekit.kit import Kit
from edgekit.packs.create import create_pack
from edgekit.packs.keys import create_key_pair, load_private_key, trust
from edgekit.packs.manifest import SIGNATURE_FILE
from edgekit.packs.record import read_records
from edgekit.settings import Settings
from edgekit.sync import packs_in
from tests.conftest import EMBED_MODEL
from tests.hub.conftest import enrol_and_approve
from tests.packs.conftest import copy_installed_model, read_members, write_members

DOCUMENTS = Path(__file__).parent.parent / "knowledge" / "pack"


def _run(*args):
    from edgekit.cli.main import app

    return CliRunner().invoke(app, list(args))


@pytest.fixture(scope="module")
def signed(tmp_path_factory, embed_models_dir) -> dict[str, Path]:
    """Packs as a technician makes them: documents and the embedding model signed by alice (whom the boxes trust),
    the documents signed by mallory (whom they do not), alice's documents altered after signing, and the same
    documents with the signature taken out."""
    root = tmp_path_factory.mktemp("office")
    alice = create_key_pair("alice", root / "keys")
    mallory = create_key_pair("mallory", root / "keys")
    copy_installed_model(embed_models_dir, root / "home" / "models", EMBED_MODEL)
    office = Kit(Settings(home=root / "home", threads=1))
    documents = Path(shutil.copytree(DOCUMENTS, root / "district-docs"))

    def make(name: str, signer, models=(), knowledge=(documents,)) -> Path:
        private, key_name = load_private_key(signer.private_path)
        made = create_pack(
            office,
            models=list(models),
            knowledge=[str(k) for k in knowledge],
            private_key=private,
            key_name=key_name,
            out=root / "out" / f"{name}.ekpack",
            name=name,
        )
        return made.path

    try:
        packs = {
            "docs": make("district-docs", alice),
            "model": make("embed-model", alice, models=(EMBED_MODEL,), knowledge=()),
            "unknown": make("from-mallory", mallory),
        }
    finally:
        office.close()
    members = read_members(packs["docs"])
    altered = [(m, data.replace(b"ORS", b"XYZ", 1) if data and m.name.endswith(".md") else data) for m, data in members]
    assert altered != members, "the documents should mention ORS"
    packs["tampered"] = write_members(root / "out" / "tampered.ekpack", altered)
    unsigned = [(m, data) for m, data in members if m.name != SIGNATURE_FILE]
    assert len(unsigned) == len(members) - 1
    packs["unsigned"] = write_members(root / "out" / "unsigned.ekpack", unsigned)
    packs["alice.pub"] = alice.public_path
    return packs


def _trusting_box(make_box, signed, name: str, facility: str):
    box = make_box(name, facility)
    trust(box.home, signed["alice.pub"])
    return box


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _nothing_installed(box) -> bool:
    """No knowledge folder, no record of an import, no model, no download or staging left behind."""
    home = box.home
    leftovers = [p for p in home.glob(".pack-*") if p.is_file() or any(p.iterdir())]
    models = list((home / "models").iterdir()) if (home / "models").is_dir() else []
    return not (home / "knowledge").exists() and not read_records(home) and not models and not leftovers


def _targets(hub_engine) -> dict[tuple[str, str], tuple[str, str]]:
    """(pack sha256, box) -> (status, code) as the hub's admin sees them."""
    with hub_engine.begin() as connection:
        return {
            (row["sha256"], target["box"]): (target["status"], target["code"])
            for row in pack_publish.published(connection)
            for target in row["boxes"]
        }


def _receive(box) -> list[tuple[str, str, str]]:
    box.sync._kit = box.kit  # the box's own Kit, as the CLI passes it
    return [(o.name, o.status, o.code) for o in box.sync.receive_packs()]


def test_a_pack_reaches_the_box_it_is_for_once_and_no_other(hub_settings, hub_engine, hub_server, make_box, signed):
    a = _trusting_box(make_box, signed, "kwale-1", "Kwale Health Centre")
    b = _trusting_box(make_box, signed, "kwale-2", "Msambweni Dispensary")
    enrol_and_approve(a, hub_server.url, hub_engine)
    enrol_and_approve(b, hub_server.url, hub_engine)

    published = _run("hub", "packs", "publish", str(signed["docs"]), "--to", "kwale-1")
    assert published.exit_code == 0, published.output
    assert "district-docs" in published.output and "kwale-1" in published.output
    assert (hub_settings.home / "packs" / f"{_sha(signed['docs'])}.ekpack").is_file()

    assert _receive(b) == [] and _nothing_installed(b)  # not addressed to it
    assert _receive(a) == [("district-docs", "installed", "")]
    [record] = read_records(a.home)
    assert record["name"] == "district-docs" and record["signer"] == "alice"
    assert (a.home / "knowledge" / "district-docs" / "oral-rehydration.md").is_file()
    assert not any((a.home / packs_in.DOWNLOADS).iterdir())  # the downloaded file is gone once installed
    assert _targets(hub_engine) == {(_sha(signed["docs"]), "kwale-1"): ("installed", "")}

    # Fetched once: the hub offers it no more, and publishing the same bytes again changes nothing.
    assert _receive(a) == []
    copy = shutil.copy(signed["docs"], hub_settings.home.parent / "same-bytes.ekpack")
    assert _run("hub", "packs", "publish", str(copy), "--to", "kwale-1").exit_code == 0
    assert _receive(a) == [] and len(read_records(a.home)) == 1
    assert _targets(hub_engine) == {(_sha(signed["docs"]), "kwale-1"): ("installed", "")}

    listing = json.loads(_run("hub", "packs", "list", "--json").output)
    assert [(p["name"], p["boxes"]) for p in listing] == [
        ("district-docs", [{"box": "kwale-1", "status": "installed", "code": ""}])
    ]


def test_a_tampered_or_unsigned_pack_and_an_unknown_signer_are_refused_whole(
    hub_settings, hub_engine, hub_server, make_box, signed
):
    a = _trusting_box(make_box, signed, "taita-1", "Wundanyi Health Centre")
    enrol_and_approve(a, hub_server.url, hub_engine)
    for name in ("tampered", "unsigned", "unknown"):
        assert _run("hub", "packs", "publish", str(signed[name]), "--to", "taita-1").exit_code == 0

    assert sorted(_receive(a)) == [
        ("district-docs", "refused", "pack_tampered"),
        ("district-docs", "refused", "pack_unsigned"),
        ("from-mallory", "refused", "pack_unknown_key"),
    ]
    assert _nothing_installed(a)
    assert _targets(hub_engine) == {
        (_sha(signed["tampered"]), "taita-1"): ("refused", "pack_tampered"),
        (_sha(signed["unsigned"]), "taita-1"): ("refused", "pack_unsigned"),
        (_sha(signed["unknown"]), "taita-1"): ("refused", "pack_unknown_key"),
    }
    assert _receive(a) == []  # a refused pack is not fetched again at every sync
    a.sync.push(force=True)  # the box's refusals reach the hub, as the timer pushes before it receives

    # Once the site trusts mallory, the hub admin publishes it again and it installs: the refusal the hub holds
    # was said before the new publish, so it does not settle it.
    trust(a.home, signed["alice.pub"].with_name("mallory.pub"))
    assert _run("hub", "packs", "publish", str(signed["unknown"]), "--to", "taita-1").exit_code == 0
    assert _targets(hub_engine)[(_sha(signed["unknown"]), "taita-1")] == ("pending", "")
    assert _receive(a) == [("from-mallory", "installed", "")]
    assert _targets(hub_engine)[(_sha(signed["tampered"]), "taita-1")] == ("refused", "pack_tampered")  # untouched


def test_a_download_that_does_not_match_is_never_installed_and_a_cut_one_resumes(
    hub_settings, hub_engine, hub_server, make_box, signed, monkeypatch
):
    a = _trusting_box(make_box, signed, "lamu-1", "Lamu Dispensary")
    enrol_and_approve(a, hub_server.url, hub_engine)
    done = pack_publish.publish(hub_engine, hub_settings.home, signed["docs"], ["lamu-1"], False, "tests")
    stored = pack_publish.pack_file(hub_settings.home, done.sha256)
    good = stored.read_bytes()

    stored.write_bytes(good[:-10] + b"0123456789")  # the hub's disk (or the link) changed some bytes
    assert _receive(a) == [("district-docs", "failed", "pack_download_corrupt")]
    assert _nothing_installed(a)
    assert _targets(hub_engine)[(done.sha256, "lamu-1")] == ("pending", "")  # tried again next time

    # A hub that sends more than its sealed list says: the box stops one byte past the size, never fills its disk.
    stored.write_bytes(good + bytes(8_000_000))
    written = []
    real_hash_file = packs_in.hash_file
    monkeypatch.setattr(packs_in, "hash_file", lambda path: written.append(path.stat().st_size) or real_hash_file(path))
    assert _receive(a) == [("district-docs", "failed", "pack_download_corrupt")]
    assert written == [len(good) + 1] and _nothing_installed(a)
    monkeypatch.undo()

    stored.write_bytes(good)
    downloads = a.home / packs_in.DOWNLOADS
    partial = downloads / f"{done.sha256}.part"
    partial.write_bytes(good[: len(good) // 3])  # a download cut a third of the way
    stale = [downloads / f"{'e' * 64}.part", downloads / f"{done.sha256}.ekpack"]  # no longer offered; a power cut
    for path in stale:
        path.write_bytes(b"left over")
    assert _receive(a) == [("district-docs", "installed", "")]
    assert not partial.exists() and read_records(a.home)[0]["name"] == "district-docs"
    assert list(downloads.iterdir()) == []


def test_a_model_pack_streams_to_disk_after_the_free_space_is_checked(
    hub_settings, hub_engine, hub_server, make_box, signed, monkeypatch
):
    a = _trusting_box(make_box, signed, "kilifi-1", "Kilifi Clinic")
    enrol_and_approve(a, hub_server.url, hub_engine)
    pack_publish.publish(hub_engine, hub_settings.home, signed["model"], [], True, "tests")

    real_usage = shutil.disk_usage
    monkeypatch.setattr(packs_in.shutil, "disk_usage", lambda path: real_usage(path)._replace(free=5_000_000))
    assert _receive(a) == [("embed-model", "failed", "pack_no_space")]
    assert _nothing_installed(a) and _targets(hub_engine)[(_sha(signed["model"]), "kilifi-1")] == ("pending", "")

    monkeypatch.undo()
    peaks = []
    real_download = packs_in.download

    def measured(*args):
        tracemalloc.start()
        try:
            return real_download(*args)
        finally:
            peaks.append(tracemalloc.get_traced_memory()[1])
            tracemalloc.stop()

    monkeypatch.setattr(packs_in, "download", measured)
    assert _receive(a) == [("embed-model", "installed", "")]
    assert a.kit.models.status(EMBED_MODEL) == "verified"
    size = signed["model"].stat().st_size
    print(f"model pack {size / 1e6:.1f} MB downloaded with a Python heap peak of {peaks[0] / 1e6:.1f} MB")
    assert size > 20_000_000 and peaks[0] < 4_000_000  # streamed in 1 MB blocks, never held whole


def test_by_usb_stick_installed_once_and_the_hub_hears_of_it(
    hub_settings, hub_engine, hub_server, make_box, signed, tmp_path
):
    a = _trusting_box(make_box, signed, "garissa-1", "Garissa Health Centre")
    b = _trusting_box(make_box, signed, "garissa-2", "Dadaab Dispensary")
    enrol_and_approve(a, hub_server.url, hub_engine)
    enrol_and_approve(b, hub_server.url, hub_engine)
    for name in ("docs", "tampered"):
        assert _run("hub", "packs", "publish", str(signed[name]), "--to", "garissa-1").exit_code == 0
    stick = tmp_path / "stick"

    exported = _run("hub", "export", "--box", "garissa-1", "--box", "garissa-2", "--to", str(stick))
    assert exported.exit_code == 0, exported.output
    assert "2 published packs" in exported.output

    imported = _run("--home", str(a.home), "sync", "import", str(stick))
    assert imported.exit_code == 0, imported.output
    assert "pack district-docs: installed" in imported.output
    assert "pack district-docs: refused [pack_tampered]" in imported.output
    assert [r["name"] for r in read_records(a.home)] == ["district-docs"]

    again = _run("--home", str(a.home), "sync", "import", str(stick))
    assert "pack district-docs: already" in again.output and len(read_records(a.home)) == 1

    other = _run("--home", str(b.home), "sync", "import", str(stick))
    assert other.exit_code == 0 and "pack " not in other.output and _nothing_installed(b)

    # The box's word reaches the hub with its next push: the network then offers nothing.
    assert _targets(hub_engine)[(_sha(signed["docs"]), "garissa-1")] == ("pending", "")
    a.sync.push(force=True)
    assert _targets(hub_engine) == {
        (_sha(signed["docs"]), "garissa-1"): ("installed", ""),
        (_sha(signed["tampered"]), "garissa-1"): ("refused", "pack_tampered"),
    }
    assert _receive(a) == []


def test_the_hub_admin_publishes_from_the_page_and_no_one_else_can(
    hub_settings, hub_engine, hub_server, make_box, signed
):
    import re

    from fastapi.testclient import TestClient

    from edgekit.hub.app import create_hub_app
    from edgekit.hub.users import add_user

    a = _trusting_box(make_box, signed, "voi-1", "Voi Health Centre")
    enrol_and_approve(a, hub_server.url, hub_engine)
    add_user(hub_engine, "admin", "hub_admin", "a long password")
    add_user(hub_engine, "dho", "health_officer", "a long password")
    admin, dho = ("admin", "a long password"), ("dho", "a long password")
    with TestClient(create_hub_app(hub_settings, hub_engine)) as client:
        assert client.get("/packs", auth=dho).status_code == 403
        page = client.get("/packs", auth=admin)
        assert page.status_code == 200 and "voi-1" in page.text and "<script" not in page.text
        assert "Vifurushi" in client.get("/packs?lang=sw", auth=admin).text
        token = re.search(r'name="csrf" value="([0-9a-f]+)"', page.text).group(1)

        def post(auth, csrf):
            with signed["docs"].open("rb") as stream:
                files = {"pack": ("docs.ekpack", stream, "application/octet-stream")}
                data = {"csrf": csrf, "boxes": ["voi-1"]}
                return client.post("/packs", auth=auth, files=files, data=data, follow_redirects=False)

        assert post(dho, token).status_code == 403
        forged = post(admin, "0" * 64)  # a form from another site: the browser would add the admin's credentials
        assert forged.status_code == 403 and forged.json()["error"]["code"] == "csrf_failed"
        assert _targets(hub_engine) == {}
        assert post(admin, token).status_code == 303
        assert "district-docs" in client.get("/packs", auth=admin).text
    assert _targets(hub_engine) == {(_sha(signed["docs"]), "voi-1"): ("pending", "")}
    assert _receive(a) == [("district-docs", "installed", "")]


def test_the_timer_pushes_pulls_and_installs_and_waits_quietly_when_the_hub_is_away(
    hub_settings, hub_engine, hub_server, make_box, signed
):
    from tests.hub.conftest import add_health_records, box_outbox, hub_ledger

    a = _trusting_box(make_box, signed, "malindi-1", "Malindi Health Centre")
    enrol_and_approve(a, hub_server.url, hub_engine)
    add_health_records(a, women=2)
    pack_publish.publish(hub_engine, hub_settings.home, signed["docs"], ["malindi-1"], False, "tests")

    timed = _run("--home", str(a.home), "sync", "push", "--timer")
    assert timed.exit_code == 0, timed.output
    assert "pack district-docs: installed" in timed.output
    status = json.loads(_run("--home", str(a.home), "sync", "status", "--json").output)
    assert status["last_sync"] is not None and status["waiting"] == 1  # the box's word on the pack, for next time
    assert _run("--home", str(a.home), "sync", "push", "--timer").exit_code == 0
    assert hub_ledger(hub_engine, "malindi-1") == box_outbox(a)

    hub_server.stop()  # the link is down: one line in the journal, exit 0, and the back-off starts
    away = _run("--home", str(a.home), "sync", "push", "--timer")
    assert away.exit_code == 0 and "cannot be reached" in away.output
    waiting = _run("--home", str(a.home), "sync", "push", "--timer")
    assert waiting.exit_code == 0 and "backing off" in waiting.output
    assert json.loads(_run("--home", str(a.home), "sync", "status", "--json").output)["failures"] == 1
