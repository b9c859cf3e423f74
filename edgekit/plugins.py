"""Plugin loading: the core's own plugins first, then installed apps from the `edgekit.apps` entry points.

An app that fails to load is kept out and remembered with its reason; the box goes on serving the rest.
"""

from __future__ import annotations

import importlib
import importlib.metadata
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import pluggy

from edgekit import hookspecs

if TYPE_CHECKING:
    from edgekit.app_context import AppContext

ENTRY_POINT_GROUP = "edgekit.apps"

# Modules of the core that implement hooks, registered exactly as an app would be.
DEFAULT_PLUGINS = (
    "edgekit.engines.llm_llamacpp",
    "edgekit.engines.tts_piper",
    "edgekit.engines.vision_onnx",
    "edgekit.engines.stt_fasterwhisper",
    "edgekit.engines.embed_onnx",
    "edgekit.power.sources",
    "edgekit.server.routes.health",
    "edgekit.server.routes.ui",
    "edgekit.server.routes.ui_ask",
    "edgekit.server.routes.ui_history",
    "edgekit.server.routes.ui_admin",
    "edgekit.server.routes.ui_power",
    "edgekit.cli.models",
    "edgekit.cli.ask",
    "edgekit.cli.speak",
    "edgekit.cli.classify",
    "edgekit.cli.transcribe",
    "edgekit.cli.embed",
    "edgekit.cli.bench",
    "edgekit.cli.serve",
    "edgekit.cli.doctor",
    "edgekit.cli.keys",
    "edgekit.cli.packs",
    "edgekit.cli.backup",
    "edgekit.cli.db",
    "edgekit.cli.users",
    "edgekit.cli.tls",
    "edgekit.cli.apps",
    "edgekit.cli.knowledge",
    "edgekit.cli.provision",
    "edgekit.cli.logs",
    "edgekit.cli.power",
    "edgekit.server.routes.auth",
    "edgekit.server.routes.https",
    "edgekit.server.routes.openai",
    "edgekit.server.routes.apps",
)


@dataclass
class FailedPlugin:
    name: str
    reason: str


@dataclass
class AppRecord:
    """One installed app as the box sees it: loaded, disabled by a technician, or failed (with the reason)."""

    id: str
    status: str  # loaded | disabled | failed
    reason: str = ""
    manifest: object | None = None  # edgekit.apps.AppManifest when it could be read

    def as_dict(self) -> dict:
        manifest = self.manifest
        return {
            "id": self.id,
            "status": self.status,
            "reason": self.reason,
            "name": getattr(manifest, "name", None),
            "version": getattr(manifest, "version", None),
            "roles": list(getattr(manifest, "roles", ())),
        }


