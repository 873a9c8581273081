"""A password with '/', '@', '#' or '%' (written as-is or percent-encoded) never appears in
the loader's output, dbt's output or logs/dbt.log, in any form."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import quote

import pytest

from devtools.harness.paths import free_port
from devtools.harness.warehouse import Warehouse

pytestmark = pytest.mark.independent  # no module state: tests are dealt out one by one

PASSWORD = "S3cr/t@pa#ss%w0rd"
FORMS = (PASSWORD, quote(PASSWORD, safe=""), "S3cr")


def server_url(password: str) -> str:
    # nothing listens there: the run fails at connect, after logging what it tried
    return f"https://etl:{password}@127.0.0.1:{free_port()}/"


def assert_no_secret(*texts: str) -> None:
    for text in texts:
        for form in FORMS:
            assert form not in text, f"{form!r} leaked in: {text[-2000:]}"


@pytest.mark.parametrize("written", [PASSWORD, quote(PASSWORD, safe="")], ids=["raw", "encoded"])
def test_loader_never_prints_the_warehouse_password(tmp_path: Path, written: str) -> None:
    warehouse = Warehouse(tmp_path, f"sqlite:///{tmp_path / 'shop.sqlite'}")
    done = warehouse.load(WAREHOUSE_URL=server_url(written), RUN_LOCK_DIR=str(tmp_path))
    assert done.returncode == 1
    assert "cannot reach the warehouse at https://etl:***@127.0.0.1:" in done.stderr
    assert_no_secret(done.stdout, done.stderr)


def test_loader_never_prints_the_shop_password(tmp_path: Path) -> None:
    warehouse = Warehouse(
        tmp_path, f"mysql+pymysql://loader:{PASSWORD}@127.0.0.1:{free_port()}/shop"
    )
    done = warehouse.load(RUN_LOCK_DIR=str(tmp_path))
    assert done.returncode == 1
    assert "cannot connect to the shop database at 127.0.0.1:" in done.stderr
    assert_no_secret(done.stdout, done.stderr)


@pytest.mark.parametrize("written", [PASSWORD, quote(PASSWORD, safe="")], ids=["raw", "encoded"])
def test_dbt_never_prints_or_logs_the_warehouse_password(tmp_path: Path, written: str) -> None:
    warehouse = Warehouse(tmp_path, "unused", warm_parse=False)  # what a full parse logs too
    done = warehouse.dbt("run", "-s", "stg_mysql__cities", WAREHOUSE_URL=server_url(written))
    assert done.returncode != 0
    assert "cannot reach the warehouse at https://etl:***@127.0.0.1:" in done.stdout
    log = (tmp_path / "logs" / "dbt.log").read_text()
    assert "127.0.0.1" in log  # the log did get the failure
    assert_no_secret(done.stdout, done.stderr, log)
