import os
import shutil
import stat
import subprocess
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from edgekit.provision.commit import commit
from edgekit.provision.config import parse_site_config
from edgekit.provision.render import OUTPUTS, render, templates_dir
from edgekit.settings import Settings
from tests.provision.sites import KEY_B64, PASSPHRASE, site
from tests.provision.units import key_values, keyfile, unit_options

UNIT = "etc/systemd/system/edgekit.service"
IMPORT_UNIT = "etc/systemd/system/edgekit-usb-import@.service"
NM_PROFILE = "etc/NetworkManager/system-connections/edgekit-hotspot.nmconnection"


@pytest.fixture
def settings(tmp_path) -> Settings:
    return Settings(home=tmp_path / "var-lib-edgekit", threads=2)


def provisioned(tmp_path, settings, **changes) -> Path:
    root = tmp_path / "root"
    commit(render(parse_site_config(site(**changes)), settings, root))
    return root


def test_the_service_is_sandboxed_limited_and_restarts(tmp_path, settings):
    root = provisioned(tmp_path, settings)
    service = unit_options(root / UNIT)["Service"]
    home = str(settings.home)
    assert service["Restart"] == ["on-failure"]
    assert service["MemoryMax"] == ["1536M"]
    assert f"EDGEKIT_RAM_BUDGET_MB={1536 - 400}" in service["Environment"]  # models are evicted before an OOM kill
    assert f"EDGEKIT_HOME={home}" in service["Environment"] and "EDGEKIT_PORT=80" in service["Environment"]
    assert service["ExecStart"] == [f"{Path(os.sys.executable).parent / 'edgekit'} serve"]
    assert service["User"] == ["edgekit"]
    for option, value in {
        "ProtectSystem": "strict",
        "ReadWritePaths": home,
        "NoNewPrivileges": "yes",
        "PrivateTmp": "yes",
        "PrivateDevices": "yes",
        "ProtectKernelTunables": "yes",
        "RestrictSUIDSGID": "yes",
        "CapabilityBoundingSet": "CAP_NET_BIND_SERVICE",
    }.items():
        assert service[option] == [value], option
    # The test's executable lives outside /home here, so home directories are hidden entirely.
    expected = "read-only" if str(service["ExecStart"][0]).startswith(("/home/", "/root/")) else "yes"
    assert service["ProtectHome"] == [expected]
    assert unit_options(root / UNIT)["Install"]["WantedBy"] == ["multi-user.target"]


def test_a_program_under_home_keeps_home_readable(tmp_path, settings):
    root = provisioned(tmp_path, settings, server__executable="/home/pi/edgekit/.venv/bin/edgekit")
    assert unit_options(root / UNIT)["Service"]["ProtectHome"] == ["read-only"]


@pytest.mark.skipif(shutil.which("systemd-analyze") is None, reason="systemd-analyze is not installed here")
def test_systemd_accepts_both_units(tmp_path, settings):
    root = provisioned(tmp_path, settings)
    instance = tmp_path / "edgekit-usb-import@sda1.service"  # a template is verified as one of its instances
    shutil.copy(root / IMPORT_UNIT, instance)
    for unit in (root / UNIT, instance):
        run = subprocess.run(["systemd-analyze", "verify", str(unit)], capture_output=True, text=True, check=False)
        assert run.returncode == 0, run.stderr
        complaints = [line for line in run.stderr.splitlines() if unit.name in line]
        assert not complaints, complaints  # unknown keys and bad values are only warnings: none at all


def test_a_usb_stick_is_mounted_read_only_and_its_packs_imported(tmp_path, settings):
    root = provisioned(tmp_path, settings)
    rule = (root / "etc/udev/rules.d/90-edgekit-usb-import.rules").read_text()
    [line] = [line for line in rule.splitlines() if line and not line.startswith("#")]
    for match in ('ACTION=="add"', 'SUBSYSTEM=="block"', 'ENV{ID_BUS}=="usb"', 'ENV{ID_FS_USAGE}=="filesystem"'):
        assert match in line
    assert 'TAG+="systemd"' in line and 'ENV{SYSTEMD_WANTS}+="edgekit-usb-import@%k.service"' in line
    service = unit_options(root / IMPORT_UNIT)
    assert service["Unit"]["BindsTo"] == ["dev-%i.device"]
    run = service["Service"]
    assert run["ExecCondition"] == ["+/bin/sh -c '! /usr/bin/findmnt --source /dev/%I >/dev/null'"]
    assert "+/usr/bin/mount -o ro,nosuid,nodev,noexec /dev/%I /run/edgekit/usb/%I" in run["ExecStartPre"]
    assert run["ExecStart"] == [f"{Path(os.sys.executable).parent / 'edgekit'} packs import /run/edgekit/usb/%I"]
    assert "+-/usr/bin/umount /run/edgekit/usb/%I" in run["ExecStopPost"]
    assert (
        run["Type"] == ["oneshot"]
        and run["PrivateNetwork"] == ["yes"]
        and run["ReadWritePaths"] == [str(settings.home)]
    )


