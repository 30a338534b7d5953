"""A real MariaDB server for the `sql` tool tests: Debian's `mariadb-server` (`make pytest` installs it),
a fresh data directory, started as a child process on a unix socket and a free loopback port."""

from __future__ import annotations

import os
import shutil
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

import pymysql

from codemill.kit.net import free_port

_SBIN = ("/usr/sbin", "/usr/bin", "/usr/local/sbin", "/usr/local/bin")


def _program(*names: str) -> str:
    for name in names:
        found = shutil.which(name) or shutil.which(name, path=os.pathsep.join(_SBIN))
        if found:
            return found
    raise RuntimeError(
        f"MariaDB is not installed ({' / '.join(names)} not found): `make pytest` installs mariadb-server."
    )


@dataclass
class MariaDB:
    """A running server: its loopback port, its unix socket, the process."""

    port: int
    socket: str
    process: subprocess.Popen[bytes]
    log: Path

    def admin(self, database: str | None = None) -> pymysql.Connection:  # type: ignore[type-arg]
        """A root connection over the unix socket (root has no password on this throwaway server)."""
        return pymysql.connect(unix_socket=self.socket, user="root", password="", database=database, autocommit=True)

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(60)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(10)


def start_mariadb(root: Path, timeout: float = 90.0) -> MariaDB:
    """Initialise a data directory and start `mariadbd`; wait until it accepts connections (fail loudly)."""
    datadir, log = root / "data", root / "mariadbd.log"
    as_root = ["--user=root"] if os.geteuid() == 0 else []
    init = subprocess.run(
        [
            _program("mariadb-install-db", "mysql_install_db"),
            "--no-defaults",
            f"--datadir={datadir}",
            "--auth-root-authentication-method=normal",
            "--skip-test-db",
            *as_root,
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    if init.returncode != 0:
        raise RuntimeError(
            f"mariadb-install-db failed ({init.returncode}):\n{init.stdout[-3000:]}{init.stderr[-3000:]}"
        )
    port, socket = free_port(), str(root / "mysqld.sock")
    out = log.open("wb")
    process = subprocess.Popen(
        [
            _program("mariadbd", "mysqld"),
            "--no-defaults",
            f"--datadir={datadir}",
            f"--socket={socket}",
            f"--port={port}",
            "--bind-address=127.0.0.1",
            f"--pid-file={root / 'mariadbd.pid'}",
            "--skip-name-resolve",
            "--innodb-buffer-pool-size=16M",
            "--skip-log-bin",
            *as_root,
        ],
        stdout=out,
        stderr=subprocess.STDOUT,
        stdin=subprocess.DEVNULL,
    )
    server = MariaDB(port, socket, process, log)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"mariadbd exited with {process.returncode}:\n{log.read_text()[-4000:]}")
        try:
            server.admin().close()
            return server
        except pymysql.err.OperationalError:
            try:
                process.wait(0.1)  # the poll interval; returns early if the server dies
            except subprocess.TimeoutExpired:
                pass
    server.stop()
    raise RuntimeError(f"mariadbd did not accept connections within {timeout}s:\n{log.read_text()[-4000:]}")