@dataclass
class PluginHost:
    manager: pluggy.PluginManager
    failed: list[FailedPlugin] = field(default_factory=list)
    apps: dict[str, AppRecord] = field(default_factory=dict)

    @property
    def hook(self):
        return self.manager.hook

    def names(self) -> list[str]:
        return sorted(name for name, _ in self.manager.list_name_plugin())

    def call_each(self, hook_name: str, *, for_app: Callable[[str], dict] | None = None, **kwargs) -> None:
        """Call every implementation of a hook on its own, with the named arguments it asks for. `for_app(app_id)`
        gives an app's own arguments (its context as `app`, its router); others get app=None. An app's that
        raises is recorded as failed and the rest go on; the core's own raise, because a broken core is a bug
        to see, not to skip."""
        for impl in getattr(self.hook, hook_name).get_hookimpls():
            arguments = {"app": None, **kwargs}
            if for_app is not None and impl.plugin_name in self.apps:
                arguments.update(for_app(impl.plugin_name))
            try:
                impl.function(**{name: arguments[name] for name in impl.argnames})
            except Exception as exc:  # an app's bug must never take the box down
                if impl.plugin_name in DEFAULT_PLUGINS:
                    raise
                reason = f"{hook_name}: {type(exc).__name__}: {exc}"
                self.failed.append(FailedPlugin(impl.plugin_name, reason))
                if impl.plugin_name in self.apps:
                    self.apps[impl.plugin_name] = AppRecord(
                        impl.plugin_name, "failed", reason, self.apps[impl.plugin_name].manifest
                    )

    def guard(self, *, app: AppContext | None, question: str, lang: str | None, user: object | None) -> object:
        """The before_answer hook for one question: the guard of the app asked (none for plain chat) and those
        of plugins that are not apps, first answer wins. Another app's guard never sees the question."""
        app_id = app.id if app is not None else None
        others = [plugin for name, plugin in self.manager.list_name_plugin() if name in self.apps and name != app_id]
        caller = self.manager.subset_hook_caller("before_answer", remove_plugins=others)
        return caller(app=app, question=question, lang=lang, user=user)

    def mark_failed(self, app_id: str, reason: str) -> None:
        """An app the box cannot serve after all (its tables could not be migrated): reported, the rest go on."""
        self.failed.append(FailedPlugin(app_id, reason))
        manifest = self.apps[app_id].manifest if app_id in self.apps else None
        self.apps[app_id] = AppRecord(app_id, "failed", reason, manifest)

    def add_app(self, plugin: object, manifest) -> None:
        """Register an app whose manifest is already read (the entry-point path, and tests that build an app)."""
        self.manager.register(plugin, name=manifest.id)
        self.apps[manifest.id] = AppRecord(manifest.id, "loaded", manifest=manifest)

    def switch_app(self, app_id: str, enabled: bool) -> bool:
        """Switch an app on or off in this running process (a technician's choice, also kept by apps.set_enabled).
        True when the change applies at once; False when an app switched off at start must wait for a restart,
        because its code was never loaded."""
        record = self.apps[app_id]
        if not enabled:
            if record.status == "loaded":
                self.apps[app_id] = AppRecord(app_id, "disabled", "switched off by a technician", record.manifest)
            return True
        if record.status == "loaded":
            return True
        if record.status == "disabled" and record.manifest is not None and self.manager.get_plugin(app_id):
            self.apps[app_id] = AppRecord(app_id, "loaded", manifest=record.manifest)
            return True
        return False

    def engines(self) -> dict[str, type]:
        found: dict[str, type] = {}

        def register(name: str, engine_class: type) -> None:
            found[name] = engine_class

        self.hook.register_engines(register=register)
        return found


def load_plugins(
    *, entry_points: bool = True, extra: tuple[object, ...] = (), disabled: frozenset[str] | set[str] = frozenset()
) -> PluginHost:
    manager = pluggy.PluginManager("edgekit")
    manager.add_hookspecs(hookspecs)
    host = PluginHost(manager)
    for module_name in DEFAULT_PLUGINS:
        manager.register(importlib.import_module(module_name), name=module_name)
    for plugin in extra:
        manager.register(plugin)
    if entry_points:
        for entry_point in importlib.metadata.entry_points(group=ENTRY_POINT_GROUP):
            _register_entry_point(host, entry_point, disabled)
    return host


def _register_entry_point(host: PluginHost, entry_point: importlib.metadata.EntryPoint, disabled) -> None:
    from edgekit.apps import manifest_of

    name = entry_point.name
    if name in disabled:
        host.apps[name] = AppRecord(name, "disabled", "switched off: edgekit apps enable " + name)
        return
    try:
        plugin = entry_point.load()
        manifest = manifest_of(plugin) if hasattr(plugin, "__file__") else None
        if manifest is not None and manifest.id != name:
            raise ValueError(f"the manifest id '{manifest.id}' is not the entry-point name '{name}'")
        if manifest is not None and not manifest.compatible():
            raise ValueError(f"it needs edgekit {manifest.edgekit}, this box runs another version")
        if manifest is None:
            host.manager.register(plugin, name=name)
            host.apps[name] = AppRecord(name, "loaded")
        else:
            host.add_app(plugin, manifest)
    except Exception as exc:  # noqa: BLE001  (an app's bug must never take the box down)
        reason = f"{type(exc).__name__}: {exc}"
        host.failed.append(FailedPlugin(name, reason))
        host.apps[name] = AppRecord(name, "failed", reason)
