"""A replicated cluster: WAREHOUSE_CLUSTER names it, and the DDL the project runs gets ON CLUSTER.

On a cluster of two or more hosts (a managed ClickHouse with several hosts), a table created
on one host exists on that host only, and a plain MergeTree keeps its rows there. So with
WAREHOUSE_CLUSTER set, every table is a ReplicatedMergeTree (its rows reach every replica
through Keeper) and every statement that creates, drops, renames or alters a table or a
database carries `ON CLUSTER <name>` (the statement runs on every host). Rows (INSERT,
DELETE) are not DDL: a replicated table replicates them itself.

dbt gets the same name through the profile (`cluster:`, dbt-clickhouse's setting); the
loaders' destination and the run lease through `cluster_from_env()`.
"""

from __future__ import annotations

import os
import re

__all__ = [
    "CLUSTER_VARIABLE",
    "ClusterNameError",
    "check_cluster_for_url",
    "check_cluster_name",
    "cluster_from_env",
    "cluster_session_settings",
    "on_cluster",
    "table_engine",
    "with_on_cluster",
]

CLUSTER_VARIABLE = "WAREHOUSE_CLUSTER"
# a cluster name as remote_servers spells it (managed services use the cluster's id)
_CLUSTER_NAME = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9_.-]*$")


class ClusterNameError(ValueError):
    pass


def check_cluster_name(name: str) -> str:
    if not _CLUSTER_NAME.match(name):
        raise ClusterNameError(
            f"{CLUSTER_VARIABLE}={name!r} is not a cluster name: use the name "
            "`SELECT cluster FROM system.clusters` shows (letters, digits, '_', '-', '.')"
        )
    return name


def check_cluster_for_url(cluster: str | None, url: str) -> None:
    """A cluster needs a server: the embedded warehouse is one process on one machine."""
    if cluster and url.startswith("chdb:"):
        raise ClusterNameError(
            f"{CLUSTER_VARIABLE} is set but WAREHOUSE_URL is the embedded warehouse (one "
            f"process, no cluster): unset {CLUSTER_VARIABLE}, or point WAREHOUSE_URL at a "
            "host of the cluster"
        )


def cluster_from_env() -> str | None:
    """The cluster WAREHOUSE_CLUSTER names; None (one host) when unset or empty."""
    name = (os.environ.get(CLUSTER_VARIABLE) or "").strip()
    return check_cluster_name(name) if name else None


def on_cluster(cluster: str | None) -> str:
    """` on cluster "<name>"` to put after a table or database name, or '' on one host."""
    return f' on cluster "{check_cluster_name(cluster)}"' if cluster else ""


def table_engine(cluster: str | None) -> str:
    """The MergeTree of a table every host must see: replicated on a cluster. Without
    arguments ReplicatedMergeTree takes the server's default Keeper path and replica name
    (`/clickhouse/tables/{uuid}/{shard}`, `{replica}`), which managed clusters define."""
    return "ReplicatedMergeTree" if cluster else "MergeTree"


def cluster_session_settings(cluster: str | None) -> dict[str, object]:
    """Session settings of a client that writes to a cluster.

    insert_quorum 'auto': an insert returns once a majority of replicas has it, so a later
    statement on another replica finds the rows. mutations_sync / alter_sync 2: a DELETE or
    ALTER returns once every replica applied it. allow_nondeterministic_mutations: the
    loaders' merge deletes `WHERE key IN (SELECT ... FROM <staging table>)`, which ClickHouse
    refuses on a replicated table unless allowed (each replica evaluates the subquery itself;
    the staging table is replicated and written with the quorum above)."""
    if not cluster:
        return {}
    return {
        "insert_quorum": "auto",
        "mutations_sync": 2,
        "alter_sync": 2,
        "allow_nondeterministic_mutations": 1,
    }


_NAME = r"(?:`(?:[^`\\]|\\.)+`|\"(?:[^\"\\]|\\.)+\"|[A-Za-z_][A-Za-z0-9_$]*)"
_QUALIFIED = rf"{_NAME}(?:\s*\.\s*{_NAME})?"
# DDL whose ON CLUSTER goes right after the object's name
_NAME_FIRST = re.compile(
    r"^(\s*(?:"
    r"create\s+(?:or\s+replace\s+)?(?:table|database)(?:\s+if\s+not\s+exists)?"
    r"|drop\s+(?:table|database)(?:\s+if\s+exists)?"
    r"|truncate(?:\s+table)?(?:\s+if\s+exists)?"
    r"|alter\s+table"
    rf")\s+{_QUALIFIED})",
    re.IGNORECASE,
)
# DDL whose ON CLUSTER goes at the end: every pair of names comes first
_PAIRS_FIRST = re.compile(r"^\s*(?:rename\s+table|exchange\s+tables)\s", re.IGNORECASE)
_HAS_CLUSTER = re.compile(r"\bon\s+cluster\b", re.IGNORECASE)


def with_on_cluster(statement: str, cluster: str | None) -> str:
    """`statement` with ON CLUSTER when it is DDL on a table or database and a cluster is set;
    any other statement (SELECT, INSERT, DELETE) unchanged."""
    if not cluster or _HAS_CLUSTER.search(statement):
        return statement
    clause = on_cluster(cluster)
    match = _NAME_FIRST.match(statement)
    if match:
        return statement[: match.end()] + clause + statement[match.end() :]
    if _PAIRS_FIRST.match(statement):
        return statement.rstrip().rstrip(";") + clause
    return statement
