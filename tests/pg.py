"""A throw-away PostgreSQL server on loopback for the test suite.

`HLM_TEST_POSTGRES_URL` points the suite at a server someone else runs. Otherwise the server
binaries (`initdb`, `pg_ctl`) are looked up on PATH and in /usr/lib/postgresql/*/bin, and a
cluster is created in a temporary directory; as root, it runs as the `postgres` user because
`initdb` refuses root.
"""

from __future__ import annotations

import contextlib
import glob
import os
import shutil
import socket
import subprocess
import tempfile
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import psycopg
from psycopg import sql

URL_VARIABLE = "HLM_TEST_POSTGRES_URL"
NO_SERVER = (
    "PostgreSQL tests skipped: no server binaries (initdb, pg_ctl) on PATH or in "
    f"/usr/lib/postgresql/*/bin, and {URL_VARIABLE} is not set"
)


def find_bindir() -> Path | None:
    """Return the folder holding initdb and pg_ctl, or None when PostgreSQL is not installed."""
    on_path = shutil.which("pg_ctl")
    if on_path and shutil.which("initdb"):
        return Path(on_path).parent
    candidates = sorted(glob.glob("/usr/lib/postgresql/*/bin"), key=_version, reverse=True)
    found = [Path(c) for c in candidates if Path(c, "initdb").exists()]
    return found[0] if found else None


def _version(path: str) -> int:
    part = Path(path).parent.name
    return int(part) if part.isdigit() else 0


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _as_postgres(cmd: list[str]) -> list[str]:
    if os.geteuid() != 0:
        return cmd
    return ["runuser", "-u", "postgres", "--", *cmd]


@contextlib.contextmanager
def running_server() -> Iterator[str]:
    """Start a PostgreSQL server on a free loopback port; yield its admin URL; stop it after."""
    with controlled_server() as server:
        yield server.url


class Server:
    """A throw-away cluster that can be stopped and started again (for outage drills)."""

    def __init__(self, bindir: Path, data: Path, port: int) -> None:
        self.bindir, self.data, self.port = bindir, data, port
        self.url = f"postgresql+psycopg://postgres@127.0.0.1:{port}/postgres"

    def stop(self) -> None:
        """Stop the server (fast shutdown: connections are cut)."""
        _stop(self.bindir, self.data, mode="fast")

    def start(self) -> None:
        """Start the stopped server again on the same port."""
        _pg_ctl_start(self.bindir, self.data, self.port)
        _wait_ready(self.port)


@contextlib.contextmanager
def controlled_server() -> Iterator[Server]:
    """Start a PostgreSQL server on a free loopback port; yield it; remove it after."""
    bindir = find_bindir()
    if bindir is None:
        raise LookupError(NO_SERVER)
    data = Path(tempfile.mkdtemp(prefix="hlm-pg-"))
    if os.geteuid() == 0:
        shutil.chown(data, "postgres", "postgres")
    port = _free_port()
    try:
        _start(bindir, data, port)
        yield Server(bindir, data, port)
    finally:
        _stop(bindir, data)
        shutil.rmtree(data, ignore_errors=True)


def _start(bindir: Path, data: Path, port: int) -> None:
    cluster = data / "cluster"
    run = lambda *cmd: subprocess.run(  # noqa: E731
        _as_postgres([str(c) for c in cmd]), check=True, capture_output=True
    )
    run(bindir / "initdb", "-D", cluster, "-A", "trust", "-U", "postgres", "-E", "UTF8")
    _pg_ctl_start(bindir, data, port)
    _wait_ready(port)


def _pg_ctl_start(bindir: Path, data: Path, port: int) -> None:
    options = (
        f"-p {port} -k {data} -c listen_addresses=127.0.0.1 -c fsync=off "
        "-c synchronous_commit=off -c full_page_writes=off -c max_connections=200"
    )
    command = [
        bindir / "pg_ctl",
        "-D",
        data / "cluster",
        "-o",
        options,
        "-l",
        data / "log",
        "-w",
        "start",
    ]
    subprocess.run(_as_postgres([str(c) for c in command]), check=True, capture_output=True)


def _wait_ready(port: int) -> None:
    deadline = time.monotonic() + 30
    while True:
        try:
            psycopg.connect(f"host=127.0.0.1 port={port} user=postgres dbname=postgres").close()
            return
        except psycopg.OperationalError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.2)


def _stop(bindir: Path, data: Path, mode: str = "immediate") -> None:
    subprocess.run(
        _as_postgres(
            [str(bindir / "pg_ctl"), "-D", str(data / "cluster"), "-m", mode, "-w", "stop"]
        ),
        check=False,
        capture_output=True,
    )


def create_database(admin_url: str, prefix: str = "hlm_test", template: str | None = None) -> str:
    """Create a new database on the server (empty, or a copy of a template database that nobody
    is connected to) and return its SQLAlchemy URL."""
    name = f"{prefix}_{uuid.uuid4().hex[:10]}"
    create = sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name))
    if template is not None:
        create += sql.SQL(" TEMPLATE {}").format(sql.Identifier(template))
    with psycopg.connect(_libpq(admin_url), autocommit=True) as conn:
        conn.execute(create)
    return admin_url.rsplit("/", 1)[0] + "/" + name


def _libpq(url: str) -> str:
    return url.replace("postgresql+psycopg://", "postgresql://")
