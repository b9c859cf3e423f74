"""Apps: self-contained plugins with a manifest, as Home Assistant integrations are.

An app is a distribution with an `edgekit.apps` entry point whose module sits beside a `manifest.toml`:
id (= folder = entry-point name = URL prefix /apps/<id>), name, version, the edgekit versions it works with,
languages, models it needs, roles allowed, knowledge packs. A technician can switch an app off and on; the
choice is kept in $EDGEKIT_HOME/apps.json.
"""

from __future__ import annotations

import json
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from packaging.specifiers import InvalidSpecifier, SpecifierSet
from packaging.version import Version

from edgekit import __version__
from edgekit.accounts.roles import ROLES
from edgekit.errors import EdgekitError

MANIFEST_FILE = "manifest.toml"
APP_ID = re.compile(r"^[a-z][a-z0-9_]{1,31}$")
STATE_FILE = "apps.json"


class BadManifest(EdgekitError):
    code = "bad_manifest"


@dataclass(frozen=True)
class AppManifest:
    id: str
    name: str
    version: str
    edgekit: str
    languages: tuple[str, ...]
    models: tuple[str, ...]
    roles: tuple[str, ...]
    knowledge: tuple[str, ...]
    package_dir: Path = field(compare=False)
    referral: str = "a local expert"  # whom to ask when the documents do not answer
    migrations: str | None = None  # folder of the app's own Alembic revisions, for its own tables

    def migrations_dir(self) -> Path | None:
        return self.package_dir / self.migrations if self.migrations else None

    def knowledge_dirs(self) -> list[Path]:
        return [self.package_dir / name for name in self.knowledge]

    def compatible(self, version: str = __version__) -> bool:
        return Version(version) in SpecifierSet(self.edgekit)


def load_manifest(package_dir: Path) -> AppManifest:
    path = package_dir / MANIFEST_FILE
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise BadManifest(f"{path} is missing: every app needs a manifest.toml beside its code.") from None
    except tomllib.TOMLDecodeError as exc:
        raise BadManifest(f"{path}: not valid TOML ({exc}).") from exc
    problems = []
    for key in ("id", "name", "version", "edgekit"):
        if not isinstance(data.get(key), str) or not data[key].strip():
            problems.append(f"'{key}' is required (text)")
    for key in ("languages", "models", "roles", "knowledge"):
        if not isinstance(data.get(key, []), list) or not all(isinstance(v, str) for v in data.get(key, [])):
            problems.append(f"'{key}' must be a list of text")
    if isinstance(data.get("id"), str) and not APP_ID.match(data["id"]):
        problems.append(f"id '{data['id']}' must be lower-case letters, digits or '_' (it is a URL and a table prefix)")
    if isinstance(data.get("edgekit"), str):
        try:
            SpecifierSet(data["edgekit"])
        except InvalidSpecifier:
            problems.append(f"edgekit '{data['edgekit']}' is not a version range such as '>=0.1,<1'")
    unknown_roles = [role for role in data.get("roles", []) if role not in ROLES]
    if unknown_roles:
        problems.append(f"unknown roles {', '.join(unknown_roles)} (roles: {', '.join(ROLES)})")
    if "migrations" in data and (not isinstance(data["migrations"], str) or not data["migrations"].strip()):
        problems.append("'migrations' must name the folder of the app's Alembic revisions")
    if not data.get("roles"):
        problems.append("'roles' must name at least one role allowed to use the app")
    if problems:
        raise BadManifest(f"{path}: " + "; ".join(problems) + ".")
    return AppManifest(
        id=data["id"],
        name=data["name"],
        version=data["version"],
        edgekit=data["edgekit"],
        languages=tuple(data.get("languages", [])),
        models=tuple(data.get("models", [])),
        roles=tuple(data["roles"]),
        knowledge=tuple(data.get("knowledge", [])),
        package_dir=package_dir,
        referral=str(data.get("referral", "a local expert")),
        migrations=data.get("migrations"),
    )


def manifest_of(module) -> AppManifest:
    return load_manifest(Path(module.__file__).resolve().parent)


# --- on and off -----------------------------------------------------------------------------------------


def disabled_apps(home: Path) -> set[str]:
    try:
        return set(json.loads((home / STATE_FILE).read_text()).get("disabled", []))
    except (OSError, ValueError, AttributeError):
        return set()


def set_enabled(home: Path, app_id: str, enabled: bool) -> None:
    disabled = disabled_apps(home)
    (disabled.discard if enabled else disabled.add)(app_id)
    home.mkdir(parents=True, exist_ok=True)
    temporary = home / (STATE_FILE + ".tmp")
    temporary.write_text(json.dumps({"disabled": sorted(disabled)}, indent=1))
    temporary.replace(home / STATE_FILE)


# --- checking an app ------------------------------------------------------------------------------------


@dataclass
class AppCheck:
    name: str
    ok: bool
    detail: str


def check_app(manifest: AppManifest, known_models: list[str]) -> list[AppCheck]:
    """What `edgekit apps check` reports: the manifest fits this edgekit, its models exist in the catalog, its
    knowledge folders hold documents, and it carries tests of its own."""
    checks = [AppCheck("manifest", True, f"{manifest.id} {manifest.version}")]
    checks.append(
        AppCheck("edgekit_version", manifest.compatible(), f"needs edgekit {manifest.edgekit}; this is {__version__}")
    )
    unknown = [model for model in manifest.models if model not in known_models]
    checks.append(
        AppCheck(
            "models",
            not unknown,
            f"unknown models: {', '.join(unknown)}" if unknown else ", ".join(manifest.models) or "none",
        )
    )
    for directory in manifest.knowledge_dirs():
        documents = sorted(directory.glob("*.md")) if directory.is_dir() else []
        checks.append(
            AppCheck(
                f"knowledge:{directory.name}",
                bool(documents),
                f"{len(documents)} documents" if documents else f"{directory} has no documents",
            )
        )
    tests = manifest.package_dir.parent / "tests"
    test_files = sorted(tests.glob("test_*.py")) if tests.is_dir() else []
    checks.append(
        AppCheck("tests", bool(test_files), f"{len(test_files)} test files" if test_files else f"no tests in {tests}")
    )
    return checks
