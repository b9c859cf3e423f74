import pytest
from typer.testing import CliRunner

from edgekit.cli.main import app


@pytest.fixture
def edgekit(home, installed_models_dir):
    """Run `edgekit ARGS` in a fresh data directory that reads the real installed models."""
    runner = CliRunner()

    def run(*args, models_dir=installed_models_dir, env=None, input=None):
        environment = {"EDGEKIT_MODELS_DIR": str(models_dir) if models_dir else None, "EDGEKIT_THREADS": "2"}
        environment.update(env or {})
        return runner.invoke(app, ["--home", str(home), *args], env=environment, input=input)

    return run