def test_the_networkmanager_hotspot_answers_every_name_with_the_box(tmp_path, settings):
    root = provisioned(tmp_path, settings)
    profile = keyfile(root / NM_PROFILE)
    assert stat.S_IMODE((root / NM_PROFILE).stat().st_mode) == 0o600  # NetworkManager ignores a readable one
    assert profile["wifi"]["mode"] == "ap" and profile["wifi"]["ssid"] == "Kilifi Clinic AI"
    assert profile["wifi-security"]["key-mgmt"] == "wpa-psk" and profile["wifi-security"]["psk"] == PASSPHRASE
    assert profile["wifi-security"]["proto"] == "rsn"
    assert profile["ipv4"]["method"] == "shared" and profile["ipv4"]["address1"] == "10.42.0.1/24"
    assert profile["connection"]["interface-name"] == "wlan0" and profile["connection"]["autoconnect"] == "true"
    dns = key_values(root / "etc/NetworkManager/dnsmasq-shared.d/edgekit.conf")
    assert dns == [("address", "/#/10.42.0.1")]
    assert not (root / "etc/hostapd/hostapd.conf").exists()


def test_the_hostapd_hotspot_with_dnsmasq_and_a_fixed_address(tmp_path, settings):
    root = provisioned(
        tmp_path, settings, hotspot__backend="hostapd", hotspot__address="192.168.50.1/24", hotspot__country="KE"
    )
    hostapd = dict(key_values(root / "etc/hostapd/hostapd.conf"))
    assert stat.S_IMODE((root / "etc/hostapd/hostapd.conf").stat().st_mode) == 0o600
    assert hostapd["ssid"] == "Kilifi Clinic AI" and hostapd["wpa_passphrase"] == PASSPHRASE
    assert hostapd["wpa"] == "2" and hostapd["wpa_key_mgmt"] == "WPA-PSK" and hostapd["rsn_pairwise"] == "CCMP"
    assert hostapd["interface"] == "wlan0" and hostapd["country_code"] == "KE" and hostapd["channel"] == "6"
    dnsmasq = key_values(root / "etc/dnsmasq.d/edgekit.conf")
    assert ("dhcp-range", "192.168.50.10,192.168.50.254,255.255.255.0,12h") in dnsmasq
    assert ("address", "/#/192.168.50.1") in dnsmasq and ("interface", "wlan0") in dnsmasq
    network = unit_options(root / "etc/systemd/network/10-edgekit-hotspot.network")
    assert network["Match"]["Name"] == ["wlan0"] and network["Network"]["Address"] == ["192.168.50.1/24"]
    assert not (root / NM_PROFILE).exists()


def test_switching_backend_removes_the_other_ones_files(tmp_path, settings):
    root = provisioned(tmp_path, settings)
    assert (root / NM_PROFILE).exists()
    provisioned(tmp_path, settings, hotspot__backend="hostapd")
    assert not (root / NM_PROFILE).exists() and (root / "etc/hostapd/hostapd.conf").exists()


def test_mdns_name_hostname_time_zone_and_journal_limits(tmp_path, settings):
    root = provisioned(tmp_path, settings)
    service = ET.parse(root / "etc/avahi/services/edgekit.service").getroot()
    assert service.findtext("name") == "St. Mary's Clinic & School"  # escaped in XML, read back whole
    assert service.findtext("service/type") == "_http._tcp" and service.findtext("service/port") == "80"
    assert (root / "etc/hostname").read_text() == "edgekit\n"
    assert "127.0.1.1\tedgekit" in (root / "etc/hosts").read_text()
    assert (root / "etc/timezone").read_text() == "Africa/Nairobi\n"
    assert os.readlink(root / "etc/localtime") == "/usr/share/zoneinfo/Africa/Nairobi"
    journal = unit_options(root / "etc/systemd/journald.conf.d/edgekit.conf")["Journal"]
    assert journal["Storage"] == ["volatile"] and journal["RuntimeMaxUse"] == ["16M"]
    assert journal["ForwardToSyslog"] == ["no"]
    assert "u edgekit - " in (root / "etc/sysusers.d/edgekit.conf").read_text()
    tmpfiles = (root / "etc/tmpfiles.d/edgekit.conf").read_text()
    assert f"d {settings.home} 0750 edgekit edgekit -" in tmpfiles


def test_device_file_and_trusted_keys_go_to_the_data_directory(tmp_path, settings):
    provisioned(tmp_path, settings)
    device = (settings.home / "device.toml").read_text()
    assert PASSPHRASE not in device  # the secret lives only in the root-only hotspot file
    reread = Settings(home=settings.home)
    assert (reread.site_name, reread.site_id, reread.timezone) == (
        "St. Mary's Clinic & School",
        "ke-kilifi-001",
        "Africa/Nairobi",
    )
    assert reread.languages == ["en", "sw"] and reread.region == "Kilifi County, Kenya"
    assert (settings.home / "keys/trusted/packs-2025.pub").read_text() == f"ed25519 {KEY_B64} packs-2025\n"


def test_rendering_twice_gives_the_same_bytes(tmp_path, settings):
    config = parse_site_config(site())
    first = render(config, settings, tmp_path / "root")
    second = render(config, settings, tmp_path / "root")
    assert first == second
    assert all(b"$" not in f.content for f in first if not f.remove)  # no placeholder left unfilled


def test_every_template_is_used():
    used = {output.template for output in OUTPUTS}
    on_disk = {
        str(path.relative_to(templates_dir()))
        for path in templates_dir().rglob("*")
        if path.is_file() and path.name not in ("README.md", "site.example.toml")
    }
    assert on_disk == used
