from pathlib import Path

from edgekit.settings import Settings, bundled_catalog_dir


def test_defaults_follow_xdg(monkeypatch, tmp_path):
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path))
    settings = Settings()
    assert settings.home == tmp_path / "edgekit"
    assert settings.models_dir == tmp_path / "edgekit" / "models"
    assert settings.db_path == tmp_path / "edgekit" / "edgekit.db"
    assert settings.port == 8080 and settings.host == "0.0.0.0"
    assert 1 <= settings.threads <= 4


def test_environment_with_edgekit_prefix(monkeypatch, tmp_path):
    monkeypatch.setenv("EDGEKIT_HOME", str(tmp_path / "box"))
    monkeypatch.setenv("EDGEKIT_PORT", "9090")
    monkeypatch.setenv("EDGEKIT_THREADS", "3")
    monkeypatch.setenv("EDGEKIT_MODELS_DIR", str(tmp_path / "shared-models"))
    settings = Settings()
    assert settings.home == tmp_path / "box"
    assert settings.port == 9090
    assert settings.threads == 3
    assert settings.models_dir == tmp_path / "shared-models"
    assert settings.db_url == f"sqlite:///{tmp_path / 'box' / 'edgekit.db'}"


def test_arguments_win_over_environment(monkeypatch, tmp_path):
    monkeypatch.setenv("EDGEKIT_PORT", "9090")
    assert Settings(port=7000).port == 7000


def test_catalog_is_found_in_a_checkout():
    assert bundled_catalog_dir() == Path(__file__).parents[1] / "models"


def test_the_device_file_sets_the_site_and_the_environment_wins(monkeypatch, tmp_path):
    (tmp_path / "device.toml").write_text(
        '[site]\nname = "Kilifi Clinic"\nid = "ke-kilifi-001"\nlanguages = ["en", "sw"]\ntimezone = "Africa/Nairobi"\n'
    )
    settings = Settings(home=tmp_path)
    assert (settings.site_name, settings.site_id, settings.languages) == (
        "Kilifi Clinic",
        "ke-kilifi-001",
        ["en", "sw"],
    )
    monkeypatch.setenv("EDGEKIT_HOME", str(tmp_path))  # found through the environment too
    monkeypatch.setenv("EDGEKIT_TIMEZONE", "Africa/Kinshasa")
    assert Settings().timezone == "Africa/Kinshasa" and Settings().site_id == "ke-kilifi-001"


def test_no_or_a_damaged_device_file_leaves_the_defaults(tmp_path):
    assert Settings(home=tmp_path).site_id is None and Settings(home=tmp_path).languages == ["en", "sw", "fr"]
    (tmp_path / "device.toml").write_text("[site\nname =")  # the CLI that repairs it must still start
    assert Settings(home=tmp_path).site_name is None
