"""The shop database's settings: SHOP_DB_URL and MYSQL_CHUNK_SIZE."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from urllib.parse import parse_qs

from loaders.common.settings import (
    DEFAULT_WAREHOUSE_URL,
    REPO_ROOT,
    ConfigError,
    RunSettings,
    env,
    env_int,
)
from warehouse_client import normalize_url, redact_url

DEFAULT_DEMO_SHOP_PATH = REPO_ROOT / "demo" / "shop.sqlite"
SHOP_SCHEMES = ("mysql+pymysql://", "sqlite:///")
# pymysql's URL options that name a file
SSL_FILE_OPTIONS = ("ssl_ca", "ssl_cert", "ssl_key", "ssl_capath")
CHUNK_SIZE_RANGE = (100, 5_000_000)


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
class MysqlSettings:
    shop_db_url: str
    chunk_size: int
    skip_reason = None  # the shop database is always loaded

    def __repr__(self) -> str:  # the URL's password never reaches a log or a traceback
        shown = redact_url(self.shop_db_url)
        return f"MysqlSettings(shop_db_url={shown!r}, chunk_size={self.chunk_size})"

    @classmethod
    def from_env(cls, run: RunSettings) -> MysqlSettings:
        shop_db_url = env("SHOP_DB_URL")
        if shop_db_url is None:
            if not run.is_demo_warehouse:
                raise ConfigError(
                    "SHOP_DB_URL is not set: the demo shop is loaded only into the demo "
                    f"warehouse ({DEFAULT_WAREHOUSE_URL}), "
                    f"not into {redact_url(run.warehouse_url)}; "
                    "set SHOP_DB_URL=mysql+pymysql://user:password@host:3306/shop"
                )
            shop_db_url = f"sqlite:///{DEFAULT_DEMO_SHOP_PATH}"
        check_shop_db_url(shop_db_url)
        return cls(
            shop_db_url=normalize_url(shop_db_url),
            chunk_size=env_int("MYSQL_CHUNK_SIZE", 50_000, *CHUNK_SIZE_RANGE),
        )
