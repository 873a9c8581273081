"""Settings from the environment (a `.env` file in the repo is read when present)."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from dotenv import load_dotenv

REPO_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_WAREHOUSE_URL = f"chdb://{REPO_ROOT / 'warehouse'}"
DEFAULT_DEMO_SHOP_PATH = REPO_ROOT / "demo" / "shop.sqlite"


@dataclass(frozen=True)
class Settings:
    warehouse_url: str
    shop_db_url: str
    mysql_chunk_size: int
    pipelines_dir: Path

    @classmethod
    def from_env(cls) -> Settings:
        load_dotenv(REPO_ROOT / ".env", override=False)
        return cls(
            warehouse_url=os.environ.get("WAREHOUSE_URL") or DEFAULT_WAREHOUSE_URL,
            shop_db_url=os.environ.get("SHOP_DB_URL") or f"sqlite:///{DEFAULT_DEMO_SHOP_PATH}",
            mysql_chunk_size=int(os.environ.get("MYSQL_CHUNK_SIZE") or 50_000),
            pipelines_dir=Path(os.environ.get("DLT_PIPELINES_DIR") or REPO_ROOT / ".dlt_pipelines"),
        )
