"""The read-only DataLens role, settings profile and user (macros/run_hooks/datalens_access.sql).

chDB cannot run CREATE ROLE / CREATE USER / CREATE SETTINGS PROFILE (it has no writable
access storage), so the statements are checked three ways: as `dbt run-operation
print_datalens_access` prints them, parsed by the ClickHouse engine itself (formatQuery), and,
for the role's GRANT and the profile's settings and constraints, by giving chDB's session user
exactly those through a users.xml (the one access storage chDB reads) and running queries as
DataLens does. The on-run-end hook on the embedded warehouse must skip them with one log line.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from devtools.harness.paths import DBT, REPO

SECRET = "Dl-S3cret'pw\\x"
SERVER_URL = "https://etl:Etl-S3cret@127.0.0.1:1/"


@pytest.fixture(scope="module")
def dbt_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """dbt's target and log dirs, shared by the tests so that dbt parses the project once."""
    return tmp_path_factory.mktemp("dbt")


def dbt_operation(
    dbt_dir: Path, macro: str, *args: str, **env: str
) -> subprocess.CompletedProcess[str]:
    """`dbt run-operation` in a child process; WAREHOUSE_URL defaults to an embedded one."""
    environment = {k: v for k, v in os.environ.items() if k != "DATALENS_PASSWORD"}
    environment |= {"DBT_PROFILES_DIR": str(REPO), **env}
    environment.setdefault("WAREHOUSE_URL", f"chdb:{dbt_dir / 'warehouse'}")
    # one target dir per warehouse URL: a profile change makes dbt parse everything again
    target = dbt_dir / (
        "embedded" if environment["WAREHOUSE_URL"].startswith("chdb:") else "server"
    )
    command = [DBT, "run-operation", macro, *args]
    command += ["--target-path", str(target / "target"), "--log-path", str(target / "logs")]
    done = subprocess.run(
        command, cwd=REPO, env=environment, capture_output=True, text=True, timeout=300
    )
    assert done.returncode == 0, f"{done.stdout[-3000:]}\n{done.stderr[-3000:]}"
    return done


def statements(done: subprocess.CompletedProcess[str]) -> list[str]:
    return [line for line in done.stdout.splitlines() if re.match(r"^(create|grant|alter) ", line)]


PROFILE = (
    "alter settings profile datalens_profile settings readonly = 2, "
    "max_execution_time = 120 min 1 max 120, "
    "max_memory_usage = 4000000000 min 1 max 4000000000, "
    "max_result_rows = 1000000 min 1 max 1000000, "
    "max_result_bytes = 1000000000 min 1 max 1000000000;"
)
ROLE_STATEMENTS = [
    "create role if not exists datalens;",
    "grant select on marts.* to datalens with replace option;",
    "create settings profile if not exists datalens_profile;",
    PROFILE,
]


