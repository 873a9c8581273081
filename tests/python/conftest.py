"""Shared fixtures: real services, started once per test session and cleaned up after.

`make test` runs two pytest-xdist workers, each a session of its own: one MariaDB and one
sandbox per worker, and every module on one worker (`--dist loadfile`).
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from devtools.harness.mariadb import MariaDBServer
from devtools.sandbox.server import SandboxServer


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
