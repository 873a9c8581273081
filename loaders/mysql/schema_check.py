"""Schema drift between the shop's tables and what has landed in `raw`, checked before a load.

Compared per column: what the source's type lands as (the loader's own rules: every integer
as Int64, DECIMAL(p,s) as Decimal(p,s), text as String, DATETIME as DateTime64, birthday as
text) against the warehouse column's actual type.

- a column only in the source: `added` (it lands, as always);
- a column only in the warehouse: `dropped_or_renamed` (its rows get NULLs from now on);
- a source column that became NULL-able over a non-Nullable warehouse column:
  `became_nullable`, and the warehouse column is altered to Nullable (never a silent 0);
- another type that the warehouse column still holds exactly (DECIMAL(10,2) in a
  Decimal(12,2)): `type_changed`, reported;
- a type it cannot hold (DECIMAL(12,2) → (14,3), TINYINT → VARCHAR): `lossy_type_change`,
  and that table is not loaded.

Only the columns the loader lands are compared (LANDED_COLUMNS): a column it does not land is
no drift, in the source or in raw.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa

# the loader lands these as text whatever the source says (zero dates)
LANDED_AS_TEXT = {"birthday"}
# Tables about people land only the columns a model uses (docs/personal-data.md): no e-mail,
# phone or names. A source column outside the list is neither landed nor a drift, and a raw
# column outside it (landed by an older loader) is dropped on the next load.
LANDED_COLUMNS: dict[str, tuple[str, ...]] = {
    "users": ("id", "gender", "birthday", "vk_id", "created_at", "updated_at"),
}


def not_landed(table: str, columns: Iterable[str]) -> list[str]:
    """The columns of `table` the loader does not land (none for a table not listed)."""
    keep = LANDED_COLUMNS.get(table)
    if keep is None:
        return []
    return [c for c in columns if c not in keep and not c.startswith("_dlt")]


_DECIMAL = re.compile(r"Decimal\((\d+),\s*(\d+)\)")


@dataclass(frozen=True)
class Kind:
    """A column type as the warehouse holds it: family plus decimal precision and scale."""

    family: str
    precision: int = 0
    scale: int = 0

    def __str__(self) -> str:
        if self.family == "decimal":
            return f"decimal({self.precision},{self.scale})"
        return self.family

    def holds(self, other: Kind) -> bool:
        """Every value of `other` fits in this kind unchanged."""
        if self.family != other.family:
            return False
        if self.family != "decimal":
            return True
        digits, other_digits = self.precision - self.scale, other.precision - other.scale
        return other.scale <= self.scale and other_digits <= digits


@dataclass(frozen=True)
class Drift:
    table: str
    column: str
    change: str
    detail: str
    # the raw column's type when it must become Nullable(...) before this load
    widen_to_nullable: str | None = None

    @property
    def lossy(self) -> bool:
        return self.change == "lossy_type_change"

    def line(self) -> str:
        return f"table {self.table} column {self.column}: {self.change} ({self.detail})"


def source_kind(column: str, sql_type: Any) -> Kind:
    if column in LANDED_AS_TEXT:
        return Kind("text")
    if isinstance(sql_type, sa.Boolean):
        return Kind("bool")
    if isinstance(sql_type, sa.Integer):
        return Kind("int")
    if isinstance(sql_type, sa.Float):
        return Kind("float")
    if isinstance(sql_type, sa.Numeric):
        return Kind("decimal", sql_type.precision or 0, sql_type.scale or 0)
    if isinstance(sql_type, sa.DateTime):
        return Kind("datetime")
    if isinstance(sql_type, sa.Date):
        return Kind("date")
    if isinstance(sql_type, sa.String | sa.Enum):
        return Kind("text")
    return Kind(str(sql_type).lower())


def warehouse_kind(ch_type: str) -> tuple[Kind, bool]:
    """(kind, nullable) of a ClickHouse column type."""
    nullable = ch_type.startswith("Nullable(")
    inner = ch_type[len("Nullable(") : -1] if nullable else ch_type
    inner = inner.removeprefix("LowCardinality(").removesuffix(")") if "LowCard" in inner else inner
    if match := _DECIMAL.fullmatch(inner):
        return Kind("decimal", int(match.group(1)), int(match.group(2))), nullable
    for prefix, family in (
        ("Int", "int"),
        ("UInt", "int"),
        ("Float", "float"),
        ("Bool", "bool"),
        ("String", "text"),
        ("FixedString", "text"),
        ("DateTime", "datetime"),
        ("Date", "date"),
    ):
        if inner.startswith(prefix):
            return Kind(family), nullable
    return Kind(inner.lower()), nullable


def source_columns(engine: sa.Engine, table: str) -> dict[str, tuple[Kind, bool]]:
    """column -> (kind, nullable) of the columns the loader lands, as the shop declares them."""
    columns = sa.inspect(engine).get_columns(table)
    skipped = set(not_landed(table, (c["name"] for c in columns)))
    return {
        c["name"]: (source_kind(c["name"], c["type"]), bool(c.get("nullable", True)))
        for c in columns
        if c["name"] not in skipped
    }


def compare(
    table: str, source: dict[str, tuple[Kind, bool]], landed: dict[str, str]
) -> list[Drift]:
    """Drift of one table: `landed` is column -> ClickHouse type of its raw table."""
    drifts = []
    for column, (kind, nullable) in source.items():
        if column not in landed:
            drifts.append(Drift(table, column, "added", f"{kind}, lands as a new column"))
            continue
        held, held_nullable = warehouse_kind(landed[column])
        if kind != held:
            lossy = not held.holds(kind)
            drifts.append(
                Drift(
                    table,
                    column,
                    "lossy_type_change" if lossy else "type_changed",
                    f"source is now {kind}, raw holds {landed[column]}",
                )
            )
        if nullable and not held_nullable:
            drifts.append(
                Drift(
                    table,
                    column,
                    "became_nullable",
                    f"raw column made Nullable({landed[column]})",
                    widen_to_nullable=landed[column],
                )
            )
    for column in landed:
        if column not in source and not column.startswith("_dlt"):
            # new rows must get NULL there, not a silent 0 or ''
            nullable = landed[column].startswith("Nullable(")
            drifts.append(
                Drift(
                    table,
                    column,
                    "dropped_or_renamed",
                    "gone from the source: new rows get NULL",
                    widen_to_nullable=None if nullable else landed[column],
                )
            )
    return drifts
