import base64
import tomllib
from pathlib import Path

import pytest

from edgekit.provision.config import SiteConfigError, load_site_config, parse_site_config
from tests.provision.sites import KEY_B64, PASSPHRASE, SITE, site, write_site

EXAMPLE = Path(__file__).parents[2] / "provisioning" / "site.example.toml"


def problem(data: dict) -> SiteConfigError:
    with pytest.raises(SiteConfigError) as caught:
        parse_site_config(data)
    return caught.value


def test_a_good_site_parses_with_defaults_filled_in():
    config = parse_site_config(SITE)
    assert config.name == "St. Mary's Clinic & School" and config.id == "ke-kilifi-001"
    assert config.languages == ("en", "sw") and config.apps == ("agri", "health")
    assert config.hotspot.backend == "networkmanager" and config.hotspot.ip == "10.42.0.1"
    assert config.hotspot.dhcp_range() == ("10.42.0.10", "10.42.0.254")
    assert config.admin == "amina" and config.port == 80 and config.hostname == "edgekit"
    assert [(k.name, base64.b64encode(k.raw).decode()) for k in config.trusted_keys] == [("packs-2025", KEY_B64)]
    assert PASSPHRASE not in repr(config)  # the secret stays out of tracebacks and logs


def test_the_committed_example_is_valid_once_a_passphrase_is_chosen(tmp_path):
    assert problem(tomllib.loads(EXAMPLE.read_text())).code == "bad_site_config"  # no passphrase: no default
    filled = EXAMPLE.read_text().replace('passphrase = ""', 'passphrase = "a long passphrase"')
    config = load_site_config(write_text(tmp_path / "site.toml", filled))
    assert config.id == "ke-kilifi-001" and config.apps == ("agri", "health")


def write_text(path: Path, text: str) -> Path:
    path.write_text(text)
    return path


@pytest.mark.parametrize(
    "changes",
    [
        {"site__name": "Clinic\n[Service]\nExecStartPre=/bin/sh -c reboot"},
        {"site__name": "$(reboot)"},
        {"site__region": "Kilifi `id`"},
        {"site__name": "100% clinic"},  # % is a systemd specifier
        {"hotspot__ssid": "wifi;rm -rf /"},
        {"hotspot__passphrase": "line one\nline two"},
        {"hotspot__passphrase": "back\\slash pass"},
        {"site__id": "ke\nkilifi"},
        {"server__executable": "/opt/edge kit/bin/edgekit"},
        {"trusted_keys": [f"ed25519 {KEY_B64} name\nExecStart=/bin/sh"]},
    ],
)
def test_values_that_could_break_a_system_file_are_unsafe(changes):
    error = problem(site(**changes))
    assert error.code == "unsafe_value", error.message


@pytest.mark.parametrize(
    ("changes", "words"),
    [
        ({"hotspot__passphrase": "short"}, "8 to 63"),
        ({"hotspot__passphrase": "x" * 64}, "8 to 63"),
        ({"hotspot__ssid": "x" * 33}, "at most 32"),
        ({"site__languages": ["en", "de"]}, "de not offered"),
        ({"site__timezone": "Africa/Atlantis"}, "not a known time zone"),
        ({"site__id": "Kilifi"}, "site.id"),
        ({"site__name": None}, "site.name is required"),
        ({"hotspot__address": "8.8.8.1/24"}, "private network"),
        ({"hotspot__address": "10.42.0.100/24"}, "first 9 addresses"),
        ({"hotspot__channel": 14}, "1 to 13"),
        ({"admin__name": "A"}, "admin.name"),
        ({"admin__password": "hunter22"}, "there is no password setting"),
        ({"wifi": {"ssid": "x"}}, "unknown section or key 'wifi'"),
        ({"trusted_keys": ["ed25519 not-base64! k1"]}, "not valid base64"),
        ({"trusted_keys": [f"ed25519 {base64.b64encode(bytes(31)).decode()} k1"]}, "this one is 31"),
        ({"trusted_keys": ["rsa AAAA k1"]}, "expected one line 'ed25519"),
        ({"apps__enabled": ["Agri!"]}, "apps.enabled"),
    ],
)
def test_mistakes_are_named_with_bad_site_config(changes, words):
    error = problem(site(**changes))
    assert error.code == "bad_site_config"
    assert words in error.message


def test_every_problem_is_reported_at_once():
    error = problem(site(hotspot__passphrase="short", site__timezone="Nowhere/Land", admin__name=None))
    assert "hotspot.passphrase" in error.message and "site.timezone" in error.message
    assert "admin.name is required" in error.message


def test_a_missing_or_broken_file_is_a_clear_error(tmp_path):
    with pytest.raises(SiteConfigError, match="does not exist"):
        load_site_config(tmp_path / "nope.toml")
    with pytest.raises(SiteConfigError, match="not valid TOML"):
        load_site_config(write_text(tmp_path / "broken.toml", "[site\nname = 1"))
    assert load_site_config(write_site(tmp_path / "site.toml")).id == "ke-kilifi-001"
