"""A site's [power] thresholds travel from site.toml through `edgekit provision` into device.toml, and the service
sets the clock forward at start."""

from __future__ import annotations

import pytest

from edgekit.power.config import power_config
from edgekit.provision.commit import commit
from edgekit.provision.config import SiteConfigError, parse_site_config
from edgekit.provision.render import render
from tests.provision.sites import site
from tests.provision.units import unit_options


def provisioned(tmp_path, settings, **changes):
    root = tmp_path / "root"
    commit(render(parse_site_config(site(**changes)), settings, root))
    return root


def test_the_sites_thresholds_reach_the_device_file(tmp_path, settings):
    provisioned(tmp_path, settings, power__eco_below=70, power__eco_hours=[18, 7], power__shutdown_below=15)
    config = power_config(settings.home)
    assert (config.eco_below, config.critical_below, config.shutdown_below) == (70, 25, 15)
    assert config.eco_hours == (18, 7)


def test_without_a_power_table_the_defaults_are_written_and_false_means_no_eco_hours(tmp_path, settings):
    provisioned(tmp_path, settings)
    assert power_config(settings.home).eco_below == 50
    provisioned(tmp_path, settings, power__eco_hours=False)
    assert power_config(settings.home).eco_hours is None


@pytest.mark.parametrize(
    "changes, words",
    [
        ({"power__eco_below": 20, "power__critical_below": 30}, "shutdown_below <= critical_below <= eco_below"),
        ({"power__eco_hours": [19, 24]}, "power.eco_hours"),
        ({"power__watts": 5}, "power.watts: unknown key"),
    ],
)
def test_bad_thresholds_are_named(changes, words):
    with pytest.raises(SiteConfigError, match=words.replace(".", r"\.")):
        parse_site_config(site(**changes))


def test_the_service_sets_the_clock_forward_before_it_starts(tmp_path, settings):
    root = provisioned(tmp_path, settings)
    service = unit_options(root / "etc/systemd/system/edgekit.service")["Service"]
    first = service["ExecStartPre"][0]
    # As root ('+'), before the chown; a failure must not keep the box from starting ('-').
    assert first.startswith("-+") and first.endswith(" power clock restore")
