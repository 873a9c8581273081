"""Settings from the environment (a `.env` file in the repo is read when present), checked
before anything runs: each problem is reported in one line that names the variable and
says what to write instead."""

from __future__ import annotations

import os
import tempfile
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import parse_qs

from dotenv import load_dotenv

from loaders.common.errors import ActionableError, register_environment_secrets
from warehouse_client import chdb_path, normalize_url, redact_url
from warehouse_client.cluster import check_cluster_for_url, cluster_from_env
from warehouse_client.run_lease import ttl_from_env

REPO_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_WAREHOUSE_URL = f"chdb://{REPO_ROOT / 'warehouse'}"
DEFAULT_DEMO_SHOP_PATH = REPO_ROOT / "demo" / "shop.sqlite"

WAREHOUSE_SCHEMES = ("chdb:", "http://", "https://")
SHOP_SCHEMES = ("mysql+pymysql://", "sqlite:///")
# pymysql's URL options that name a file
SSL_FILE_OPTIONS = ("ssl_ca", "ssl_cert", "ssl_key", "ssl_capath")
CHUNK_SIZE_RANGE = (100, 5_000_000)


class ConfigError(ActionableError):
    """A setting that cannot work: reported before anything runs."""


def env(name: str) -> str | None:
    """The variable's value; None when unset; ConfigError when set but empty."""
    value = os.environ.get(name)
    if value is not None and not value.strip():
        raise ConfigError(f"{name} is set but empty: unset it to use the default, or give a value")
    return value.strip() if value is not None else None


def env_int(name: str, default: int, low: int, high: int) -> int:
    """An integer variable within [low, high]."""
    value = env(name)
    if value is None:
        return default
    try:
        number = int(value.replace("_", ""))
    except ValueError:
        raise ConfigError(f"{name}={value!r} is not a whole number ({low}..{high})") from None
    if not low <= number <= high:
        raise ConfigError(f"{name}={number} is out of range: use {low}..{high}")
    return number


def _writable_dir(name: str, path: Path) -> None:
    """The directory exists or can be created, and a file can be written in it (tried for
    real: permission bits say nothing to root, or on a read-only mount)."""
    try:
        path.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryFile(dir=path):
            pass
    except OSError as error:
        raise ConfigError(
            f"{name}: directory {path} is not writable ({error.strerror}); "
            "fix its permissions or point the variable elsewhere"
        ) from None


def check_warehouse_url(url: str) -> None:
    if not url.startswith(WAREHOUSE_SCHEMES):
        raise ConfigError(
            f"WAREHOUSE_URL {redact_url(url)} has an unknown scheme: supported are "
            "chdb:/abs/path (embedded) and https://user:password@host:8443/ (a server)"
        )
    path = chdb_path(url)
    if path is not None:
        _writable_dir("WAREHOUSE_URL", Path(path))


def check_shop_db_url(url: str) -> None:
    shown = redact_url(url)
    if url.startswith("mysql://"):
        raise ConfigError(
            f"SHOP_DB_URL {shown} names no driver: write mysql+pymysql://user:password@host:3306/shop"
        )
    if not url.startswith(SHOP_SCHEMES):
        raise ConfigError(
            f"SHOP_DB_URL {shown} has an unknown scheme: supported are "
            "mysql+pymysql://user:password@host:3306/shop (the shop) and sqlite:///path (demo)"
        )
    query = parse_qs(normalize_url(url).partition("?")[2])
    for option in SSL_FILE_OPTIONS:
        for value in query.get(option, []):
            if not Path(value).exists():
                raise ConfigError(
                    f"SHOP_DB_URL: {option} file {value} does not exist; "
                    "fix the path in the URL or copy the file there"
                )


@dataclass(frozen=True)
class Settings:
    warehouse_url: str
    shop_db_url: str
    mysql_chunk_size: int
    pipelines_dir: Path
    warehouse_cluster: str | None  # WAREHOUSE_CLUSTER: replicated tables, DDL ON CLUSTER
    run_lease_ttl: int  # seconds a run lease holds after its last heartbeat

    @classmethod
    def from_env(cls) -> Settings:
        """Validated settings; ConfigError (one line) for the first setting that cannot work."""
        load_dotenv(REPO_ROOT / ".env", override=False)
        register_environment_secrets()  # before any message can show one
        warehouse_url = env("WAREHOUSE_URL") or DEFAULT_WAREHOUSE_URL
        check_warehouse_url(warehouse_url)
        shop_db_url = env("SHOP_DB_URL")
        if shop_db_url is None:
            if chdb_path(warehouse_url) != chdb_path(DEFAULT_WAREHOUSE_URL):
                raise ConfigError(
                    "SHOP_DB_URL is not set: the demo shop is loaded only into the demo "
                    f"warehouse ({DEFAULT_WAREHOUSE_URL}), not into {redact_url(warehouse_url)}; "
                    "set SHOP_DB_URL=mysql+pymysql://user:password@host:3306/shop"
                )
            shop_db_url = f"sqlite:///{DEFAULT_DEMO_SHOP_PATH}"
        check_shop_db_url(shop_db_url)
        # absolute: the embedded warehouse may change the working directory of the process
        pipelines_dir = Path(env("DLT_PIPELINES_DIR") or REPO_ROOT / ".dlt_pipelines").resolve()
        _writable_dir("DLT_PIPELINES_DIR", pipelines_dir)
        try:
            warehouse_cluster, run_lease_ttl = cluster_from_env(), ttl_from_env()
            check_cluster_for_url(warehouse_cluster, warehouse_url)
        except ValueError as error:  # the variable named, what to write instead
            raise ConfigError(str(error)) from None
        return cls(
            # user and password percent-encoded: a '/', '@' or '#' in a password written
            # as-is is read as the password, not as a path, host or fragment
            warehouse_url=normalize_url(warehouse_url),
            shop_db_url=normalize_url(shop_db_url),
            mysql_chunk_size=env_int("MYSQL_CHUNK_SIZE", 50_000, *CHUNK_SIZE_RANGE),
            pipelines_dir=pipelines_dir,
            warehouse_cluster=warehouse_cluster,
            run_lease_ttl=run_lease_ttl,
        )
