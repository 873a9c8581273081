"""No secret anywhere after a run at DEBUG level (RUNTIME__LOG_LEVEL=DEBUG and `-v`).

Every source loads from its real counterpart (MariaDB over a password URL, the sandbox VK,
VK Ads and Direct APIs with their credentials), then `dbt build` (no tests) runs with debug
logging and DATALENS_PASSWORD set. Every secret the job read or received (the VK Ads tokens
minted on the way, taken from the token file, the one place they are kept) is then searched
for in the output, in every file the run left (dlt's run dirs, dbt's target/ and logs/) and
in every row of every table of the warehouse.
"""

from __future__ import annotations

import json
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

import pytest

from devtools.harness.mariadb import MariaDBServer
from devtools.harness.warehouse import Warehouse, assert_ok
from devtools.sandbox.server import SandboxServer
from tests.python.ads_support import ads_env
from tests.python.test_mysql_loader import new_shop

VK_TOKEN = "vk1.a.debug-run-vk-token"
DATALENS_PASSWORD = "datalens-Pw-debug-run"


@dataclass
class DebugRun:
    warehouse: Warehouse
    outputs: list[subprocess.CompletedProcess[str]]
    secrets: list[str]
    token_file: Path


@pytest.fixture(scope="module")
def debug_run(
    mariadb: MariaDBServer, sandbox: SandboxServer, tmp_path_factory: pytest.TempPathFactory
) -> DebugRun:
    root = tmp_path_factory.mktemp("debug_secrets")
    secrets_dir = tmp_path_factory.mktemp("debug_secrets_token")
    readonly_url = new_shop(mariadb)[1]
    warehouse = Warehouse(root, readonly_url)
    sandbox.clear()
    env = {
        **ads_env(sandbox, secrets_dir, ADS_INITIAL_DAYS="3"),
        "VK_API_URL": f"{sandbox.url('vk')}/method",
        "VK_TOKEN": VK_TOKEN,
        "VK_MIN_GAP_SECONDS": "0",
        "DATALENS_PASSWORD": DATALENS_PASSWORD,
        "RUNTIME__LOG_LEVEL": "DEBUG",
    }
    load = warehouse.run([sys.executable, "-m", "loaders", "-v"], 600, **env)
    # seeds and models, no tests: the statements and hooks are what log secrets; tests add time
    no_tests = ["--exclude-resource-type", "test", "--exclude-resource-type", "unit_test"]
    debug = ["--log-level", "debug", "--log-level-file", "debug"]
    build = warehouse.dbt(*debug, "build", *no_tests, **env)
    token_file = Path(env["VK_ADS_TOKEN_FILE"])
    pair = json.loads(token_file.read_text())
    password = mariadb.readonly_password
    secrets = [
        password,
        quote(password, safe=""),
        VK_TOKEN,
        env["VK_ADS_CLIENT_SECRET"],
        env["DIRECT_TOKEN"],
        DATALENS_PASSWORD,
        pair["access_token"],
        pair["refresh_token"],
    ]
    return DebugRun(warehouse, [load, build], secrets, token_file)


def test_the_debug_run_worked_and_said_a_lot(debug_run: DebugRun) -> None:
    load, build = debug_run.outputs
    assert_ok(load)
    assert_ok(build)
    # dlt's own logger (its own handler, not propagating) logs every request with its
    # headers, form and JSON at debug level: the lines that used to carry the tokens
    assert load.stderr.count("|[DEBUG]|") > 50
    assert "Making POST request to" in load.stderr and "oauth2/token.json" in load.stderr


def test_no_secret_in_any_output(debug_run: DebugRun) -> None:
    for done in debug_run.outputs:
        for secret in debug_run.secrets:
            assert secret not in done.stdout + done.stderr, (secret, done.args)


def test_no_secret_in_any_file_the_run_left(debug_run: DebugRun) -> None:
    root = debug_run.warehouse.root
    files = [
        p for p in root.rglob("*") if p.is_file() and "warehouse" not in p.relative_to(root).parts
    ]
    assert any("pipelines" in p.parts for p in files) and any("logs" in p.parts for p in files)
    assert any("target" in p.parts for p in files)
    for path in files:
        content = path.read_bytes()
        for secret in debug_run.secrets:
            assert secret.encode() not in content, (secret, path)


def test_no_secret_in_any_table(debug_run: DebugRun) -> None:
    w = debug_run.warehouse
    tables = w.query(
        "SELECT database, name FROM system.tables WHERE database NOT IN"
        " ('system', 'information_schema', 'INFORMATION_SCHEMA') AND NOT is_temporary"
        " AND engine NOT IN ('View', 'MaterializedView')"
    )
    assert len(tables) > 30
    needles = ", ".join(f"'{s}'" for s in debug_run.secrets)
    hits = w.query(  # one query over every table: a child process per table takes minutes
        " UNION ALL ".join(
            f"SELECT '{database}.{table}', count() FROM `{database}`.`{table}`"
            f" WHERE multiSearchAny(toString(tuple(*)), [{needles}])"
            for database, table in tables
        )
    )
    assert len(hits) == len(tables)
    assert [hit for hit in hits if hit[1]] == []
