"""Fingerprints of the marts: two states of the marts told apart cell for cell.

The tests prove with them that an incremental night equals a rebuild from scratch, that a
failed night published nothing and that a re-run changed nothing; the bench checks its nights
the same way. A mart's fingerprint is its row count and the sum, over its rows, of cityHash64
of the whole row: equal fingerprints, the same rows whatever their order. The row is hashed as
the text of one `tuple(*)`: cityHash64 of several columns is NULL when any cell is, and sum()
would skip that row; ClickHouse 24.8 cannot hash a tuple holding a NULL, its text it can. The
sum is text, as a UInt64 it may not fit a JSON number.
"""

from __future__ import annotations

from collections.abc import Iterable

from devtools.harness.warehouse import Warehouse

# the fingerprint's columns of a SELECT over one mart: count, then the cells' hash as text
FINGERPRINT_COLUMNS = "count(), toString(sum(cityHash64(toString(tuple(*)))))"

Fingerprints = dict[str, tuple[int, str]]


def mart_fingerprints(warehouse: Warehouse, marts: Iterable[str]) -> Fingerprints:
    """Each mart's (rows, cells' hash) as published (database `marts`), in one query."""
    sql = " UNION ALL ".join(
        f"SELECT '{mart}', {FINGERPRINT_COLUMNS} FROM marts.`{mart}`" for mart in marts
    )
    return {str(row[0]): (int(row[1]), str(row[2])) for row in warehouse.query(sql)}
