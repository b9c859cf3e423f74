"""Settings: the one place configuration comes from.

They flow one way: CLI flags -> Settings -> create_app / commands -> dependencies.
Every field can be set from the environment with the EDGEKIT_ prefix (EDGEKIT_HOME, EDGEKIT_PORT ...).
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Literal

from pydantic import Field
from pydantic_settings import BaseSettings, PydanticBaseSettingsSource, SettingsConfigDict


def default_home() -> Path:
    """Where the box keeps its data when EDGEKIT_HOME is not set (XDG data directory)."""
    xdg = os.environ.get("XDG_DATA_HOME")
    base = Path(xdg) if xdg else Path.home() / ".local" / "share"
    return base / "edgekit"


def default_threads() -> int:
    # A Pi has four cores and the web server needs one; more than four rarely helps a small model.
    return max(1, min(4, os.cpu_count() or 1))


def default_ram_budget_mb() -> float:
    """Half the physical memory: the rest is for the OS, the web server and the page cache."""
    import psutil

    return round(psutil.virtual_memory().total / 1e6 / 2)


# The chat model a box gets unless a technician pins one (EDGEKIT_CHAT_MODEL, or chat_model in device.toml's
# [site]): the best answers its total memory can hold beside the rest of the stack. Measured RSS while answering:
# 1.5B about 1.3 GB, 0.5B about 0.7 GB, gemma-3-270m about 0.4 GB (README, "Chat models").
CHAT_MODEL_BY_RAM_MB = (
    (3500, "qwen2.5-1.5b-instruct"),
    (1500, "qwen2.5-0.5b-instruct"),
    (0, "gemma3-270m-q4km"),
)


def chat_model_for_ram(total_mb: float) -> str:
    return next(model for least_mb, model in CHAT_MODEL_BY_RAM_MB if total_mb >= least_mb)


def default_chat_model() -> str:
    import psutil

    return chat_model_for_ram(psutil.virtual_memory().total / 1e6)


def chat_model_choice(settings: Settings) -> str:
    """The chat model and why: pinned by the technician, or chosen by the box's total memory."""
    import psutil

    if "chat_model" in settings.model_fields_set:
        return f"{settings.chat_model} (pinned: EDGEKIT_CHAT_MODEL or chat_model in device.toml)"
    total_gb = psutil.virtual_memory().total / 1e9
    return f"{settings.chat_model} (chosen for {total_gb:.1f} GB total RAM; pin another with EDGEKIT_CHAT_MODEL)"


def bundled_catalog_dir() -> Path:
    """The model catalog: models/ beside the package in a checkout, or the copy inside the wheel."""
    package_dir = Path(__file__).resolve().parent
    in_wheel = package_dir / "catalog_data"
    return in_wheel if in_wheel.is_dir() else package_dir.parent / "models"


