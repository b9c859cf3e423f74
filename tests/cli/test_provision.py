"""edgekit provision end to end through the CLI: a config file, questions, the password shown once, all or nothing."""

import importlib.metadata
import json
import re
import stat
from pathlib import Path

import pytest
from argon2 import PasswordHasher

from edgekit.kit import Kit
from edgekit.plugins import ENTRY_POINT_GROUP
from edgekit.settings import Settings
from tests.provision.sites import KEY_B64, PASSPHRASE, site, write_site

PASSWORD = re.compile(r"password \(shown only this once; write it down now\): (\S+)")


@pytest.fixture
def root(tmp_path) -> Path:
    return tmp_path / "root"


@pytest.fixture
def site_toml(tmp_path) -> Path:
    return write_site(tmp_path / "site.toml")


def everything_written(*directories: Path) -> bytes:
    return b"".join(p.read_bytes() for d in directories if d.exists() for p in sorted(d.rglob("*")) if p.is_file())


def test_provision_from_a_config_file_shows_the_password_once_and_stores_only_its_hash(edgekit, home, root, site_toml):
    result = edgekit("provision", "--config", str(site_toml), "--root", str(root))
    assert result.exit_code == 0, result.output
    [password] = PASSWORD.findall(result.stdout)
    assert result.output.count(password) == 1
    assert len(password) == 19 and password.count("-") == 3
    assert f"wrote  {root / 'etc/systemd/system/edgekit.service'}" in result.stdout
    assert "app agri: on" in result.stdout and "sudo systemctl enable edgekit" in result.stdout

    written = everything_written(home, root)
    assert password.encode() not in written  # not in a file, a log, or the database in clear
    kit = Kit(Settings(home=home))
    try:
        [user] = kit.accounts.list_users()
        assert (user.name, user.role) == ("amina", "admin")
        assert user.secret_hash.startswith("$argon2id$") and PasswordHasher().verify(user.secret_hash, password)
        assert kit.accounts.authenticate("amina", password).name == "amina"
    finally:
        kit.close()
    # The hotspot's secret is only in the root-only profile.
    profile = root / "etc/NetworkManager/system-connections/edgekit-hotspot.nmconnection"
    assert stat.S_IMODE(profile.stat().st_mode) == 0o600
    assert written.count(PASSPHRASE.encode()) == 1 and PASSPHRASE.encode() in profile.read_bytes()
    assert (home / "keys/trusted/packs-2025.pub").read_text() == f"ed25519 {KEY_B64} packs-2025\n"


def test_provisioning_again_changes_nothing(edgekit, home, root, site_toml):
    assert edgekit("provision", "--config", str(site_toml), "--root", str(root)).exit_code == 0
    stamps = {p: p.lstat().st_mtime_ns for p in root.rglob("*")}
    again = edgekit("provision", "--config", str(site_toml), "--root", str(root), "--json")
    assert again.exit_code == 0, again.output
    body = json.loads(again.stdout)
    assert {f["status"] for f in body["files"]} == {"unchanged"}
    assert body["admin"] == {"name": "amina", "created": False, "password": None}
    assert {p: p.lstat().st_mtime_ns for p in root.rglob("*")} == stamps


def test_provisioning_makes_the_https_certificates_once_and_keeps_the_ca(edgekit, home, root, tmp_path, site_toml):
    from cryptography import x509

    from edgekit.tls import tls_files
    from tests.test_tls import verify

    first = edgekit("provision", "--config", str(site_toml), "--root", str(root), "--json")
    assert first.exit_code == 0, first.output
    files = tls_files(home)
    assert stat.S_IMODE(files.ca_key.stat().st_mode) == 0o600 and stat.S_IMODE(files.folder.stat().st_mode) == 0o700
    leaf = x509.load_pem_x509_certificate(files.server_cert.read_bytes())
    sans = leaf.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
    assert {"edgekit.local", "localhost"} <= set(sans.get_values_for_type(x509.DNSName))
    assert "10.42.0.1" in {str(a) for a in sans.get_values_for_type(x509.IPAddress)}  # the hotspot's address
    # What a phone checks: every name and address verifies against the CA, within its name constraints.
    for name in [*sans.get_values_for_type(x509.DNSName), "10.42.0.1"]:
        verify(files, str(name))
    unit = (root / "etc/systemd/system/edgekit.service").read_text()
    assert "EDGEKIT_HTTPS_PORT=443" in unit
    ca = files.ca_cert.read_bytes()
    moved = write_site(tmp_path / "moved.toml", site(hotspot__address="192.168.50.1/24"))
    again = edgekit("provision", "--config", str(moved), "--root", str(root), "--json")
    assert again.exit_code == 0, again.output
    assert json.loads(again.stdout)["tls_ca_sha256"] == json.loads(first.stdout)["tls_ca_sha256"]
    assert files.ca_cert.read_bytes() == ca  # phones that installed it keep trusting the box
    leaf = x509.load_pem_x509_certificate(files.server_cert.read_bytes())
    sans = leaf.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
    assert "192.168.50.1" in {str(a) for a in sans.get_values_for_type(x509.IPAddress)}


def test_a_bad_config_writes_nothing(edgekit, home, root, tmp_path):
    bad = write_site(tmp_path / "bad.toml", site(site__name="Clinic\nExecStartPre=/bin/rm -rf /"))
    result = edgekit("provision", "--config", str(bad), "--root", str(root))
    assert result.exit_code == 1
    assert "error [unsafe_value]" in result.stderr and "site.name must be one line" in result.stderr
    assert "Traceback" not in result.output
    assert not root.exists() and not home.exists()


