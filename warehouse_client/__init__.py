"""One WAREHOUSE_URL, one clickhouse-connect client: shared by the dbt adapter and the loaders.

`chdb:/abs/path` (or `chdb:relative/path`, `chdb:///abs/path`) opens embedded ClickHouse
(chDB) in that directory; `http(s)://user:password@host:port/` talks to a ClickHouse server.
It imports neither dbt nor dlt, so a loader starts without paying for dbt-core's imports.
Every client checks the engine it reaches (`engine.py`): a ClickHouse older than the project
supports stops with one line naming the version found and the minimum.
"""

from __future__ import annotations

import fcntl
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import quote, unquote, urlsplit

import clickhouse_connect
from clickhouse_connect.driver.client import Client
from clickhouse_connect.driver.exceptions import OperationalError

from warehouse_client.chdb_compat import adapt_chdb, chdb_version
from warehouse_client.engine import Engine, chdb_server_options

__all__ = [
    "Engine",
    "UnsupportedWarehouse",
    "WarehouseError",
    "WarehouseUnreachable",
    "chdb_path",
    "engine_kept_running",
    "normalize_url",
    "open_client",
    "redact",
    "redact_url",
    "url_secrets",
    "warehouse_engine",
]


class WarehouseError(RuntimeError):
    """A warehouse URL that cannot be opened, said in one actionable line."""


class WarehouseUnreachable(WarehouseError):
    """A ClickHouse server that did not answer: worth a retry."""


class UnsupportedWarehouse(WarehouseError):
    """A ClickHouse older than the project supports."""


# The engine of each warehouse URL this process opened, read from its first client:
# clickhouse-connect reads `version()` when it connects (`Client.server_version`).
_engines: dict[str, Engine] = {}


def _split_userinfo(url: str) -> tuple[str, str | None, str | None, str]:
    """(scheme://, user, password, host and the rest) of a URL, taken apart by hand.

    The userinfo ends at the LAST '@' of the URL, so a password may hold '/', '@', '#', '?'
    or '%' unencoded (urllib would read a '/' as the start of the path and show the rest of
    the password as a port or a path, in clear). Percent-encoded passwords work as usual.
    """
    scheme, sep, rest = url.partition("://")
    if not sep or "@" not in rest:
        return url, None, None, ""
    userinfo, _, host = rest.rpartition("@")
    user, colon, password = userinfo.partition(":")
    return scheme + "://", user, password if colon else None, host


def url_secrets(url: str) -> list[str]:
    """The password of a URL in every form a message may show it: as written, decoded and
    encoded. Longest first, so a replacement never leaves part of a longer form behind."""
    _, _, password, _ = _split_userinfo(url)
    if not password:
        return []
    forms = {password, unquote(password), quote(unquote(password), safe="")}
    return sorted((f for f in forms if f), key=len, reverse=True)


def redact_url(url: str) -> str:
    """The URL without its password, safe for logs and dbt artifacts."""
    prefix, user, password, host = _split_userinfo(url)
    if password is None:
        return url
    return f"{prefix}{user}:***@{host}"


def normalize_url(url: str) -> str:
    """The URL with user and password percent-encoded, so any URL parser reads it right."""
    prefix, user, password, host = _split_userinfo(url)
    if user is None:
        return url
    userinfo = quote(unquote(user), safe="")
    if password is not None:
        userinfo += ":" + quote(unquote(password), safe="")
    return f"{prefix}{userinfo}@{host}"


def redact(text: str, url: str) -> str:
    """`text` with `url` and its password (in any form) shown without the password."""
    text = text.replace(url, redact_url(url))
    for secret in url_secrets(url):
        text = text.replace(secret, "***")
    return text


def chdb_path(url: str) -> str | None:
    """Data directory of a `chdb:` URL (absolute, or relative to the working directory)."""
    if not url.startswith("chdb:"):
        return None
    rest = url[len("chdb:") :]
    path = rest[2:] if rest.startswith("//") else rest
    return str(Path(path).resolve())


def _locked_by_another_process(path: str) -> bool:
    # ClickHouse flocks <data dir>/status while an engine has the directory open
    try:
        with open(Path(path) / "status", "rb") as status:
            fcntl.flock(status, fcntl.LOCK_EX | fcntl.LOCK_NB)
            fcntl.flock(status, fcntl.LOCK_UN)
    except BlockingIOError:
        return True
    except OSError:
        return False
    return False


def open_client(url: str, settings: dict[str, object] | None = None) -> Client:
    """A clickhouse-connect client for a `chdb:` or `http(s)://` warehouse URL, on an engine
    the project supports (else UnsupportedWarehouse)."""
    client = _connect(url, settings)
    reason = _engine_of(url, client).unsupported_reason()
    if reason is not None:
        client.close()
        raise UnsupportedWarehouse(reason)
    return client


@contextmanager
def engine_kept_running(url: str) -> Iterator[None]:
    """Keep an embedded warehouse's engine running for the block (a server's: nothing to do).

    chDB starts the engine with a process's first open client and stops it with the last
    close; each start loads every table's parts again. dlt opens and closes a client for
    each step of a load (17 in one night's MySQL load), so without this block a load on a
    warehouse with built marts spent most of its time restarting the engine."""
    if chdb_path(url) is None:
        yield
        return
    client = open_client(url)
    try:
        yield
    finally:
        client.close()


def warehouse_engine(url: str) -> Engine:
    """The engine behind `url`: read once per process, checked like every client."""
    if url not in _engines:
        open_client(url).close()
    return _engines[url]


def _engine_of(url: str, client: Client) -> Engine:
    if url not in _engines:
        embedded = chdb_path(url) is not None
        _engines[url] = Engine(
            version=str(client.server_version), chdb=chdb_version() if embedded else None
        )
    return _engines[url]


def _connect(url: str, settings: dict[str, object] | None) -> Client:
    path = chdb_path(url)
    if path is not None:
        Path(path).mkdir(parents=True, exist_ok=True)
        adapt_chdb()
        try:
            options = chdb_server_options(chdb_version())
            return clickhouse_connect.get_client(
                interface="chdb", path=path, settings=settings, chdb_options=options
            )
        except Exception:  # chDB raises plain RuntimeErrors that do not say why
            if _locked_by_another_process(path):
                raise WarehouseError(
                    f"warehouse {path} is in use by another process (a load or a dbt run): "
                    "wait for it to finish, then retry"
                ) from None
            raise
    parts = urlsplit(normalize_url(url))
    if parts.scheme not in ("http", "https"):
        raise WarehouseError(
            f"WAREHOUSE_URL must start with chdb:, http:// or https://, got {redact_url(url)}"
        )
    try:
        parts.port  # noqa: B018 - raises on a port that is not a number
    except ValueError:
        raise WarehouseError(
            f"WAREHOUSE_URL {redact_url(url)} has no valid host:port; "
            "expected https://user:password@host:8443/"
        ) from None
    try:
        # clickhouse-connect reads host, port and credentials from the DSN but not its scheme
        return clickhouse_connect.get_client(
            dsn=parts.geturl(), interface=parts.scheme, settings=settings, query_limit=0
        )
    except OperationalError as ex:
        reason = str(ex).splitlines()[0] if str(ex) else type(ex).__name__
        raise WarehouseUnreachable(
            f"cannot reach the warehouse at {redact_url(url)} ({redact(reason, url)}); "
            "check WAREHOUSE_URL and that ClickHouse is up"
        ) from None
