"""A throwaway MariaDB server for tests: its own data dir, a free port on 127.0.0.1, real grants.

    with MariaDBServer() as db:
        write_shop(db.admin_url, 0.002)          # full rights on `shop`
        create_engine(db.readonly_url)           # the loader's view: SELECT only

Needs the Debian package mariadb-server (mariadbd, mariadb-install-db); nothing else is
touched: no system service, no /etc/mysql config (--no-defaults everywhere).
"""

from __future__ import annotations

import os
import secrets
import shutil
import subprocess
import tempfile
import time
from datetime import datetime
from pathlib import Path
from types import TracebackType
from typing import Any

import pymysql
import sqlalchemy as sa
from sqlalchemy import URL

from devtools.harness.paths import free_port

SEARCH_PATH = os.pathsep.join([os.environ.get("PATH", ""), "/usr/sbin", "/usr/local/sbin"])


def _binary(name: str) -> str:
    path = shutil.which(name, path=SEARCH_PATH)
    if path is None:
        raise RuntimeError(
            f"MariaDB test server: `{name}` not found; install the Debian package "
            "mariadb-server (apt-get install mariadb-server)"
        )
    return path


def _shop_utc_offset() -> str:
    """The shop's UTC offset now, as MariaDB takes it: '+03:00'."""
    from loaders.mysql.source import SHOP_TIME_ZONE  # the loader's clock (imports dlt: lazily)

    offset = datetime.now(SHOP_TIME_ZONE).strftime("%z")
    return f"{offset[:3]}:{offset[3:]}"


