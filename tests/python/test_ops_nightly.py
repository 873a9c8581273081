"""`make nightly` and `make status` on a real MariaDB and chDB, with alerts to local receivers.

One warehouse, one night, in file order: stale demo data (the night fails, status alerts),
fresh data (a clean night, nothing sent), a failing test and a first-time warning, a failing
source, then the repaired night that alerts nothing new. Expected numbers come from MariaDB
and from the receivers, never from the code under test.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from email.message import Message
from typing import Any

import pytest

from devtools.demo_shop.generator import write_shop
from devtools.harness.paths import free_port
from devtools.harness.warehouse import Warehouse
from tests.python.ops_support import (
    AlertReceivers,
    make_fresh,
    moscow_now,
    nightly,
    one_run_line,
    shop_execute,
    status,
)
from tests.python.test_mysql_loader import assert_marts_match_mysql, mysql_scalar

pytestmark = pytest.mark.long_module  # minutes of nights: xdist starts it first

TABLES = ("cities", "users", "tovary", "zakazy", "zakazy_tovary")
WARNED_TEST = "relationships_stg_mysql__orders_status__status__ref_order_statuses_"
FAILED_TEST = "accepted_range_stg_mysql__orders_delivery_cost__0"
SECRET = "Dead-S3cret-pw"


@pytest.fixture(scope="module")
def shop(mariadb: Any) -> dict[str, str]:
    admin = mariadb.create_database("ops_shop")
    write_shop(admin, scale=0.001, seed=11)
    return {"admin": admin, "readonly": mariadb.url("ops_shop", readonly=True)}


@pytest.fixture(scope="module")
def warehouse(shop: dict[str, str], tmp_path_factory: pytest.TempPathFactory) -> Warehouse:
    return Warehouse(tmp_path_factory.mktemp("ops"), shop["readonly"])


@pytest.fixture(scope="module")
def receivers() -> Iterator[AlertReceivers]:
    with AlertReceivers() as running:
        yield running


@pytest.fixture(scope="module")
def runs() -> list[int]:
    """The exit code of every nightly run of this module, in order."""
    return []


def run_night(warehouse: Warehouse, runs: list[int], **env: str) -> Any:
    done = nightly(warehouse, **env)
    runs.append(done.returncode)
    assert SECRET not in done.stdout + done.stderr
    return done


def mail_text(mail: Message) -> str:
    payload = mail.get_payload(decode=True)
    assert isinstance(payload, bytes)
    return payload.decode().replace("\r\n", "\n")


def new_messages(receivers: AlertReceivers, before: tuple[int, int]) -> list[str]:
    """Texts that arrived since `before`: every e-mail body and webhook text, checked alike."""
    inbox = receivers.inbox
    mails = [mail_text(m) for m in inbox.mails[before[0] :]]
    posts = [p["text"] for p in inbox.posts[before[1] :]]
    assert len(mails) == len(posts), (mails, posts)  # each alert goes through both channels
    for mail, post in zip(mails, posts, strict=True):
        assert mail.strip() in post  # the same text by e-mail and webhook
    assert all(p["chat_id"] == "-100500" for p in inbox.posts[before[1] :])
    return posts


def test_stale_night_fails_and_status_alerts_once(
    warehouse: Warehouse, shop: dict[str, str], receivers: AlertReceivers, runs: list[int]
) -> None:
    # the demo shop's newest rows are from 2026-11-22: past every freshness threshold now
    done = run_night(warehouse, runs)  # no alert channel configured for this run

    assert done.returncode == 1
    assert "nightly failed: stale mysql.users" in done.stderr
    expected = sum(mysql_scalar(shop["admin"], f"SELECT COUNT(*) FROM {t}") for t in TABLES)
    assert f"load mysql: ok, {expected} rows" in one_run_line(done, "load mysql")
    assert_marts_match_mysql(warehouse, shop["admin"])

    before = receivers.inbox.count()
    checked = status(warehouse, "--json", **receivers.env())
    assert checked.returncode == 1
    report = json.loads(checked.stdout)
    stale = {t["table"] for t in report["freshness"] if t["status"] != "pass"}
    assert {"mysql.users", "mysql.zakazy", "mysql.zakazy_tovary"} <= stale
    (message,) = new_messages(receivers, before)
    assert "[freshness] source mysql.zakazy is stale" in message
    assert "warn after 26 h" in message

    again = status(warehouse, **receivers.env())
    assert again.returncode == 1 and "PROBLEMS" in again.stdout
    assert receivers.inbox.count() == (before[0] + 1, before[1] + 1)  # once per night


def test_fresh_night_succeeds_and_says_nothing(
    warehouse: Warehouse, shop: dict[str, str], receivers: AlertReceivers, runs: list[int]
) -> None:
    make_fresh(shop["admin"])
    before = receivers.inbox.count()

    done = run_night(warehouse, runs, **receivers.env())

    assert done.returncode == 0, done.stdout + done.stderr
    for step in ("load mysql", "build", "freshness", "history", "health", "run"):
        assert re.search(r"[ (][0-9.]+ s\b", one_run_line(done, step))  # each step says its time
    assert receivers.inbox.count() == before
    checked = status(warehouse, "--json", **receivers.env())
    assert checked.returncode == 0, checked.stdout
    sources = {s["source"]: s for s in json.loads(checked.stdout)["sources"]}
    assert sources["mysql"]["last_status"] == "success"


def test_failing_test_and_new_warning_alert_once_with_cause(
    warehouse: Warehouse, shop: dict[str, str], receivers: AlertReceivers, runs: list[int]
) -> None:
    order = mysql_scalar(shop["admin"], "SELECT MAX(id) FROM zakazy WHERE status IN (1, 6)")
    now = moscow_now()
    shop_execute(
        shop["admin"],
        f"UPDATE zakazy SET delivery_cost = -5, updated_at = '{now}' WHERE id = {order}",
        # an order with a status the seed does not know: a warning-severity test fires
        f"INSERT INTO zakazy (id, user_id, status, delivery_cost, created_at, updated_at)"
        f" SELECT 900001, MIN(id), 9, 0, '{now}', '{now}' FROM users",
    )
    make_fresh(shop["admin"])
    before = receivers.inbox.count()

    done = run_night(warehouse, runs, **receivers.env())

    assert done.returncode == 1
    assert f"nightly failed: build test:{FAILED_TEST}" in done.stderr
    (message,) = new_messages(receivers, before)
    assert f"[build] test {FAILED_TEST} fail: Got 1 result" in message
    assert f"test {WARNED_TEST}" in message and "warned" in message

    before = receivers.inbox.count()
    again = run_night(warehouse, runs, **receivers.env())
    assert again.returncode == 1 and FAILED_TEST in again.stderr
    assert receivers.inbox.count() == before  # the same failure and warning: not again


def test_failing_source_alerts_once_with_cause(
    warehouse: Warehouse, receivers: AlertReceivers, runs: list[int]
) -> None:
    dead = f"mysql+pymysql://loader:{SECRET}@127.0.0.1:{free_port()}/shop"
    before = receivers.inbox.count()

    done = run_night(warehouse, runs, SHOP_DB_URL=dead, **receivers.env())

    assert done.returncode == 1
    assert "nightly failed: load mysql; build test:" in done.stderr
    (message,) = new_messages(receivers, before)
    assert message.count("\n[") == 1  # one problem: the test failure was sent already
    assert "[load] source mysql:" in message and "127.0.0.1" in message
    assert SECRET not in message

    before = receivers.inbox.count()
    assert run_night(warehouse, runs, SHOP_DB_URL=dead, **receivers.env()).returncode == 1
    assert receivers.inbox.count() == before


def test_repaired_night_alerts_nothing_new(
    warehouse: Warehouse, shop: dict[str, str], receivers: AlertReceivers, runs: list[int]
) -> None:
    now = moscow_now()
    shop_execute(
        shop["admin"],
        f"UPDATE zakazy SET delivery_cost = 0, updated_at = '{now}' WHERE delivery_cost < 0",
        f"UPDATE zakazy SET status = 0, updated_at = '{now}' WHERE id = 900001",
    )
    make_fresh(shop["admin"])
    before = receivers.inbox.count()

    done = run_night(warehouse, runs, LOG_FORMAT="json", **receivers.env())

    assert done.returncode == 0, done.stdout + done.stderr
    assert receivers.inbox.count() == before
    assert_marts_match_mysql(warehouse, shop["admin"])
    events = [json.loads(line) for line in done.stdout.splitlines()]  # JSON lines only
    (load,) = [e for e in events if e["step"] == "load mysql" and "rows" in e]
    assert load["rows"] == sum(load["tables"].values()) > 0
    assert {"load mysql", "build", "freshness", "history", "health", "run"} <= {
        e["step"] for e in events
    }
    assert status(warehouse, **receivers.env()).returncode == 0


def test_run_history_mart_holds_each_run(warehouse: Warehouse, runs: list[int]) -> None:
    rows = warehouse.query(
        "SELECT run_status, tests_failed > 0, has(failed_steps, 'load')"
        " FROM marts.mart_nightly_runs ORDER BY started_at"
    )
    assert [row[0] for row in rows] == ["success" if code == 0 else "failed" for code in runs]
    assert [bool(row[2]) for row in rows] == [False, False, False, False, True, True, False]

    (source,) = warehouse.query(
        "SELECT source_name, last_status, last_success_rows > 0, last_error,"
        " freshness_status FROM marts.mart_data_health_sources WHERE source_name = 'mysql'"
    )
    assert source[:3] == ["mysql", "success", True]
    assert "127.0.0.1" in source[3] and SECRET not in source[3]
    assert source[4] == "pass"

    failures = warehouse.query(
        "SELECT DISTINCT node_name, problem_status FROM marts.mart_data_health_failures"
    )
    assert [FAILED_TEST, "error"] in failures
    assert [WARNED_TEST, "warn"] in failures
    assert ["mysql", "error"] in failures
