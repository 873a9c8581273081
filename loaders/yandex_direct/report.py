"""Yandex Direct's AD_PERFORMANCE_REPORT (TSV) read and checked before it replaces a window.

The report is asked for with its summary row (`skipReportSummary: false`): its last line
says how many rows it holds (`Total rows: N`), which is how a report cut off after a whole
line, or an empty body, is told from a report with no statistics (a header, no rows and
`Total rows: 0`). Rows are read by header name; a title row before the header is skipped;
`--` is an empty value (a metric that is empty counts 0). Every row passes
loaders.common.validation: all columns present, the day inside the window, ids and counts
whole numbers, Cost a decimal >= 0, one row per (AdId, Date), and exactly as many rows as
the summary says.
"""

from __future__ import annotations

import re
from typing import Any

from loaders.common.ads_window import Window
from loaders.common.validation import AnswerCheck

CALL = "/reports"
REPORT_FIELDS = [
    "Date", "CampaignId", "CampaignName", "AdGroupId", "AdId", "Impressions", "Clicks", "Cost",
]  # fmt: skip
_SUMMARY = re.compile(r"(Total rows|Всего строк):\s*([0-9]+)")


def _value(text: str) -> str | None:
    return None if text in ("--", "") else text


def parse_report(tsv: str, window: Window) -> list[dict[str, Any]]:
    """The report's rows, checked; InvalidAnswer at the first thing that is wrong."""
    check = AnswerCheck("yandex_direct", CALL, window)
    lines = tsv.split("\n")
    if lines and lines[-1] == "":
        lines.pop()  # the newline that ends the last line
    else:
        check.fail("the last line", "the body does not end with a newline: it was cut off")
    header_at = next(
        (i for i, line in enumerate(lines) if {"Date", "AdId", "Cost"} <= set(line.split("\t"))),
        None,
    )
    if header_at is None:
        what = "the body is empty" if not tsv.strip() else "no header row with Date, AdId, Cost"
        check.fail("the header", what)
    header = lines[header_at].rstrip("\r").split("\t")
    if missing := [name for name in REPORT_FIELDS if name not in header]:
        check.fail("the header", f"columns {', '.join(missing)} are missing")
    body = [line.rstrip("\r") for line in lines[header_at + 1 :]]
    summary = _SUMMARY.fullmatch(body[-1]) if body else None
    if summary is None:
        check.fail("the end", "no summary row `Total rows: N` at the end: the report was cut off")
    rows = [_row(check, header, number, line) for number, line in enumerate(body[:-1], start=1)]
    if len(rows) != int(summary.group(2)):
        check.fail("the end", f"{len(rows)} rows, but the summary row says {summary.group(2)}")
    return rows


def _row(check: AnswerCheck, header: list[str], number: int, line: str) -> dict[str, Any]:
    cells = line.split("\t")
    if len(cells) != len(header):
        check.fail(f"row {number}", f"{len(cells)} fields where the header has {len(header)}")
    row = dict(zip(header, map(_value, cells), strict=True))
    where = f"row {number} (AdId {row.get('AdId')}, Date {row.get('Date')})"
    day = check.day(row["Date"], "Date", where)
    ad_id = check.ident(row["AdId"], "AdId", where)
    check.unique((ad_id, day), where)
    return {
        "date": row["Date"],
        "campaign_id": check.ident(row["CampaignId"], "CampaignId", where),
        "campaign_name": row["CampaignName"],
        "ad_group_id": check.ident(row["AdGroupId"], "AdGroupId", where),
        "ad_id": ad_id,
        "impressions": check.count(row["Impressions"] or 0, "Impressions", where),
        "clicks": check.count(row["Clicks"] or 0, "Clicks", where),
        "cost": check.money(row["Cost"] or "0", "Cost", where),
    }
