"""Warehouse-side failures: each says what failed in one line, with no secret in it."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import pytest

from devtools.demo_shop.generator import write_shop
from devtools.harness.paths import REPO, free_port
from devtools.harness.warehouse import Warehouse
from warehouse_client import chdb_path, redact_url


@pytest.fixture(scope="module")
def demo_shop_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    url = f"sqlite:///{tmp_path_factory.mktemp('shop') / 'shop.sqlite'}"
    write_shop(url, scale=0.001, seed=3)
    return url


def failure_lines(done: subprocess.CompletedProcess[str]) -> list[str]:
    return [
        line
        for line in done.stderr.splitlines()
        if line.startswith(("load failed", "load not started"))
    ]


def test_chdb_urls_resolve_to_directories(tmp_path: Path) -> None:
    assert chdb_path(f"chdb://{tmp_path}/wh") == str(tmp_path / "wh")
    assert chdb_path(f"chdb:{tmp_path}/wh") == str(tmp_path / "wh")
    assert chdb_path("chdb:warehouse") == str(Path.cwd() / "warehouse")
    assert chdb_path("https://host:8443/") is None


def test_redact_url_hides_only_the_password() -> None:
    assert redact_url("https://etl:pw@host:8443/?x=1") == "https://etl:***@host:8443/?x=1"
    assert redact_url("chdb:/data/warehouse") == "chdb:/data/warehouse"


def test_unreachable_warehouse_server(tmp_path: Path, demo_shop_url: str) -> None:
    warehouse = Warehouse(tmp_path, demo_shop_url)
    server = f"https://etl:Wh-S3cret-pw@127.0.0.1:{free_port()}/"

    done = warehouse.load(WAREHOUSE_URL=server)

    assert done.returncode != 0
    lines = failure_lines(done)  # the warehouse's engine is read before any source runs
    assert len(lines) == 1 and lines[0].startswith("load not started"), done.stderr
    assert "cannot reach the warehouse" in lines[0] and "127.0.0.1" in lines[0]
    assert "Wh-S3cret-pw" not in done.stdout + done.stderr


def test_busy_embedded_warehouse(tmp_path: Path, demo_shop_url: str) -> None:
    warehouse = Warehouse(tmp_path, demo_shop_url)
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sys, time; from warehouse_client import open_client;"
            f" c = open_client({warehouse.url!r}); print('open', flush=True); time.sleep(60)",
        ],
        cwd=REPO,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "open"
        done = warehouse.load()
    finally:
        holder.kill()
        holder.wait()
    assert done.returncode != 0
    lines = failure_lines(done)
    assert len(lines) == 1, done.stderr
    assert "in use by another process" in lines[0]

    time.sleep(0.5)  # the holder is gone: the same directory loads fine now
    assert warehouse.load().returncode == 0
