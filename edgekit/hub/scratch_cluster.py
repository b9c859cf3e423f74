"""A throwaway PostgreSQL cluster for the tests and benchmarks: initdb and pg_ctl from Debian's postgresql package,
listening on a Unix socket only, in a temporary directory. No mock database.

initdb refuses to run as root, so as root the cluster belongs to the `postgres` system user the package creates.
"""

from __future__ import annotations

import glob
import os
import pwd
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

DATABASE = "edgekit_hub"


def postgres_bin() -> Path | None:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=lambda p: int(p.split("/")[4]))
    if found:
        return Path(found[-1]).parent
    initdb = shutil.which("initdb")
    return Path(initdb).parent if initdb else None


@dataclass
class ScratchCluster:
    root: Path
    bin: Path
    user: str | None  # the system user the server runs as (None: ourselves)

    @property
    def socket_dir(self) -> Path:
        return self.root / "socket"

    def url(self, database: str = DATABASE) -> str:
        return f"postgresql+psycopg://postgres@/{database}?host={self.socket_dir}"

    def _run(self, *args: str, timeout: float = 120) -> None:
        prefix = ["runuser", "-u", self.user, "--"] if self.user else []
        subprocess.run([*prefix, *args], check=True, timeout=timeout, capture_output=True, cwd=self.root)

    def start(self, settings: dict[str, str] | None = None) -> ScratchCluster:
        data = self.root / "data"
        self._run(str(self.bin / "initdb"), "-D", str(data), "-A", "trust", "-U", "postgres", "--no-sync", "-E", "UTF8")
        options = {"listen_addresses": "''", "unix_socket_directories": f"'{self.socket_dir}'", **(settings or {})}
        flags = " ".join(f"-c {name}={value}" for name, value in options.items())
        log = self.root / "server.log"
        self._run(str(self.bin / "pg_ctl"), "-D", str(data), "-l", str(log), "-o", flags, "-w", "-t", "60", "start")
        self._run(str(self.bin / "createdb"), "-h", str(self.socket_dir), "-U", "postgres", DATABASE)
        return self

    def stop(self) -> None:
        try:
            self._run(str(self.bin / "pg_ctl"), "-D", str(self.root / "data"), "-m", "immediate", "-w", "stop")
        finally:
            shutil.rmtree(self.root, ignore_errors=True)


def start_scratch_cluster(settings: dict[str, str] | None = None) -> ScratchCluster:
    binaries = postgres_bin()
    if binaries is None:
        raise RuntimeError("PostgreSQL is not installed: apt-get install postgresql")
    root = Path(tempfile.mkdtemp(prefix="edgekit-pg-"))
    user = None
    if os.geteuid() == 0:
        user = "postgres"
        owner = pwd.getpwnam(user)
        os.chown(root, owner.pw_uid, owner.pw_gid)
    root.chmod(0o755)
    (root / "socket").mkdir()
    if user:
        os.chown(root / "socket", owner.pw_uid, owner.pw_gid)
    return ScratchCluster(root, binaries, user).start(settings)