class MariaDBServer:
    """Starts mariadbd on enter, shuts it down and deletes its data dir on exit."""

    def __init__(
        self, database: str = "shop", readonly_user: str = "loader", buffer_pool: str = "128M"
    ) -> None:
        self.database, self.readonly_user = database, readonly_user
        # 128M keeps a test server small; the bench's 10M-order shop needs its indexes cached.
        self.buffer_pool = buffer_pool
        self.admin_user = "admin"
        # Random per run: the URLs are the only place they live.
        self.admin_password = secrets.token_hex(12)
        self.readonly_password = secrets.token_hex(12)
        self.port = 0
        self.base_dir: Path | None = None
        self._process: subprocess.Popen[bytes] | None = None

    @property
    def socket_path(self) -> Path:
        assert self.base_dir is not None, "server not started"
        return self.base_dir / "mysqld.sock"

    def url(self, database: str | None = None, *, readonly: bool = False) -> str:
        user = self.readonly_user if readonly else self.admin_user
        password = self.readonly_password if readonly else self.admin_password
        url = URL.create(
            "mysql+pymysql",
            username=user,
            password=password,
            host="127.0.0.1",
            port=self.port,
            database=database or self.database,
            query={"charset": "utf8mb4"},
        )
        return url.render_as_string(hide_password=False)

    @property
    def admin_url(self) -> str:
        return self.url()

    @property
    def readonly_url(self) -> str:
        return self.url(readonly=True)

    def start(self) -> MariaDBServer:
        self.base_dir = Path(tempfile.mkdtemp(prefix="mariadb-test-"))
        datadir, log = self.base_dir / "data", self.base_dir / "error.log"
        # temporary tables in a directory of this server's own: /tmp is shared with servers in
        # other PID namespaces, whose same-numbered temp files collide ("#sql-temptable-<pid>")
        tmpdir = self.base_dir / "tmp"
        tmpdir.mkdir()
        # mariadbd refuses to run as root unless told to; as any other user it runs as itself.
        user = ["--user=root"] if os.geteuid() == 0 else []
        try:
            self._run(
                _binary("mariadb-install-db"),
                "--no-defaults",
                f"--datadir={datadir}",
                f"--tmpdir={tmpdir}",
                "--auth-root-authentication-method=normal",
                "--skip-test-db",
                "--skip-name-resolve",
                *user,
            )
            self.port = free_port()
            args = [
                _binary("mariadbd"),
                "--no-defaults",
                f"--datadir={datadir}",
                f"--tmpdir={tmpdir}",
                f"--socket={self.socket_path}",
                f"--port={self.port}",
                "--bind-address=127.0.0.1",
                f"--pid-file={self.base_dir / 'mariadbd.pid'}",
                f"--log-error={log}",
                "--skip-name-resolve",
                "--skip-log-bin",
                "--performance-schema=OFF",
                f"--innodb-buffer-pool-size={self.buffer_pool}",
                "--innodb-log-file-size=64M",
                "--innodb-flush-log-at-trx-commit=2",  # a test DB need not survive a crash
                "--character-set-server=utf8mb4",
                "--collation-server=utf8mb4_unicode_ci",
                # the shop's clock: its DATETIMEs are Moscow wall-clock values, so NOW() and
                # ON UPDATE CURRENT_TIMESTAMP must be too, or rows written at Moscow time
                # would be "future" rows that every night re-reads
                f"--default-time-zone={_shop_utc_offset()}",
                *user,
            ]
            self._process = subprocess.Popen(
                args, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
            )
            self._wait_ready(log)
            self._bootstrap()
        except BaseException:
            self.stop()
            raise
        return self

    def _run(self, *args: str) -> None:
        done = subprocess.run(args, capture_output=True, text=True, timeout=120, check=False)
        if done.returncode != 0:
            tail = (done.stderr or done.stdout).strip().splitlines()[-5:]
            raise RuntimeError(f"MariaDB test server: {args[0]} failed: {' | '.join(tail)}")

    def _root(self) -> pymysql.Connection:
        # root over the unix socket: install-db created it without a password.
        return pymysql.connect(unix_socket=str(self.socket_path), user="root", autocommit=True)

    def _wait_ready(self, log: Path, timeout: float = 60.0) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            assert self._process is not None
            if self._process.poll() is not None:
                tail = log.read_text(errors="replace").strip().splitlines()[-5:]
                raise RuntimeError(f"MariaDB test server exited on start: {' | '.join(tail)}")
            try:
                self._root().close()
                return
            except pymysql.err.OperationalError:
                time.sleep(0.1)
        raise RuntimeError(f"MariaDB test server: not ready after {timeout:.0f}s; see {log}")

    def _bootstrap(self) -> None:
        admin, ro = f"'{self.admin_user}'@'127.0.0.1'", f"'{self.readonly_user}'@'127.0.0.1'"
        statements = [
            f"CREATE DATABASE `{self.database}` CHARACTER SET utf8mb4",
            f"CREATE USER {admin} IDENTIFIED BY '{self.admin_password}'",
            f"GRANT ALL PRIVILEGES ON *.* TO {admin} WITH GRANT OPTION",
            # The production loader's grants: SELECT on the shop database, nothing else.
            f"CREATE USER {ro} IDENTIFIED BY '{self.readonly_password}'",
            f"GRANT SELECT ON `{self.database}`.* TO {ro}",
        ]
        conn = self._root()
        try:
            with conn.cursor() as cursor:
                for statement in statements:
                    cursor.execute(statement)
        finally:
            conn.close()

    def create_database(self, name: str) -> str:
        """A further database (readable by the read-only user too); returns its admin URL."""
        conn = self._root()
        try:
            with conn.cursor() as cursor:
                cursor.execute(f"CREATE DATABASE `{name}` CHARACTER SET utf8mb4")
                cursor.execute(f"GRANT SELECT ON `{name}`.* TO '{self.readonly_user}'@'127.0.0.1'")
        finally:
            conn.close()
        return self.url(name)

    def stop(self) -> None:
        if self._process is not None and self._process.poll() is None:
            self._process.terminate()  # SIGTERM is mariadbd's clean shutdown
            try:
                self._process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self._process.kill()
                self._process.wait(timeout=10)
        self._process = None
        if self.base_dir is not None:
            shutil.rmtree(self.base_dir, ignore_errors=True)
            self.base_dir = None

    def __enter__(self) -> MariaDBServer:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()


def shop_rows(url: str, *statements: str) -> list[Any]:
    """Run statements on a database in one transaction; the last one's rows (if any)."""
    engine = sa.create_engine(url)
    try:
        with engine.begin() as conn:
            result = None
            for statement in statements:
                result = conn.execute(sa.text(statement))
            return list(result) if result is not None and result.returns_rows else []
    finally:
        engine.dispose()


def mysql(url: str, *statements: str) -> Any:
    """Run statements on the shop; the last one's first value (None without rows)."""
    rows = shop_rows(url, *statements)
    return rows[0][0] if rows else None
