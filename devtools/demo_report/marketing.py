"""The marketing part of the `make demo` summary: the last complete cohorts' LTV and CAC by
acquisition source (marts.mart_customer_cohorts) and the top campaigns by ROMI over the last
30 days with spend (marts.mart_campaign_daily).

"Complete" and "last" are taken from the data, not from today: a cohort month is complete
when a later month has orders (the newest order's month may still be running), and the 30
days end at the latest day with ad spend, so the demo prints the same figures on any date.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

COHORT_MONTHS = 3
TOP_CAMPAIGNS = 5

_COHORTS = """
WITH (SELECT toStartOfMonth(max(order_date)) FROM marts.fct_orders) AS running_month
SELECT
    cohort_month,
    value,
    any(cohort_buyers) AS buyers,
    argMax(ltv_rub, month_number) AS ltv,
    any(cac_rub) AS cac,
    any(payback_month_number) AS payback
FROM marts.mart_customer_cohorts
WHERE dimension = 'acquisition_source'
  AND cohort_month < running_month
  AND cohort_month >= addMonths(running_month, -{months:UInt8})
GROUP BY cohort_month, value
ORDER BY cohort_month DESC, buyers DESC, value
"""

_CAMPAIGNS = """
WITH (SELECT max(date) FROM marts.mart_campaign_daily WHERE spend_rub > 0) AS last_day
SELECT
    platform,
    utm_campaign,
    sum(spend_rub) AS spend,
    sum(attributed_revenue_rub) AS revenue,
    sum(attributed_orders) AS orders,
    toFloat64(revenue - spend) / toFloat64(spend) AS romi,
    toString(last_day) AS last
FROM marts.mart_campaign_daily
WHERE date > last_day - 30 AND date <= last_day
GROUP BY platform, utm_campaign
HAVING spend > 0
ORDER BY romi DESC, spend DESC, platform, utm_campaign
LIMIT {top:UInt8}
"""


def _money(value: Decimal) -> str:
    return f"{value:,.2f}".replace(",", " ")


def cohort_lines(client: Any) -> list[str]:
    rows = client.query(_COHORTS, parameters={"months": COHORT_MONTHS}).result_rows
    if not rows:
        return ["cohorts: no complete cohort month yet"]
    lines = [
        f"cohorts of the last {COHORT_MONTHS} complete months by acquisition source: LTV to date,",
        "CAC (that month's spend of the source's platform per buyer) and the month it paid back",
        f"  {'cohort':<8} {'source':<10} {'buyers':>6} {'LTV ₽':>14} {'CAC ₽':>14} {'payback':>9}",
    ]
    for month, source, buyers, ltv, cac, payback in rows:
        shown = "no spend" if cac == 0 else "not yet" if payback is None else f"month {payback}"
        lines.append(
            f"  {month:%Y-%m} {source:<10} {buyers:>6,} {_money(ltv):>14} {_money(cac):>14}"
            f" {shown:>9}"
        )
    return lines


def campaign_lines(client: Any) -> list[str]:
    rows = client.query(_CAMPAIGNS, parameters={"top": TOP_CAMPAIGNS}).result_rows
    if not rows:
        return ["campaigns: no ad spend loaded"]
    lines = [
        f"top {TOP_CAMPAIGNS} campaigns by ROMI, last 30 days to {rows[0][6]}: spend and the",
        "orders attributed to them (utm_source of the platform, the ads' utm_campaign)",
        f"  {'platform':<14} {'utm_campaign':<20} {'spend ₽':>12} {'orders':>6}"
        f" {'revenue ₽':>14} {'ROMI':>6}",
    ]
    for platform, campaign, spend, revenue, orders, romi, _ in rows:
        lines.append(
            f"  {platform:<14} {campaign:<20} {_money(spend):>12} {orders:>6,}"
            f" {_money(revenue):>14} {romi:>+6.2f}"
        )
    if all(revenue == 0 for _, _, _, revenue, *_ in rows):
        lines.append(
            "  no order carries these campaigns' utm_campaign: do the ads' landing URLs use the"
            " shop's tags?"
        )
    return lines


def summary_lines(client: Any) -> list[str]:
    tables = {
        name
        for (name,) in client.query(
            "SELECT name FROM system.tables WHERE database = 'marts'"
        ).result_rows
    }
    if not {"fct_orders", "mart_customer_cohorts", "mart_campaign_daily"} <= tables:
        return ["no marketing marts yet: run `dbt build`"]
    return [*cohort_lines(client), "", *campaign_lines(client)]


def print_summary(client: Any) -> None:
    print("\n".join(summary_lines(client)))
