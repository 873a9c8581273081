"""Test-only kill points: pause a process of the nightly job at a named point, then wait.

Python imports `sitecustomize` at start-up from PYTHONPATH, so a test that puts this directory
on PYTHONPATH reaches inside every child of `make nightly` (the loader, dbt) without a line of
test code in the product. With KILL_POINT unset it does nothing.

    KILL_POINT=extract   pause before the KILL_POINT_NTH batch dlt's extractor writes
    KILL_POINT=sql       pause before the KILL_POINT_NTH statement a warehouse client sends
                         that matches the regex KILL_POINT_SQL (loads, dbt build, publish)
    KILL_POINT_READY     a file written (with the pid) when the process pauses; the test waits
                         for it, then SIGKILLs the nightly's whole process group
    KILL_POINT_TRACE     optional: append every matched-against statement here (to pick one)
"""

from __future__ import annotations

import importlib.abc
import importlib.util
import os
import re
import sys
import time
from pathlib import Path
from typing import Any

POINT = os.environ.get("KILL_POINT", "")
NTH = int(os.environ.get("KILL_POINT_NTH") or 1)
_seen = 0


def _pause() -> None:
    Path(os.environ["KILL_POINT_READY"]).write_text(str(os.getpid()))
    while True:  # until the test's SIGKILL
        time.sleep(3600)


def _count_and_maybe_pause() -> None:
    global _seen
    _seen += 1
    if _seen == NTH:
        _pause()


class _PatchOnImport(importlib.abc.MetaPathFinder):
    """Patch a module right after it is first imported, without importing it early."""

    def __init__(self, name: str, patch: Any) -> None:
        self.name, self.patch = name, patch

    def find_spec(self, fullname: str, path: Any, target: Any = None) -> Any:
        if fullname != self.name:
            return None
        sys.meta_path.remove(self)
        spec = importlib.util.find_spec(fullname)
        if spec is None or spec.loader is None:
            return spec
        execute = spec.loader.exec_module

        def exec_module(module: Any) -> None:
            execute(module)
            self.patch(module)

        spec.loader.exec_module = exec_module  # type: ignore[method-assign]
        return spec


def _patch_extractor(module: Any) -> None:
    original = module.Extractor.write_items

    def write_items(self: Any, resource: Any, items: Any, meta: Any) -> Any:
        if not str(getattr(resource, "name", "")).startswith("_dlt"):
            _count_and_maybe_pause()
        return original(self, resource, items, meta)

    module.Extractor.write_items = write_items


def _patch_sql_client(module: Any) -> None:
    pattern = re.compile(os.environ["KILL_POINT_SQL"], re.IGNORECASE | re.DOTALL)
    trace = os.environ.get("KILL_POINT_TRACE")
    cls = module.SyncBackendClient

    def wrap(name: str, text_of: Any) -> None:
        original = getattr(cls, name)

        def method(self: Any, *args: Any, **kwargs: Any) -> Any:
            text = str(text_of(*args))
            if trace:
                with open(trace, "a") as out:
                    out.write(f"{os.getpid()} {name}: {' '.join(text.split())[:200]}\n")
            if pattern.search(text):
                _count_and_maybe_pause()
            return original(self, *args, **kwargs)

        setattr(cls, name, method)

    wrap("command", lambda cmd, *a: cmd)
    wrap("_query_with_context", lambda context, *a: context.final_query)
    wrap("raw_query", lambda query, *a: query)
    wrap("raw_insert", lambda table, *a: f"INSERT INTO {table}")


if POINT == "extract":
    sys.meta_path.insert(0, _PatchOnImport("dlt.extract.extractors", _patch_extractor))
elif POINT == "sql":
    sys.meta_path.insert(
        0, _PatchOnImport("clickhouse_connect.driver._backendclient", _patch_sql_client)
    )
