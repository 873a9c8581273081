"""Bad configuration stops `make load` before anything runs, in one line that names the
variable and the fix; no traceback, no secret."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from devtools.harness.paths import REPO

pytestmark = pytest.mark.independent  # no module state: tests are dealt out one by one

SETTINGS = ("WAREHOUSE_URL", "SHOP_DB_URL", "MYSQL_CHUNK_SIZE", "DLT_PIPELINES_DIR", "SOURCES")


def load(tmp_path: Path, **settings: str) -> subprocess.CompletedProcess[str]:
    """`python -m loaders` with exactly these settings (the repo's .env is not read for them:
    every one is set, or removed from the environment)."""
    env = {k: v for k, v in os.environ.items() if k not in SETTINGS}
    env.update(
        {
            "WAREHOUSE_URL": f"chdb:{tmp_path / 'warehouse'}",
            "SHOP_DB_URL": f"sqlite:///{tmp_path / 'shop.sqlite'}",
            "DLT_PIPELINES_DIR": str(tmp_path / "pipelines"),
            "RUN_LOCK_DIR": str(tmp_path / "locks"),
        }
    )
    for name, value in settings.items():
        if value == "<unset>":
            env.pop(name, None)
        else:
            env[name] = value
    return subprocess.run(
        [sys.executable, "-m", "loaders"],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def assert_config_error(done: subprocess.CompletedProcess[str], *words: str) -> str:
    assert done.returncode == 2, done.stderr
    assert "Traceback" not in done.stderr
    line = done.stderr.strip()
    assert len(line.splitlines()) == 1, line
    assert line.startswith("configuration error: ")
    for word in words:
        assert word in line, line
    return line


@pytest.mark.parametrize(
    ("value", "words"),
    [
        ("0", ("MYSQL_CHUNK_SIZE=0", "out of range", "100..5000000")),
        ("-5", ("MYSQL_CHUNK_SIZE=-5", "out of range")),
        ("abc", ("MYSQL_CHUNK_SIZE='abc'", "not a whole number")),
    ],
)
def test_chunk_size_must_be_a_number_in_range(
    tmp_path: Path, value: str, words: tuple[str, ...]
) -> None:
    assert_config_error(load(tmp_path, MYSQL_CHUNK_SIZE=value), *words)


def test_set_but_empty_shop_url_is_an_error_not_the_demo(tmp_path: Path) -> None:
    line = assert_config_error(load(tmp_path, SHOP_DB_URL=""), "SHOP_DB_URL is set but empty")
    assert not (tmp_path / "warehouse").exists() or not any((tmp_path / "warehouse").iterdir())
    assert "demo" not in line


def test_set_but_empty_sources_is_an_error(tmp_path: Path) -> None:
    assert_config_error(load(tmp_path, SOURCES=""), "SOURCES is set but empty")


def test_demo_shop_only_with_the_demo_warehouse(tmp_path: Path) -> None:
    assert_config_error(
        load(tmp_path, SHOP_DB_URL="<unset>"),
        "SHOP_DB_URL is not set",
        "demo warehouse",
        "mysql+pymysql://",
    )


def test_unknown_warehouse_scheme_lists_the_supported(tmp_path: Path) -> None:
    line = assert_config_error(
        load(tmp_path, WAREHOUSE_URL="clickhouse://etl:hunter22@ch.example:9000/"),
        "unknown scheme",
        "chdb:",
        "https://",
    )
    assert "hunter22" not in line


def test_unknown_shop_scheme_and_mysql_without_driver(tmp_path: Path) -> None:
    assert_config_error(
        load(tmp_path, SHOP_DB_URL="postgresql://u:pw1234@h/shop"),
        "unknown scheme",
        "mysql+pymysql://",
        "sqlite:///",
    )
    line = assert_config_error(
        load(tmp_path, SHOP_DB_URL="mysql://loader:s3cr/t%40pw@db:3306/shop"),
        "names no driver",
        "mysql+pymysql://",
    )
    for secret in ("s3cr/t%40pw", "s3cr/t@pw", "s3cr%2Ft%40pw"):
        assert secret not in line


def test_missing_ssl_file_is_named(tmp_path: Path) -> None:
    missing = tmp_path / "nowhere" / "ca.pem"
    assert_config_error(
        load(tmp_path, SHOP_DB_URL=f"mysql+pymysql://loader:pw@db:3306/shop?ssl_ca={missing}"),
        "ssl_ca",
        str(missing),
        "does not exist",
    )


def test_read_only_warehouse_directory_is_named(tmp_path: Path) -> None:
    if os.geteuid() == 0:
        read_only = Path("/sys/kernel")  # sysfs: no file can be created there, even by root
    else:
        read_only = tmp_path / "ro"
        read_only.mkdir()
        read_only.chmod(0o555)
    assert_config_error(
        load(tmp_path, WAREHOUSE_URL=f"chdb:{read_only}"),
        "WAREHOUSE_URL",
        str(read_only),
        "not writable",
    )


@pytest.mark.parametrize(
    ("name", "value", "words"),
    [
        ("DIRECT_REPORT_TIMEOUT", "soon", ("DIRECT_REPORT_TIMEOUT='soon'", "not a number")),
        ("ADS_RELOAD_DAYS", "0", ("ADS_RELOAD_DAYS=0", "out of range", "1..366")),
        ("ADS_TO_DATE", "22.11.2026", ("ADS_TO_DATE='22.11.2026'", "YYYY-MM-DD")),
        ("VK_ADS_API_URL", "ads.vk.com", ("VK_ADS_API_URL", "http(s) URL")),
        ("VK_MIN_GAP_SECONDS", "nan", ("VK_MIN_GAP_SECONDS='nan'", "not a number")),
    ],
)
def test_every_source_setting_is_checked_before_anything_runs(
    tmp_path: Path, name: str, value: str, words: tuple[str, ...]
) -> None:
    """A source's setting is checked with the others, even for a source that would be
    skipped for want of credentials, and before any source runs."""
    assert_config_error(load(tmp_path, **{name: value}), *words)
    assert not (tmp_path / "pipelines").exists() or not any((tmp_path / "pipelines").iterdir())


def test_nightly_checks_every_setting_before_its_first_step(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k != "SOURCES"}
    env.update(
        WAREHOUSE_URL=f"chdb:{tmp_path / 'warehouse'}",
        SHOP_DB_URL=f"sqlite:///{tmp_path / 'shop.sqlite'}",
        DLT_PIPELINES_DIR=str(tmp_path / "pipelines"),
        OPS_STATE_DIR=str(tmp_path / "ops"),
        RUN_LOCK_DIR=str(tmp_path / "locks"),
        ADS_INITIAL_DAYS="many",
    )
    done = subprocess.run(
        [sys.executable, "-m", "ops.nightly"],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    line = assert_config_error(done, "ADS_INITIAL_DAYS='many'", "not a whole number")
    assert line == "configuration error: ADS_INITIAL_DAYS='many' is not a whole number (1..3660)"
    assert not (tmp_path / "ops").exists()  # no run started: no marker, no logs
