"""Shared fixtures: real services and dbt's parse of the project, made once per test session;
how the tests are shared out between pytest-xdist workers.

`make test` runs two workers (`--dist loadgroup`), each a session of its own: one MariaDB, one
sandbox and one dbt parse per worker. A module's tests run together on one worker, so its
module fixtures build their warehouse state once; a module marked `independent` (its tests
share no module state) has its tests dealt out one by one, after the modules, so that both
workers finish together (docs/testing.md, "Adding a test").
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from devtools.harness.mariadb import MariaDBServer
from devtools.harness.warehouse import Warehouse, assert_ok
from devtools.sandbox.server import SandboxServer


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """A module's tests are one xdist group and keep their file order (they may build on each
    other's nights), unless the module is `independent`. `pytest --reverse` (which reversed
    every test just before this) reverses the modules and the independent tests. Under
    `--dist loadgroup` the `long_module`s go first and the independent tests last, so that
    both workers finish together."""
    for item in items:
        if _grouped(item) and not item.get_closest_marker("xdist_group"):
            item.add_marker(pytest.mark.xdist_group(item.path.stem))
    if config.getoption("reverse", False):
        slots: dict[Path, list[int]] = {}
        for index, item in enumerate(items):
            if _grouped(item):
                slots.setdefault(item.path, []).append(index)
        for indexes in slots.values():
            in_file_order = [items[i] for i in reversed(indexes)]
            for index, item in zip(indexes, in_file_order, strict=True):
                items[index] = item
    if getattr(config.option, "loadgroup", False):
        items.sort(key=_dealing_rank)


@pytest.hookimpl(optionalhook=True)
def pytest_xdist_node_collection_finished(node: object, ids: list[str]) -> None:
    """Stop at once when pytest-xdist did not tag the grouped tests with their group: each
    module would be split between the workers, each building its warehouse states again."""
    config = getattr(node, "config", None)
    if config is None or config.getoption("dist", None) != "loadgroup":
        return
    root = Path(str(getattr(config, "rootpath", ".")))
    files = {nodeid.split("::")[0] for nodeid in ids if "@" not in nodeid}
    # a module marked independent is never grouped (the mark is its `pytestmark` line)
    if any("pytest.mark.independent" not in (root / name).read_text() for name in files):
        raise pytest.UsageError(
            "pytest-xdist did not group the tests by module: this pytest and pytest-xdist do "
            "not work together (pin pytest as pyproject.toml says)"
        )


def _grouped(item: pytest.Item) -> bool:
    return item.get_closest_marker("independent") is None


def _dealing_rank(item: pytest.Item) -> int:
    if item.get_closest_marker("long_module"):
        return 0
    return 1 if _grouped(item) else 2


@pytest.fixture(scope="session", autouse=True)
def parsed_project(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """dbt's parse of the project, once: every test warehouse's dbt starts from it."""
    warehouse = Warehouse(tmp_path_factory.mktemp("parsed"), shop_db_url="sqlite:///unused")
    assert_ok(warehouse.dbt("parse"))
    Warehouse.parse_seed = warehouse.target / "partial_parse.msgpack"
    yield Warehouse.parse_seed
    Warehouse.parse_seed = None


@pytest.fixture(scope="session")
def mariadb() -> Iterator[MariaDBServer]:
    """A real MariaDB on 127.0.0.1: database `shop`, `admin_url` (all rights) and
    `readonly_url` (the loader's SELECT-only user)."""
    with MariaDBServer() as server:
        yield server


@pytest.fixture(scope="session")
def sandbox() -> Iterator[SandboxServer]:
    """The sandbox APIs (VK API, VK Ads, Direct) on 127.0.0.1; call `clear()` before faults."""
    with SandboxServer() as server:
        yield server
