"""A password with '/', '@', '#' or '%' (written as-is or percent-encoded) never appears in
the loader's output, dbt's output or logs/dbt.log, in any form."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from urllib.parse import quote

import pytest

from devtools.harness.paths import REPO, free_port
from devtools.harness.warehouse import Warehouse
from warehouse_client.secrets import environment_secrets, redact

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


def test_one_rule_finds_every_secret_of_the_environment() -> None:
    env = {
        "SHOP_DB_URL": f"mysql+pymysql://loader:{PASSWORD}@db:3306/shop",
        "ALERT_WEBHOOK_URL": "https://api.telegram.org/bot123456:AAH-tok/sendMessage",
        "ALERT_SMTP_PASSWD": "smtp-passwd-value",  # PASSWD counts as much as PASSWORD
        "DIRECT_TOKEN": "y0_direct",
        "VK_ADS_CLIENT_SECRET": "vk-ads-secret",
        "MYSQL_CHUNK_SIZE": "50000",
        "DBT_TARGET": "prod",
    }
    found = environment_secrets(env)
    for secret in (PASSWORD, quote(PASSWORD, safe=""), "bot123456:AAH-tok", "smtp-passwd-value"):
        assert secret in found
    assert {"y0_direct", "vk-ads-secret"} <= set(found)
    assert "50000" not in found and "prod" not in found


def test_shapes_of_secrets_are_masked_even_unregistered() -> None:
    text = redact(
        "headers={'Authorization': 'Bearer abc.DEF-123'} data=grant_type=refresh_token"
        '&refresh_token=r3fr3sh&client_secret=s3cr3t json={"access_token": "t0k3n"}'
    )
    for secret in ("abc.DEF-123", "r3fr3sh", "s3cr3t", "t0k3n"):
        assert secret not in text, text
    assert "grant_type=refresh_token" in text  # not a secret, kept


def test_every_logger_is_masked_also_one_with_its_own_handler() -> None:
    """dlt's logger has its own handler and does not propagate: masking the root logger's
    handlers never saw it. A child process, so the record factory starts clean."""
    probe = (
        "import io, logging\n"
        "from loaders.common.output import protect_output\n"
        "from warehouse_client.secrets import register\n"
        "register(['registered-secret'])\n"
        "protect_output()\n"
        "stream = io.StringIO()\n"
        "own = logging.getLogger('dlt'); own.propagate = False\n"
        "own.addHandler(logging.StreamHandler(stream)); own.setLevel(logging.DEBUG)\n"
        "own.debug('headers %s', {'Authorization': 'Bearer registered-secret'})\n"
        "try:\n"
        "    raise RuntimeError('failed with registered-secret')\n"
        "except RuntimeError:\n"
        "    own.exception('boom')\n"
        "print(stream.getvalue())\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe], cwd=REPO, capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr
    assert "registered-secret" not in done.stdout
    assert "Bearer ***" in done.stdout and "RuntimeError: failed with ***" in done.stdout
