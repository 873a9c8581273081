"""The raw tables brought in line with the shop before a load (loaders.mysql.schema_check):
drift reported, columns widened to Nullable, columns the loader no longer lands dropped."""

from __future__ import annotations

import logging
from typing import Any

import dlt
import sqlalchemy as sa

from loaders.mysql.schema_check import LANDED_COLUMNS, Drift, compare, not_landed, source_columns
from loaders.mysql.source import INCREMENTAL_TABLES

log = logging.getLogger(__name__)


def check_schema(engine: sa.Engine, pipeline: dlt.Pipeline) -> list[Drift]:
    """Drift of every shop table that has landed before; widens raw columns that must now
    hold NULLs (in the table and in dlt's staging copy), before any row is written."""
    if not pipeline.default_schema_name:
        return []  # nothing landed yet
    with pipeline.sql_client() as client:
        rows = client.execute_sql(
            "SELECT table, name, type FROM system.columns WHERE database = %s"
            " AND table LIKE 'mysql%%' ORDER BY table, position",
            client.catalog_name(quote=False) or "raw",
        )
        landed: dict[str, dict[str, str]] = {}
        for table, column, ch_type in rows or []:
            landed.setdefault(table, {})[column] = ch_type
        drop_not_landed(client, pipeline, landed)
        drifts = []
        for name in ("cities", *INCREMENTAL_TABLES):
            if f"mysql__{name}" in landed:
                drifts += compare(name, source_columns(engine, name), landed[f"mysql__{name}"])
        for drift in drifts:
            if drift.widen_to_nullable:
                for table in (f"mysql__{drift.table}", f"mysql_staging__{drift.table}"):
                    if drift.column in landed.get(table, {}):
                        client.execute_sql(
                            f"ALTER TABLE {client.catalog_name()}.`{table}` MODIFY COLUMN"
                            f" `{drift.column}` Nullable({drift.widen_to_nullable})"
                        )
                schema_table = pipeline.default_schema.tables.get(drift.table)
                if schema_table and drift.column in schema_table["columns"]:
                    schema_table["columns"][drift.column]["nullable"] = True
    return drifts


def drop_not_landed(client: Any, pipeline: dlt.Pipeline, landed: dict[str, dict[str, str]]) -> None:
    """Drop the raw columns an older loader landed and this one does not (personal data no
    model uses): from the table, dlt's staging copy and dlt's schema. `landed` is updated."""
    for name in LANDED_COLUMNS:
        for table in (f"mysql__{name}", f"mysql_staging__{name}"):
            for column in not_landed(name, list(landed.get(table, {}))):
                client.execute_sql(
                    f"ALTER TABLE {client.catalog_name()}.`{table}` DROP COLUMN `{column}`"
                )
                del landed[table][column]
                log.info("mysql: dropped %s.%s: not landed (docs/personal-data.md)", table, column)
        schema_table = pipeline.default_schema.tables.get(name)
        for column in not_landed(name, list(schema_table["columns"]) if schema_table else []):
            del schema_table["columns"][column]  # type: ignore[index]
