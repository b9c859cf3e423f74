"""Errors with stable codes.

Every failure a person can meet is an EdgekitError with a snake_case code that scripts and the API can rely on,
and a message that says what happened and, where there is one, the command that fixes it. The HTTP handler lives
in edgekit.server.app, the CLI handler in edgekit.cli.main; neither shows a traceback.
"""

from __future__ import annotations

from pathlib import Path


class EdgekitError(Exception):
    code = "edgekit_error"
    http_status = 500

    def __init__(self, message: str, *, code: str | None = None, http_status: int | None = None):
        super().__init__(message)
        self.message = message
        if code:
            self.code = code
        if http_status:
            self.http_status = http_status

    def as_dict(self) -> dict[str, str]:
        return {"code": self.code, "message": self.message}


class UnknownModel(EdgekitError):
    code = "unknown_model"
    http_status = 404

    def __init__(self, model_id: str, known: list[str]):
        super().__init__(f"Unknown model '{model_id}'. Known models: {', '.join(known) or 'none'}.")


class ModelNotInstalled(EdgekitError):
    code = "model_not_installed"
    http_status = 503

    def __init__(self, model_id: str, what: str = "Model", fix: str | None = None):
        fix = fix or f"edgekit models pull {model_id}"
        super().__init__(f"{what} '{model_id}' is not installed. Install it with: {fix}")


class ChecksumMismatch(EdgekitError):
    code = "checksum_mismatch"
    http_status = 500

    def __init__(self, model_id: str, path: Path, expected: str, actual: str, fix: str | None = None):
        fix = fix or f"edgekit models pull {model_id} --force"
        super().__init__(
            f"Model '{model_id}': {path} has sha256 {actual[:12]}..., expected {expected[:12]}.... "
            f"It will not be loaded. Reinstall it with: {fix}"
        )


class ModelUnverified(EdgekitError):
    """A built file whose build-time sha256 is gone: nothing says what it should be, so it is not trusted."""

    code = "model_unverified"
    http_status = 500

    def __init__(self, model_id: str, path: str, fix: str):
        super().__init__(
            f"Model '{model_id}': {path} has no sha256 recorded from its build (.verified.json is missing or "
            f"damaged), so it cannot be checked and will not be loaded. Rebuild it with: {fix}"
        )


class CatalogError(EdgekitError):
    code = "catalog_invalid"


class DataDirError(EdgekitError):
    """The data directory cannot take what we need to write: the message always names the path."""

    code = "data_dir_unwritable"
    http_status = 507

    @classmethod
    def unwritable(cls, path: Path, reason: str = "") -> DataDirError:
        detail = f" ({reason})" if reason else ""
        return cls(
            f"Cannot write to {path}{detail}. Check that the disk is mounted and writable, "
            f"or point EDGEKIT_HOME at a directory that is."
        )

    @classmethod
    def full(cls, path: Path, needed_mb: float, free_mb: float) -> DataDirError:
        return cls(
            f"Not enough space in {path}: {needed_mb:.0f} MB needed, {free_mb:.0f} MB free. "
            f"Free some space (edgekit models remove ID) or point EDGEKIT_HOME at a larger disk.",
            code="disk_full",
        )


class DownloadFailed(EdgekitError):
    code = "download_failed"
    http_status = 502


class EngineError(EdgekitError):
    code = "engine_failed"
    http_status = 500


class EngineCrashed(EngineError):
    """The worker process running a model died (a native crash, an abort, the kernel's OOM killer, kill -9).
    The server and every other model go on; the next request starts a fresh worker."""

    code = "engine_crashed"
    http_status = 503


class EngineTimeout(EngineCrashed):
    """The worker process running a model stopped answering without dying (hung in native code, stopped): after
    EDGEKIT_WORKER_REPLY_TIMEOUT_S with no reply it is killed, and the next request starts a fresh worker."""

    code = "engine_timeout"
    http_status = 504


class EngineBackoff(EngineError):
    """A model's worker crashed again and again: loads are refused for a while instead of crash-looping."""

    code = "engine_backoff"
    http_status = 503

    def __init__(self, message: str, retry_after_s: int):
        super().__init__(message)
        self.retry_after_s = retry_after_s


class ModelTooLarge(EdgekitError):
    code = "model_too_large"
    http_status = 507


class MemoryBusy(EdgekitError):
    code = "memory_busy"
    http_status = 503


class ChatDisabled(EdgekitError):
    code = "chat_disabled"
    http_status = 503

    def __init__(self):
        super().__init__(
            "The chat model is switched off on this box (EDGEKIT_CHAT_ENABLED=0, to save power). "
            "The apps still answer from their documents."
        )


class BadInput(EdgekitError):
    code = "bad_input"
    http_status = 400


class ImageEmpty(BadInput):
    code = "image_empty"


class ImageUndecodable(BadInput):
    code = "image_undecodable"
    http_status = 415


class ImageTooLarge(BadInput):
    code = "image_too_large"
    http_status = 413


class ImageNotFound(BadInput):
    code = "image_not_found"
    http_status = 404
