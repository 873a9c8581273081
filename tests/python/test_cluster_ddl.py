"""A replicated cluster (WAREHOUSE_CLUSTER): the DDL the project would run there.

What is tested: the statements each part generates with a cluster set (the loaders'
destination on dlt's own SQL, the run lease, the run history, the engine of every table and
seed, the DataLens access), each parsed by the ClickHouse engine (formatQuery) so that ON
CLUSTER sits where the server expects it; and that without a cluster nothing changes.
What is not: running them on a live cluster (replication, Keeper, ON CLUSTER execution):
there is none here, and chDB refuses ON CLUSTER ("Replicated DDL queries are disabled").
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

from dlt.common.schema import Schema

from devtools.harness.paths import DBT, REPO
from loaders.common.warehouse_destination import warehouse
from warehouse_client.cluster import cluster_session_settings, with_on_cluster
from warehouse_client.run_lease import RunLease

SCENARIOS = Path(__file__).with_name("warehouse_scenarios.py")
SERVER_URL = "https://etl:Etl-S3cret@127.0.0.1:1/"
ON = ' on cluster "shop"'


def parsed(tmp_path: Path, statements: list[str]) -> list[str]:
    """The statements as the engine parses and prints them back."""
    done = subprocess.run(
        [
            sys.executable,
            str(SCENARIOS),
            "format",
            f"chdb:{tmp_path / 'parse'}",
            json.dumps(statements),
        ],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return list(json.loads(done.stdout))


# the statements dlt's ClickHouse destination sends, by kind, and where ON CLUSTER goes
DLT_DDL = [
    (
        "CREATE TABLE IF NOT EXISTS `raw`.`mysql__dlt_sentinel_table` (x Int8) "
        "ENGINE=ReplicatedMergeTree PRIMARY KEY x",
        f"CREATE TABLE IF NOT EXISTS `raw`.`mysql__dlt_sentinel_table`{ON} (x Int8) "
        "ENGINE=ReplicatedMergeTree PRIMARY KEY x",
    ),
    (
        "CREATE OR REPLACE TABLE `raw`.`tmp_1` ENGINE = ReplicatedMergeTree PRIMARY KEY id "
        "AS SELECT id FROM `raw`.`mysql_staging__zakazy`",
        f"CREATE OR REPLACE TABLE `raw`.`tmp_1`{ON} ENGINE = ReplicatedMergeTree PRIMARY KEY "
        "id AS SELECT id FROM `raw`.`mysql_staging__zakazy`",
    ),
    ("CREATE DATABASE IF NOT EXISTS raw", f"CREATE DATABASE IF NOT EXISTS raw{ON}"),
    (
        "DROP TABLE IF EXISTS `raw`.`mysql_staging__zakazy` SYNC",
        f"DROP TABLE IF EXISTS `raw`.`mysql_staging__zakazy`{ON} SYNC",
    ),
    ("TRUNCATE TABLE `raw`.`mysql__tovary`", f"TRUNCATE TABLE `raw`.`mysql__tovary`{ON}"),
    (
        "EXCHANGE TABLES `raw`.`mysql_staging__tovary` AND `raw`.`mysql__tovary`",
        f"EXCHANGE TABLES `raw`.`mysql_staging__tovary` AND `raw`.`mysql__tovary`{ON}",
    ),
    (
        "RENAME TABLE `raw`.`a` TO `raw`.`b`, `raw`.`c` TO `raw`.`d`",
        f"RENAME TABLE `raw`.`a` TO `raw`.`b`, `raw`.`c` TO `raw`.`d`{ON}",
    ),
]
# rows, not DDL: a replicated table replicates them itself
DLT_ROWS = [
    "DELETE FROM `raw`.`mysql__zakazy` WHERE (`id`) IN (SELECT `id` FROM "
    "`raw`.`mysql_staging__zakazy`)",
    "INSERT INTO `raw`.`mysql__zakazy`(`id`) SELECT `id` FROM `raw`.`mysql_staging__zakazy`",
    "SELECT 1 FROM `raw`.`mysql___dlt_version` WHERE 1 = 0",
]


def test_dlt_statements_get_on_cluster_where_the_server_expects_it(tmp_path: Path) -> None:
    for statement, expected in DLT_DDL:
        assert with_on_cluster(statement, "shop") == expected
        assert with_on_cluster(statement, None) == statement
    for statement in DLT_ROWS:
        assert with_on_cluster(statement, "shop") == statement
    for text in parsed(tmp_path, [expected for _, expected in DLT_DDL]):
        assert "ON CLUSTER shop" in text, text


def dlt_table_sql(cluster: str | None) -> list[str]:
    """The CREATE and ALTER TABLE dlt itself generates for the destination, as sent."""
    schema = Schema("shop")
    schema.update_table(
        {
            "name": "zakazy",
            "write_disposition": "merge",
            "columns": {
                "id": {"name": "id", "data_type": "bigint", "nullable": False, "primary_key": True},
                "note": {"name": "note", "data_type": "text", "nullable": True},
            },
        }
    )
    destination = warehouse(url=SERVER_URL, cluster=cluster)
    config = destination.configuration(destination.spec()._bind_dataset_name(dataset_name="mysql"))
    client = destination.client(schema, config)
    columns = list(schema.get_table_columns("zakazy").values())
    generated = client._get_table_update_sql("zakazy", columns, False)
    generated += client._get_table_update_sql("zakazy", columns[1:], True)
    sent_to = getattr(client.sql_client.config, "cluster", None)  # what _run gives each statement
    return [with_on_cluster(s, sent_to) for s in generated]


def test_loader_tables_are_replicated_on_every_host(tmp_path: Path) -> None:
    on_cluster = dlt_table_sql("shop")
    create, alter = on_cluster
    assert create.startswith(f"CREATE TABLE `raw`.`mysql__zakazy`{ON} (")
    assert "ENGINE = ReplicatedMergeTree" in create
    assert alter.startswith(f"ALTER TABLE `raw`.`mysql__zakazy`{ON}\nADD COLUMN `note`")
    assert all("ON CLUSTER shop" in text for text in parsed(tmp_path, on_cluster))
    one_host = dlt_table_sql(None)
    assert "ENGINE = MergeTree" in one_host[0] and "cluster" not in " ".join(one_host)
    assert cluster_session_settings(None) == {}
    assert cluster_session_settings("shop")["allow_nondeterministic_mutations"] == 1


def test_run_lease_statements_on_a_cluster(tmp_path: Path) -> None:
    lease = RunLease(lambda: None, cluster="shop")  # type: ignore[arg-type,return-value]
    owner: dict[str, object] = {"token": "t" * 32, "host": "h", "pid": 1, "what": "w"}
    create = lease.create_statement(owner)
    end = lease.end_statement("t" * 32)
    assert create.startswith(f"create table ops.run_lease{ON} (")
    assert "engine = ReplicatedMergeTree order by heartbeat_at" in create
    assert end == f"rename table ops.run_lease to ops.run_lease_ended_{'t' * 32}{ON}"
    assert all("ON CLUSTER shop" in text for text in parsed(tmp_path, [create, end]))
    one_host = RunLease(lambda: None)  # type: ignore[arg-type,return-value]
    assert "on cluster" not in one_host.create_statement(owner) + one_host.end_statement("t")


def dbt_operation(tmp_path: Path, macro: str, **env: str) -> str:
    environment = {k: v for k, v in os.environ.items() if k != "WAREHOUSE_CLUSTER"}
    environment |= {"DBT_PROFILES_DIR": str(REPO), "WAREHOUSE_URL": SERVER_URL, **env}
    target = tmp_path / "dbt" / env.get("WAREHOUSE_CLUSTER", "none")
    command = [DBT, "run-operation", macro, "--target-path", str(target / "target")]
    done = subprocess.run(
        [*command, "--log-path", str(target / "logs")],
        cwd=REPO,
        env=environment,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stdout[-3000:]
    return done.stdout


def test_project_ddl_and_every_table_engine_on_a_cluster(tmp_path: Path) -> None:
    printed = dbt_operation(tmp_path, "print_cluster_ddl", WAREHOUSE_CLUSTER="shop")
    statements = [line.rstrip(";") for line in printed.splitlines() if line.startswith("create ")]
    assert len(statements) == 5  # the ops database and its four run history tables
    assert all(ON in s for s in statements)
    assert all("engine = ReplicatedMergeTree order by" in s for s in statements[1:])
    assert all("ON CLUSTER shop" in text for text in parsed(tmp_path, statements))
    engines = dict(re.findall(r"^-- (\S+): engine = (.+)$", printed, re.MULTILINE))
    assert {"marts_build.fct_orders", "intermediate.int_changed_orders", "seeds.city_codes"} <= set(
        engines
    )
    assert set(engines.values()) == {"ReplicatedMergeTree()"}

    one_host = dbt_operation(tmp_path, "print_cluster_ddl")
    assert "on cluster" not in one_host
    engines = dict(re.findall(r"^-- (\S+): engine = (.+)$", one_host, re.MULTILINE))
    assert set(engines.values()) == {"MergeTree()"}


def test_datalens_statements_on_a_cluster(tmp_path: Path) -> None:
    printed = dbt_operation(
        tmp_path, "print_datalens_access", WAREHOUSE_CLUSTER="shop", DATALENS_PASSWORD="pw-1234"
    )
    statements = [
        line.rstrip(";")
        for line in printed.splitlines()
        if re.match(r"^(create|grant|alter) ", line)
    ]
    assert len(statements) == 7
    assert all(ON in s for s in statements)
    assert all("ON CLUSTER shop" in text for text in parsed(tmp_path, statements))


def test_dbt_refuses_a_cluster_on_the_embedded_warehouse(tmp_path: Path) -> None:
    environment = {**os.environ, "DBT_PROFILES_DIR": str(REPO), "WAREHOUSE_CLUSTER": "shop"}
    environment["WAREHOUSE_URL"] = f"chdb:{tmp_path / 'warehouse'}"
    done = subprocess.run(
        [DBT, "debug", "--log-path", str(tmp_path / "logs")],
        cwd=REPO,
        env=environment,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode != 0
    assert "WAREHOUSE_CLUSTER is set but WAREHOUSE_URL is the embedded warehouse" in done.stdout
