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