def test_an_app_that_is_not_installed_is_refused_before_writing(edgekit, home, root, tmp_path):
    config = write_site(tmp_path / "s.toml", site(apps__enabled=["agri", "weather"]))
    result = edgekit("provision", "--config", str(config), "--root", str(root))
    assert result.exit_code == 1 and "error [unknown_app]" in result.stderr and "weather" in result.stderr
    assert not root.exists() and not (home / "device.toml").exists()


def test_apps_not_named_are_switched_off_and_back_on(edgekit, home, root, tmp_path):
    config = write_site(tmp_path / "s.toml", site(apps__enabled=[]))
    assert "app agri: off" in edgekit("provision", "--config", str(config), "--root", str(root)).stdout
    installed = sorted(entry.name for entry in importlib.metadata.entry_points(group=ENTRY_POINT_GROUP))
    assert "agri" in installed and "health" in installed
    assert json.loads((home / "apps.json").read_text())["disabled"] == installed
    from edgekit.apps import disabled_apps

    assert disabled_apps(home) == set(installed)  # what the server and the CLI read when they start
    write_site(config, site())
    assert "app agri: on" in edgekit("provision", "--config", str(config), "--root", str(root)).stdout
    named = {"agri", "health"}  # what site() enables: the rest stay off
    assert json.loads((home / "apps.json").read_text())["disabled"] == sorted(set(installed) - named)


def test_dry_run_says_what_would_change_and_writes_nothing(edgekit, home, root, site_toml):
    result = edgekit("provision", "--config", str(site_toml), "--root", str(root), "--dry-run")
    assert result.exit_code == 0
    assert f"would write  {root / 'etc/hostname'}" in result.stdout and "password" not in result.stdout
    assert not root.exists() and not home.exists()


def test_interactive_questions_re_ask_a_bad_answer(edgekit, home, root):
    answers = [
        "Kilifi Clinic",  # site name
        "",  # site id: the suggestion, kilifi-clinic
        "Kilifi County",
        "en,sw,de",  # not offered: asked again
        "en,sw",
        "Africa/Nairobi",
        "agri",
        "",  # SSID: the suggestion
        "short",  # too short for WPA2: asked again
        "short",
        PASSPHRASE,
        PASSPHRASE,  # confirmation
        "Amina",
        f"ed25519 {KEY_B64} packs-2025",
        "",
    ]
    result = edgekit("provision", "--root", str(root), input="\n".join(answers) + "\n")
    assert result.exit_code == 0, result.output
    assert "de not offered" in result.output, result.output
    assert "must be 8 to 63 characters (WPA2)" in result.output
    assert PASSPHRASE not in result.output  # typed hidden
    assert len(PASSWORD.findall(result.stdout)) == 1
    settings = Settings(home=home)
    assert (settings.site_id, settings.languages, settings.region) == ("kilifi-clinic", ["en", "sw"], "Kilifi County")
    profile = (root / "etc/NetworkManager/system-connections/edgekit-hotspot.nmconnection").read_text()
    assert "ssid=edgekit-kilifi-clinic" in profile and f"psk={PASSPHRASE}" in profile
    assert (home / "keys/trusted/packs-2025.pub").exists()


def test_an_existing_account_of_another_role_is_not_made_admin(edgekit, root, site_toml):
    assert edgekit("users", "add", "amina", "--role", "teacher", "--pin", "2468").exit_code == 0
    result = edgekit("provision", "--config", str(site_toml), "--root", str(root))
    assert result.exit_code == 1 and "error [user_exists]" in result.stderr
    assert not root.exists()


def test_doctor_and_healthz_show_the_site(edgekit, home, root, site_toml, installed_models_dir):
    from fastapi.testclient import TestClient

    from edgekit.server import create_app

    assert edgekit("provision", "--config", str(site_toml), "--root", str(root)).exit_code == 0
    checks = {c["name"]: c for c in json.loads(edgekit("doctor", "--json").stdout)["checks"]}
    assert checks["site"]["status"] == "ok"
    assert "ke-kilifi-001" in checks["site"]["detail"] and "Africa/Nairobi" in checks["site"]["detail"]
    with TestClient(create_app(Settings(home=home, models_dir_override=installed_models_dir))) as client:
        site_info = client.get("/healthz").json()["site"]
    assert site_info["id"] == "ke-kilifi-001" and site_info["languages"] == ["en", "sw"]
    assert site_info["timezone"] == "Africa/Nairobi"


def test_activate_is_only_for_this_box(edgekit, root, site_toml):
    result = edgekit("provision", "--config", str(site_toml), "--root", str(root), "--activate")
    assert result.exit_code == 1 and "error [bad_arguments]" in result.stderr
    assert not root.exists()


def test_activation_runs_each_step_and_stops_at_a_failure(tmp_path, monkeypatch):
    from edgekit.errors import EdgekitError
    from edgekit.provision.config import parse_site_config
    from edgekit.provision.run import activate, activation_steps

    steps = activation_steps(parse_site_config(site()))
    bin_dir, calls = tmp_path / "bin", tmp_path / "calls"
    bin_dir.mkdir()
    for program in {step[0] for step in steps}:
        fake = bin_dir / program
        fake.write_text(f'#!/bin/sh\necho "{program} $*" >> {calls}\n')
        fake.chmod(0o755)
    monkeypatch.setenv("PATH", str(bin_dir))
    activate(steps, lambda line: None)
    assert [line.strip() for line in calls.read_text().splitlines()] == [" ".join(step) for step in steps]

    (bin_dir / "udevadm").write_text("#!/bin/sh\necho 'udevadm: cannot reload' >&2\nexit 1\n")
    with pytest.raises(EdgekitError) as caught:
        activate(steps, lambda line: None)
    assert caught.value.code == "activation_failed" and "udevadm: cannot reload" in caught.value.message
    assert "Still to do: sudo udevadm control --reload;" in caught.value.message
