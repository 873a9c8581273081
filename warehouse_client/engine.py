"""The ClickHouse engine behind a warehouse: which versions the project supports, and what each
version can do. Every version decision of the project is made here, from the version the
engine reports (`version()`) and, for the embedded warehouse, the chDB package around it.

Supported: a ClickHouse server 24.8 or newer (the oldest LTS that managed services offer) and
embedded chDB 4.x. Tested: the engines of ClickHouse 24.8.4 (chDB 3.3.0), 25.8.2 (chDB 3.7.2)
and 26.9.2 (chDB 4.4), `make test-compat`. docs/production.md lists what each one does.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

MINIMUM_SERVER = (24, 8)
# `lightweight_delete_mode = 'lightweight_update'`: DELETE as patch parts. The setting exists from
# 25.7, but on 25.8 (make test-compat) a night's deleted mart rows came back in the published
# marts: patch parts are used only from the release the matrix proves, older ones get an
# ordinary lightweight DELETE
PATCH_PART_DELETES_SINCE = (26, 9)
# `IN (subquery)` inside the setting additional_table_filters: "Not-ready Set" (a LOGICAL_ERROR)
# before ClickHouse's fix in 25.8 (some 25.3-25.7 patch releases got it too; not counted on)
IN_SUBQUERY_TABLE_FILTERS_SINCE = (25, 8)
# chDB 4.0: `Connection.query(sql, fmt, params=...)`, which clickhouse-connect calls. chDB 3.x's
# engine also deadlocked dlt's two load workers in one process (one worker was fine).
CHDB_PARAMS_AND_THREADS_SINCE = (4, 0)
# The embedded engine's server settings, given when it starts:
# - chDB starts with background_pool_size 2 (a server: 16). A mutation (APPLY PATCHES before the
#   marts are cloned, a lightweight DELETE) then ran 4 parts at a time with pauses of up to 1 s
#   between batches: 4 s per small mart, tens of seconds per night; with 16, milliseconds.
# - A dropped table's files go 8 minutes after the DROP by default
#   (database_atomic_delay_before_drop_table_sec), when the short-lived process that dropped it
#   is gone: every later start of the engine loaded all of them again (a load after six quick
#   dbt runs took 10 s instead of 3). 0: they go at once. chDB 3.x refuses the option.
CHDB_BACKGROUND_POOL_SIZE = 16
CHDB_DROP_AT_ONCE_SINCE = (4, 4)


MACRO_CAPABILITIES = frozenset({"in_subquery_table_filters"})


def version_numbers(text: str) -> tuple[int, ...]:
    """(24, 8, 4, 1) from '24.8.4.1' (a suffix such as '.altinitystable' is ignored)."""
    return tuple(int(part) for part in re.findall(r"\d+", text.split("-")[0])[:4])


def chdb_takes_query_params(chdb_version: str) -> bool:
    return version_numbers(chdb_version) >= CHDB_PARAMS_AND_THREADS_SINCE


def chdb_server_options(chdb_version: str) -> dict[str, int]:
    """The server settings an embedded engine starts with (chDB's connection options)."""
    options = {"background_pool_size": CHDB_BACKGROUND_POOL_SIZE}
    if version_numbers(chdb_version) >= CHDB_DROP_AT_ONCE_SINCE:
        options["database_atomic_delay_before_drop_table_sec"] = 0
    return options


@dataclass(frozen=True)
class Engine:
    """One warehouse's engine: `version` as `version()` returns it; `chdb` the chDB package
    version of an embedded warehouse (None for a server)."""

    version: str
    chdb: str | None = None

    @property
    def release(self) -> tuple[int, int]:
        major, minor, *_ = (*version_numbers(self.version), 0, 0)
        return major, minor

    def unsupported_reason(self) -> str | None:
        """One line saying why the project cannot run on this engine, or None."""
        if self.release >= MINIMUM_SERVER:
            return None
        minimum = ".".join(map(str, MINIMUM_SERVER))
        return (
            f"the warehouse runs ClickHouse {self.version}; this project needs ClickHouse "
            f"{minimum} or newer: upgrade the server (docs/production.md)"
        )

    @property
    def patch_part_deletes(self) -> bool:
        """DELETE can write patch parts (milliseconds) instead of a mutation over every part."""
        return self.release >= PATCH_PART_DELETES_SINCE

    @property
    def in_subquery_table_filters(self) -> bool:
        """A filter of additional_table_filters may use `IN (subquery)`."""
        return self.release >= IN_SUBQUERY_TABLE_FILTERS_SINCE

    def has(self, capability: str) -> bool:
        """One of the capabilities the dbt macros ask about (macro engine_has)."""
        if capability not in MACRO_CAPABILITIES:
            raise ValueError(f"unknown engine capability {capability!r}")
        return bool(getattr(self, capability))

    @property
    def parallel_load_jobs(self) -> bool:
        """dlt may run its load jobs on several threads against this engine."""
        return self.chdb is None or chdb_takes_query_params(self.chdb)

    def dbt_session_settings(self) -> dict[str, str]:
        """Settings of every dbt session: its DELETEs (the incremental marts' pre-hooks and
        dbt-clickhouse's delete+insert) write patch parts where the engine has them; a table
        without the block number and offset columns gets an ordinary lightweight delete."""
        if self.patch_part_deletes:
            return {"lightweight_delete_mode": "lightweight_update"}
        return {}