def chdb_query(path: Path, sql: str, config: Path | None = None) -> list[list[object]]:
    """One query in a child process (chDB is one engine per process), optionally with a
    chDB startup config file. Raises CalledProcessError with ClickHouse's message."""
    script = textwrap.dedent(
        """
        import json, sys
        import clickhouse_connect
        path, sql, config = sys.argv[1:4]
        options = {"config-file": config} if config else None
        client = clickhouse_connect.get_client(interface="chdb", path=path, chdb_options=options)
        try:
            print(json.dumps(client.query(sql).result_rows, default=str, ensure_ascii=False))
        finally:
            client.close()
        """
    )
    done = subprocess.run(
        [sys.executable, "-c", script, str(path), sql, str(config or "")],
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    return json.loads(done.stdout)


def test_role_and_grant_without_password(dbt_dir: Path) -> None:
    done = dbt_operation(dbt_dir, "print_datalens_access", WAREHOUSE_URL=SERVER_URL)

    assert statements(done) == ROLE_STATEMENTS
    assert "DATALENS_PASSWORD is not set" in done.stdout
    assert "embedded warehouse" not in done.stdout


def test_user_from_datalens_password_is_masked(dbt_dir: Path) -> None:
    done = dbt_operation(
        dbt_dir, "print_datalens_access", WAREHOUSE_URL=SERVER_URL, DATALENS_PASSWORD=SECRET
    )

    assert statements(done) == [
        *ROLE_STATEMENTS,
        "create user if not exists datalens_user identified with sha256_password by '***'"
        " default database marts settings profile 'datalens_profile';",
        "alter user datalens_user settings profile 'datalens_profile';",
        "grant datalens to datalens_user with replace option;",
    ]
    written = "".join(
        file.read_text(errors="replace") for file in dbt_dir.rglob("*") if file.is_file()
    )
    for secret in (SECRET, "Etl-S3cret"):
        assert secret not in done.stdout + done.stderr + written


def sql_string(text: str) -> str:
    """`text` as a ClickHouse string literal."""
    return "'" + text.replace("\\", "\\\\").replace("'", "\\'") + "'"


def test_password_is_quoted_and_every_statement_parses(dbt_dir: Path, tmp_path: Path) -> None:
    done = dbt_operation(
        dbt_dir, "print_datalens_access", "--args", json.dumps({"password": "it's\\x"})
    )
    printed = statements(done)
    assert len(printed) == 7
    [create_user] = [p for p in printed if p.startswith("create user")]
    assert " by 'it\\'s\\\\x' " in create_user

    for statement in printed:
        sql = f"SELECT formatQuery({sql_string(statement.rstrip(';'))})"
        [[formatted]] = chdb_query(tmp_path / "parse", sql)
        assert str(formatted).lower().split(" ")[:2] == statement.split(" ")[:2]
        if statement.startswith("create user"):
            assert "BY 'it\\'s\\\\x'" in str(formatted)


def test_embedded_hook_skips_with_one_line(dbt_dir: Path) -> None:
    done = dbt_operation(dbt_dir, "grant_datalens_access", DATALENS_PASSWORD=SECRET)

    lines = [line for line in done.stdout.splitlines() if "datalens access" in line]
    assert len(lines) == 1 and "skipped on the embedded warehouse" in lines[0], done.stdout
    assert SECRET not in done.stdout + done.stderr


@pytest.fixture(scope="module")
def warehouse_with_marts(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("grants") / "warehouse"
    for sql in (
        "CREATE DATABASE marts",
        "CREATE DATABASE raw",
        "CREATE TABLE marts.fct_orders (order_id UInt32) ENGINE = MergeTree ORDER BY order_id",
        "INSERT INTO marts.fct_orders VALUES (1), (2)",
        "CREATE TABLE raw.zakazy (id UInt32) ENGINE = MergeTree ORDER BY id",
        "INSERT INTO raw.zakazy VALUES (1)",
    ):
        chdb_query(path, sql)
    return path


def profile_xml(statement: str) -> str:
    """The printed ALTER SETTINGS PROFILE as users.xml writes it: each `name = value` a
    setting, each MIN / MAX a constraint on it."""
    settings = re.fullmatch(r"alter settings profile \w+ settings (.+);", statement)
    assert settings is not None, statement
    values, constraints = [], []
    for item in settings[1].split(", "):
        parts = re.fullmatch(r"(\w+) = (\S+)(?: min (\S+))?(?: max (\S+))?", item)
        assert parts is not None, item
        name, value, low, high = parts.groups()
        values.append(f"<{name}>{value}</{name}>")
        if low or high:
            bounds = (f"<min>{low}</min>" if low else "") + (f"<max>{high}</max>" if high else "")
            constraints.append(f"<{name}>{bounds}</{name}>")
    return "".join(values) + f"<constraints>{''.join(constraints)}</constraints>"


def datalens_session(dbt_dir: Path, tmp_path: Path) -> Path:
    """A chDB config whose session user is the DataLens user as printed: the role's GRANT and
    the profile's settings and constraints, through users.xml."""
    printed = statements(dbt_operation(dbt_dir, "print_datalens_access"))
    privileges = re.fullmatch(r"grant (.+) to datalens with replace option;", printed[1])
    assert privileges is not None, printed[1]
    [profile] = [p for p in printed if p.startswith("alter settings profile")]
    users_xml = tmp_path / "users.xml"
    users_xml.write_text(
        textwrap.dedent(
            f"""\
            <clickhouse>
                <profiles><default/><datalens>{profile_xml(profile)}</datalens></profiles>
                <roles>
                    <datalens><grants><query>GRANT {privileges[1]}</query></grants></datalens>
                </roles>
                <users>
                    <default>
                        <no_password/>
                        <profile>datalens</profile>
                        <quota>default</quota>
                        <grants><query>GRANT datalens</query></grants>
                    </default>
                </users>
                <quotas><default/></quotas>
            </clickhouse>
            """
        )
    )
    config = tmp_path / "config.xml"
    config.write_text(f"<clickhouse><users_config>{users_xml}</users_config></clickhouse>")
    return config


def test_role_grant_reads_marts_only(
    dbt_dir: Path, tmp_path: Path, warehouse_with_marts: Path
) -> None:
    config = datalens_session(dbt_dir, tmp_path)

    def as_datalens(sql: str) -> list[list[object]]:
        return chdb_query(warehouse_with_marts, sql, config)

    assert as_datalens("SELECT count() FROM marts.fct_orders") == [[2]]
    assert as_datalens("SELECT currentRoles()") == [[["datalens"]]]
    for forbidden in (
        "SELECT count() FROM raw.zakazy",
        "INSERT INTO marts.fct_orders VALUES (3)",
        "CREATE TABLE marts.copy (x UInt8) ENGINE = Memory",
        "DROP TABLE marts.fct_orders",
        "CREATE ROLE another",
    ):
        with pytest.raises(subprocess.CalledProcessError) as denied:
            as_datalens(forbidden)
        assert "ACCESS_DENIED" in denied.value.stderr or "READONLY" in denied.value.stderr, (
            forbidden
        )
    assert chdb_query(warehouse_with_marts, "SELECT count() FROM raw.zakazy") == [[1]]


# what DataLens sends with every query (its ClickHouse connector): readonly = 2 for the
# queries it builds, join_use_nulls, send_progress_in_http_headers, and
# output_format_json_quote_denormals
DATALENS_SETTINGS = (
    "readonly = 2, join_use_nulls = 1, send_progress_in_http_headers = {progress}, "
    "output_format_json_quote_denormals = 1"
)


def test_profile_limits_hold_and_datalens_settings_pass(
    dbt_dir: Path, tmp_path: Path, warehouse_with_marts: Path
) -> None:
    config = datalens_session(dbt_dir, tmp_path)

    def as_datalens(sql: str) -> list[list[object]]:
        return chdb_query(warehouse_with_marts, sql, config)

    for progress in (0, 1):
        settings = DATALENS_SETTINGS.format(progress=progress)
        assert as_datalens(f"SELECT count() FROM marts.fct_orders SETTINGS {settings}") == [[2]]
    limits = "max_execution_time, max_memory_usage, max_result_rows, max_result_bytes"
    in_force = as_datalens(f"SELECT {', '.join(f'getSetting({n!r})' for n in limits.split(', '))}")
    assert in_force == [[120, 4000000000, 1000000, 1000000000]]
    # lowered: allowed; raised, or lifted with 0: refused
    assert as_datalens("SELECT 1 SETTINGS max_execution_time = 30, max_result_rows = 10") == [[1]]
    for name, ceiling in (
        ("max_execution_time", 120),
        ("max_memory_usage", 4000000000),
        ("max_result_rows", 1000000),
        ("max_result_bytes", 1000000000),
    ):
        for value in (ceiling + 1, 0):
            with pytest.raises(subprocess.CalledProcessError) as refused:
                as_datalens(f"SELECT 1 SETTINGS {name} = {value}")
            assert "SETTING_CONSTRAINT_VIOLATION" in refused.value.stderr, (name, value)
    with pytest.raises(subprocess.CalledProcessError) as refused:
        as_datalens("SELECT 1 SETTINGS readonly = 0")
    assert "READONLY" in refused.value.stderr
    # the row limit holds: a result past it is an error, not a silent cut
    with pytest.raises(subprocess.CalledProcessError) as refused:
        as_datalens("SELECT number FROM system.numbers LIMIT 1000001")
    assert "TOO_MANY_ROWS_OR_BYTES" in refused.value.stderr
