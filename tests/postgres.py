"""A throwaway PostgreSQL server from the distribution's binaries, for tests and benchmarks.

Installs nothing: it looks for `initdb` and `pg_ctl` (on PATH, else Debian's
/usr/lib/postgresql/<version>/bin), initialises a cluster in a temporary directory and starts it
listening on 127.0.0.1 only, on a free port, with its socket in that directory. PostgreSQL refuses
to run as root, and CI runs as root: there the server runs as the unprivileged user `nobody`.
Authentication is `trust` on loopback, which is why it must never listen anywhere else.

    with PostgresServer.start() as server:
        dsn = server.create_database("lake")   # a libpq string: "host=127.0.0.1 port=... dbname=lake user=tlw"
"""

from __future__ import annotations

import glob
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

SUPERUSER = "tlw"
UNPRIVILEGED = "nobody"


class PostgresUnavailable(RuntimeError):
    """No PostgreSQL server binaries on this machine (Debian: `apt-get install postgresql`)."""


def find_binaries() -> Path:
    """The directory holding initdb and pg_ctl, newest version first."""
    on_path = shutil.which("initdb")
    if on_path and shutil.which("pg_ctl"):
        return Path(on_path).parent
    for folder in sorted(glob.glob("/usr/lib/postgresql/*/bin"), key=lambda p: int(Path(p).parent.name), reverse=True):
        if Path(folder, "initdb").exists() and Path(folder, "pg_ctl").exists():
            return Path(folder)
    raise PostgresUnavailable("PostgreSQL server binaries (initdb, pg_ctl) not found: apt-get install postgresql")


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class PostgresServer:
    root: Path
    port: int
    bin_dir: Path
    run_as: str | None  # None: the current (unprivileged) user

    @classmethod
    def start(cls) -> "PostgresServer":
        bin_dir = find_binaries()
        run_as = UNPRIVILEGED if os.geteuid() == 0 else None
        root = Path(tempfile.mkdtemp(prefix="tlw-pg-"))
        # The server user must reach its data directory: the temporary directory is root's and
        # 0700, so open it for traversal only and hand the cluster directory to that user.
        root.chmod(0o711)
        data = root / "data"
        data.mkdir(mode=0o700)
        if run_as:
            entry = pwd.getpwnam(run_as)
            os.chown(data, entry.pw_uid, entry.pw_gid)
            os.chown(root, entry.pw_uid, entry.pw_gid)
        server = cls(root=root, port=_free_port(), bin_dir=bin_dir, run_as=run_as)
        server._run("initdb", "-D", str(data), "-U", SUPERUSER, "--auth=trust", "--encoding=UTF8", "--no-sync")
        options = f"-c listen_addresses=127.0.0.1 -c port={server.port} -c unix_socket_directories={root} -c fsync=off -c max_connections=200"
        server._run("pg_ctl", "-D", str(data), "-l", str(root / "server.log"), "-o", options, "-w", "-t", "60", "start")
        return server

    def _run(self, program: str, *args: str) -> None:
        result = subprocess.run(
            [str(self.bin_dir / program), *args],
            user=self.run_as, cwd=self.root, capture_output=True, text=True, timeout=120,
        )
        if result.returncode != 0:
            log = self.root / "server.log"
            tail = log.read_text(errors="replace")[-2000:] if log.exists() else ""
            raise RuntimeError(f"{program} failed ({result.returncode}): {result.stderr.strip()}\n{tail}")

    def dsn(self, database: str = "postgres") -> str:
        """A libpq connection string, as TLW_LAKE_CATALOG takes it."""
        return f"host=127.0.0.1 port={self.port} dbname={database} user={SUPERUSER}"

    def url(self, database: str = "postgres") -> str:
        """The same database as a SQLAlchemy URL with the psycopg2 driver dagster-postgres ships with, as TLW_DAGSTER_PG_URL takes it."""
        return f"postgresql+psycopg2://{SUPERUSER}@127.0.0.1:{self.port}/{database}"

    def create_database(self, name: str) -> str:
        import psycopg2

        con = psycopg2.connect(self.dsn())
        try:
            con.autocommit = True  # CREATE DATABASE cannot run inside a transaction
            with con.cursor() as cursor:
                cursor.execute(f'CREATE DATABASE "{name}"')
        finally:
            con.close()
        return self.dsn(name)

    def stop(self) -> None:
        try:
            self._run("pg_ctl", "-D", str(self.root / "data"), "-m", "fast", "-w", "stop")
        finally:
            shutil.rmtree(self.root, ignore_errors=True)

    def __enter__(self) -> "PostgresServer":
        return self

    def __exit__(self, *exc) -> None:
        self.stop()