class DeviceFileSource(PydanticBaseSettingsSource):
    """The [site] table of $EDGEKIT_HOME/device.toml, written by `edgekit provision`.

    It comes after flags and the environment, so the data directory it is read from is the one they chose."""

    def get_field_value(self, field, field_name):  # required by the base class; __call__ does the work
        return None, field_name, False

    def __call__(self) -> dict:
        from edgekit.device import site_settings

        home = self.current_state.get("home") or default_home()
        return site_settings(Path(home))


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="EDGEKIT_", extra="ignore", populate_by_name=True)

    home: Path = Field(default_factory=default_home, description="Data directory: database, models, logs.")
    models_dir_override: Path | None = Field(
        default=None,
        alias="EDGEKIT_MODELS_DIR",
        description="Installed models, when they live apart from home (a shared read-only copy).",
    )
    catalog_dir: Path = Field(default_factory=bundled_catalog_dir, description="Model catalog TOML files.")
    host: str = "0.0.0.0"
    port: int = 8080
    https_port: int = Field(
        default=8443, ge=0, le=65535, description="HTTPS, once `edgekit tls init` made a certificate (0: off)."
    )
    threads: int = Field(default_factory=default_threads, ge=1)
    chat_model: str = Field(
        default_factory=default_chat_model, description="Catalog id of the chat model (default: by total RAM)."
    )
    stt_model: str = Field(default="whisper-tiny-en", description="Speech-to-text model for English.")
    stt_multilingual_model: str = Field(default="whisper-base", description="Speech-to-text for other languages.")
    tts_model: str = Field(default="piper-en-us-joe-medium", description="Neural voice for English speech.")
    embed_model: str = Field(default="minilm-int8", description="Embedding model for knowledge search.")
    max_tokens: int = Field(default=200, ge=1, description="Default answer length for ask.")
    batch_size: int = Field(default=512, ge=1, description="llama.cpp prompt batch (n_batch); power profiles lower it.")
    chat_enabled: bool = Field(default=True, description="Off to save power: apps answer from their documents alone.")
    ram_budget_mb: float = Field(default_factory=default_ram_budget_mb, gt=0, description="RAM for loaded models.")
    keep_alive_s: float = Field(default=300, ge=0, description="Unload a model idle for this long.")
    login_max_failures: int = Field(
        default=5, ge=1, description="Wrong sign-in tries one network address may make within login_lockout_s."
    )
    login_lockout_s: float = Field(
        default=900, ge=0, description="The window for login_max_failures; then that address waits (not the account)."
    )
    login_delay_s: float = Field(
        default=0.5, ge=0, description="First wait after a wrong try on a name; doubles with each wrong try in a row."
    )
    login_name_wait_max_s: float = Field(
        default=300, ge=0, description="Longest wait between network tries on one name, however many addresses."
    )
    session_ttl_s: float = Field(default=12 * 3600, gt=0, description="How long a browser stays signed in.")
    open_v1_access: bool = Field(default=False, description="Let /v1 clients on the local network in without a token.")
    queue_max_waiting: int = Field(default=16, ge=0, description="Requests that may wait for one model.")
    queue_retry_after_s: int = Field(default=5, ge=1, description="Retry-After sent with a queue_full answer.")
    max_text_chars: int = Field(default=8000, ge=100, description="Longest text a request may send.")
    max_upload_mb: float = Field(default=10, gt=0, description="Largest audio or image upload.")
    body_timeout_s: float = Field(default=30, gt=0, description="Longest pause in a request body before a 408.")
    load_wait_s: float = Field(default=30, ge=0, description="How long a load waits for busy models to free RAM.")
    engine_workers: bool = Field(default=True, description="Run native engines in worker processes.")
    chat_parallel: int | Literal["auto"] = Field(
        default="auto",
        description="Answers the chat model decodes together (continuous batching); auto: from cores and memory.",
    )
    worker_reply_timeout_s: float = Field(
        default=180,
        gt=0,
        description="Longest wait for a hung worker (its next reply, or taking a request) before it is killed.",
    )
    crash_backoff_after: int = Field(default=3, ge=1, description="Worker crashes before a model's loads back off.")
    crash_window_s: float = Field(default=300, gt=0, description="Crashes closer together than this count together.")
    crash_backoff_s: float = Field(default=30, ge=0, description="First back-off; doubles with each further crash.")
    # The site, from device.toml (edgekit provision); unset on a box that was never provisioned.
    site_name: str | None = Field(default=None, description="The site's name, e.g. Kilifi Community Clinic.")
    site_id: str | None = Field(default=None, description="The site's short id, e.g. ke-kilifi-001.")
    region: str | None = Field(default=None, description="Where the site is, in words.")
    languages: list[str] = Field(default_factory=lambda: ["en", "sw", "fr"], description="Languages offered.")
    timezone: str | None = Field(default=None, description="The site's time zone, e.g. Africa/Nairobi.")
    log_file_kb: int = Field(default=1024, ge=16, description="Size of the server's log file before it rotates.")
    # Where hardware facts are read; tests point these at fake trees.
    sysfs_root: Path = Field(default=Path("/sys"), description="The sysfs tree (temperature, power, throttling).")
    procfs_root: Path = Field(default=Path("/proc"), description="The proc tree (disk writes, uptime).")

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        return init_settings, env_settings, DeviceFileSource(settings_cls), dotenv_settings, file_secret_settings

    @property
    def models_dir(self) -> Path:
        return self.models_dir_override or self.home / "models"

    @property
    def db_path(self) -> Path:
        return self.home / "edgekit.db"

    @property
    def db_url(self) -> str:
        return f"sqlite:///{self.db_path}"

    @property
    def logs_dir(self) -> Path:
        return self.home / "logs"


def load_settings(**overrides) -> Settings:
    """Settings from the environment and these overrides; a bad value is one clear error naming its variable."""
    from pydantic import ValidationError

    from edgekit.errors import EdgekitError

    try:
        return Settings(**overrides)
    except ValidationError as exc:
        problems = "; ".join(f"{_variable(error['loc'])}: {error['msg']}" for error in exc.errors())
        raise EdgekitError(f"A setting is not valid: {problems}.", code="bad_setting") from None


def _variable(location: tuple) -> str:
    name = str(location[0]).upper() if location else "setting"
    return name if name.startswith("EDGEKIT_") else f"EDGEKIT_{name}"
