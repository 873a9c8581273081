"""`make health` over real HTTP, next to `make nightly` and `make status` on a real MariaDB and
chDB. In file order, on one warehouse: before any night (no snapshot: 503), a stale night
(the same verdict as `make status`), a good night run while `make health` is up (the
server never holds the chDB directory), the answers after it, and warehouses that cannot be
read (a ClickHouse server that does not answer; a busy embedded warehouse): 503 in one line.
Expected figures come from MariaDB and the clock, never from the code under test.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from prometheus_client.parser import text_string_to_metric_families

from devtools.demo_shop.generator import write_shop
from devtools.harness.mariadb import shop_rows
from devtools.harness.paths import REPO, free_port
from devtools.harness.warehouse import Warehouse, held_by_another_process
from tests.python.ops_support import make_fresh, nightly, ops_env, status

TABLES = ("cities", "users", "tovary", "zakazy", "zakazy_tovary")
SECRET = "Health-S3cret-pw"


@dataclass(frozen=True)
class Answer:
    code: int
    content_type: str
    body: str

    def json(self) -> Any:
        assert self.body.count("\n") == 1 and self.body.endswith("\n"), self.body  # one line
        return json.loads(self.body)


def get(base: str, path: str) -> Answer:
    try:
        with urllib.request.urlopen(base + path, timeout=30) as answer:
            return Answer(answer.status, answer.headers["Content-Type"], answer.read().decode())
    except urllib.error.HTTPError as error:
        return Answer(error.code, error.headers["Content-Type"], error.read().decode())


class HealthProcess:
    """`make health` (or the module it runs) as a service: started in its own process group,
    stopped with SIGTERM like systemd does."""

    def __init__(self, command: list[str], env: dict[str, str], port: int) -> None:
        self.base = f"http://127.0.0.1:{port}"
        self.process = subprocess.Popen(
            command,
            cwd=REPO,
            env={**env, "HEALTH_PORT": str(port)},
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            start_new_session=True,
        )
        assert self.process.stdout is not None
        for line in self.process.stdout:  # make's own lines first, then the server's
            if line.startswith("health: serving"):
                break
        else:
            raise AssertionError(f"make health ended (exit {self.process.wait()}) before serving")
        self.output: list[str] = []
        self.drain = threading.Thread(target=self._keep_output, daemon=True)
        self.drain.start()

    def _keep_output(self) -> None:
        assert self.process.stdout is not None
        self.output.extend(self.process.stdout)

    def stop(self) -> str:
        """SIGTERM to make and the server, as systemd stops a service; what the server said."""
        os.killpg(self.process.pid, signal.SIGTERM)
        self.process.wait(timeout=30)
        self.drain.join(timeout=30)
        return "".join(self.output)


def take_snapshot(warehouse: Warehouse) -> subprocess.CompletedProcess[str]:
    """What the nightly runs after recording a run: `python -m ops.health.snapshot`."""
    return subprocess.run(
        [sys.executable, "-m", "ops.health.snapshot"],
        cwd=REPO,
        env=ops_env(warehouse),
        capture_output=True,
        text=True,
        timeout=300,
    )


@pytest.fixture(scope="module")
def shop(mariadb: Any) -> dict[str, str]:
    admin = mariadb.create_database("health_shop")
    write_shop(admin, scale=0.001, seed=5)
    return {"admin": admin, "readonly": mariadb.url("health_shop", readonly=True)}


@pytest.fixture(scope="module")
def warehouse(shop: dict[str, str], tmp_path_factory: pytest.TempPathFactory) -> Warehouse:
    return Warehouse(tmp_path_factory.mktemp("health"), shop["readonly"])


@pytest.fixture(scope="module")
def health(warehouse: Warehouse) -> Iterator[HealthProcess]:
    command = ["make", "--no-print-directory", "health"]
    server = HealthProcess(command, ops_env(warehouse), free_port())
    yield server
    said = server.stop()
    assert "health: stopped" in said, said  # the server stopped cleanly on SIGTERM
    assert "Traceback" not in said


def test_before_any_night_every_endpoint_answers_503_in_one_line(health: HealthProcess) -> None:
    for path in ("/healthz", "/healthz/detailed", "/healthz/freshness", "/metrics"):
        answer = get(health.base, path)
        assert answer.code == 503, path
        assert answer.content_type.startswith("application/json")
        (problem,) = answer.json()["problems"]
        assert "no status snapshot" in problem and "make nightly" in problem


def test_a_stale_night_gets_the_verdict_of_make_status(
    health: HealthProcess, warehouse: Warehouse, shop: dict[str, str]
) -> None:
    # the demo shop's newest rows are from 2026-11-22: stale against every threshold now
    assert nightly(warehouse).returncode == 1

    checked = status(warehouse, "--json", "--no-alert")
    assert checked.returncode == 1
    verdict = json.loads(checked.stdout)
    stale = {t["table"] for t in verdict["freshness"] if t["status"] != "pass"}
    assert {"mysql.users", "mysql.zakazy", "mysql.zakazy_tovary"} <= stale

    answer = get(health.base, "/healthz")
    assert answer.code == 503
    assert answer.json()["status"] == "error"
    assert len(answer.json()["problems"]) == len(verdict["problems"])
    freshness = get(health.base, "/healthz/freshness")
    assert freshness.code == 503 and freshness.json()["status"] == "error"
    assert {t["table"] for t in freshness.json()["tables"] if t["status"] != "pass"} == stale

    sources = get(health.base, "/healthz/detailed").json()["sources"]
    mysql = {s["source"]: s for s in sources}["mysql"]
    rows = sum(shop_rows(shop["admin"], f"SELECT COUNT(*) FROM {t}")[0][0] for t in TABLES)
    assert (mysql["source"], mysql["last_status"], mysql["last_success_rows"]) == (
        "mysql",
        "success",
        rows,  # the first load reads every row
    )


def test_a_nightly_run_succeeds_while_make_health_answers(
    health: HealthProcess, warehouse: Warehouse, shop: dict[str, str]
) -> None:
    make_fresh(shop["admin"])
    codes: list[int] = []
    night_over = threading.Event()

    def poll() -> None:  # monitoring polling all through the night
        while not night_over.is_set():
            try:
                codes.append(get(health.base, "/healthz").code)
                codes.append(get(health.base, "/metrics").code)
            except OSError:  # no answer: the server was down or stuck
                codes.append(-1)
            time.sleep(0.2)

    poller = threading.Thread(target=poll)
    poller.start()
    started = time.monotonic()
    try:
        done = nightly(warehouse)
    finally:
        wall_seconds = time.monotonic() - started
        night_over.set()
        poller.join()

    assert done.returncode == 0, done.stdout + done.stderr
    # answered throughout: the stale night's 503 until the new snapshot, then 200
    assert len(codes) > 10 and set(codes) <= {200, 503} and codes[0] == 503
    assert get(health.base, "/healthz").body == '{"status": "ok"}\n'
    assert status(warehouse, "--no-alert").returncode == 0  # make status agrees

    run = get(health.base, "/healthz/detailed").json()["last_run"]
    assert run["status"] == "success" and run["error"] == ""
    assert 0 < run["duration_seconds"] <= wall_seconds


def test_freshness_says_how_far_behind_each_table_is(
    health: HealthProcess, shop: dict[str, str]
) -> None:
    answer = get(health.base, "/healthz/freshness")
    assert answer.code == 200
    body = answer.json()
    assert body["status"] == "pass"
    tables = {t["table"]: t for t in body["tables"]}
    assert {"mysql.users", "mysql.tovary", "mysql.zakazy", "mysql.zakazy_tovary"} <= set(tables)
    newest = shop_rows(shop["admin"], "SELECT MAX(updated_at) FROM zakazy")[0][0]
    newest_utc = newest.replace(tzinfo=ZoneInfo("Europe/Moscow")).astimezone(UTC)
    zakazy = tables["mysql.zakazy"]
    assert zakazy["newest_row"] == newest_utc.isoformat(timespec="seconds")
    assert zakazy["status"] == "pass"
    hours_behind = (datetime.now(UTC) - newest_utc).total_seconds() / 3600
    assert 0 <= zakazy["hours_behind"] <= hours_behind + 0.01


def test_metrics_in_the_prometheus_text_format(health: HealthProcess, shop: dict[str, str]) -> None:
    answer = get(health.base, "/metrics")
    assert answer.code == 200 and answer.content_type.startswith("text/plain")
    samples = {
        (s.name, tuple(sorted(s.labels.items()))): s.value
        for family in text_string_to_metric_families(answer.body)
        for s in family.samples
    }
    assert samples[("shop_analytics_healthy", ())] == 1
    assert samples[("shop_analytics_last_run_success", ())] == 1
    assert samples[("shop_analytics_last_run_duration_seconds", ())] > 0
    sources = get(health.base, "/healthz/detailed").json()["sources"]
    mysql = {s["source"]: s for s in sources}["mysql"]
    mysql_label = (("source", "mysql"),)
    assert samples[("shop_analytics_source_last_load_success", mysql_label)] == 1
    assert (
        samples[("shop_analytics_source_last_success_rows", mysql_label)]
        == (mysql["last_success_rows"])
    )
    last_success = datetime.fromisoformat(mysql["last_success_at"])
    if last_success.tzinfo is None:
        last_success = last_success.replace(tzinfo=UTC)
    at = samples[("shop_analytics_source_last_success_timestamp_seconds", mysql_label)]
    assert at == pytest.approx(last_success.timestamp(), abs=1)
    zakazy = (("shop_analytics_table_freshness", "pass"), ("table", "mysql.zakazy"))
    assert samples[("shop_analytics_table_freshness", zakazy)] == 1
    assert 0 <= samples[("shop_analytics_source_freshness_hours", mysql_label)] < 50


def test_a_warehouse_server_that_does_not_answer_gives_503_in_one_line(
    warehouse: Warehouse,
) -> None:
    dead = f"https://etl:{SECRET}@127.0.0.1:{free_port()}/"
    env = ops_env(warehouse, WAREHOUSE_URL=dead)
    server = HealthProcess([sys.executable, "-m", "ops.health"], env, free_port())
    try:
        for path in ("/healthz", "/healthz/detailed", "/healthz/freshness", "/metrics"):
            answer = get(server.base, path)
            assert answer.code == 503, path
            assert SECRET not in answer.body
            (problem,) = answer.json()["problems"]
            assert "cannot reach the warehouse at https://etl:***@127.0.0.1" in problem
            assert "Traceback" not in answer.body
    finally:
        server.stop()


def test_a_busy_embedded_warehouse_is_reported_in_one_line_until_the_next_snapshot(
    health: HealthProcess, warehouse: Warehouse
) -> None:
    with held_by_another_process(warehouse.url):
        snapshot = take_snapshot(warehouse)
    assert snapshot.returncode == 1
    answer = get(health.base, "/healthz")
    assert answer.code == 503
    (problem,) = answer.json()["problems"]
    assert "could not be read" in problem and "in use by another process" in problem

    time.sleep(0.5)  # the holder is gone: the next snapshot reads the warehouse again
    again = take_snapshot(warehouse)
    assert again.returncode == 0, again.stderr
    assert get(health.base, "/healthz").code == 200
