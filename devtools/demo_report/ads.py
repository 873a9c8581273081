"""Print ad spend, attributed revenue and ROMI per city for the last 7 and 30 days (`make demo`).

Reads marts.mart_romi_city_daily; "last" ends at the latest day with ad spend, so the demo
(whose data ends on the demo shop's last day) shows the same numbers on any date.
`python -m devtools.demo_report` runs `print_summary(client)` with the others.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

QUERY = """
WITH (SELECT max(date) FROM marts.mart_romi_city_daily WHERE spend_rub > 0) AS last_day
SELECT
    city,
    sum(spend_rub) AS spend,
    sum(attributed_revenue_rub) AS attributed,
    if(sum(spend_rub) = 0, NULL,
       toFloat64(sum(attributed_revenue_rub) - sum(spend_rub)) / toFloat64(sum(spend_rub))) AS romi,
    toString(last_day) AS last
FROM marts.mart_romi_city_daily
WHERE date > last_day - %(days)s AND date <= last_day
GROUP BY city
HAVING spend > 0 OR attributed > 0
ORDER BY spend DESC, city
"""


def summary_lines(client: Any) -> list[str]:
    exists = client.query(
        "SELECT count() FROM system.tables"
        " WHERE database = 'marts' AND name = 'mart_romi_city_daily'"
    ).result_rows[0][0]
    if not exists:
        return ["ads: no mart_romi_city_daily yet (run `make load && dbt build`)"]
    lines: list[str] = []
    for days in (7, 30):
        rows = client.query(QUERY, parameters={"days": days}).result_rows
        if not rows:
            lines.append(f"ads, last {days} days: no ad spend loaded")
            continue
        lines.append(
            f"ads, last {days} days to {rows[0][4]}: spend, attributed revenue, ROMI per city"
        )
        lines.append(f"  {'city':<18} {'spend ₽':>12} {'attributed ₽':>14} {'ROMI':>7}")
        for city, spend, attributed, romi, _ in rows:
            shown = "—" if romi is None else f"{romi:+.2f}"
            lines.append(f"  {city:<18} {_money(spend):>12} {_money(attributed):>14} {shown:>7}")
        lines.append("")
    return lines


def _money(value: Decimal) -> str:
    return f"{value:,.2f}".replace(",", " ")


def print_summary(client: Any) -> None:
    print("\n".join(summary_lines(client)))
