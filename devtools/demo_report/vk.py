"""The VK part of the `make demo` summary: how many users got a usable VK profile, and how
many of them a VK-derived city and profession (marts.dim_users; linked ids from staging,
the marts carry none), with the loader's outcomes
(raw.vk__users, newest per id).
"""

from __future__ import annotations

from clickhouse_connect.driver.client import Client

_USERS = """
SELECT
    count(),
    (SELECT countIf(vk_id IS NOT NULL) FROM staging.stg_mysql__users),
    countIf(has_vk_profile),
    countIf(has_vk_profile AND city != 'unknown'),
    countIf(has_vk_profile AND profession != 'unknown'),
    countIf(has_vk_profile AND city != 'unknown' AND profession != 'unknown')
FROM marts.dim_users
"""
_OUTCOMES = """
SELECT outcome, count()
FROM (SELECT vk_id, argMax(outcome, fetched_at) AS outcome FROM raw.vk__users GROUP BY vk_id)
GROUP BY outcome ORDER BY outcome
"""


def summary_lines(client: Client) -> list[str]:
    exists = client.query("EXISTS TABLE raw.vk__users").result_rows[0][0]
    if not exists:
        return ["VK profiles: none loaded yet (set VK_TOKEN and run `make load`)"]
    users, linked, profiles, city, profession, both = client.query(_USERS).result_rows[0]
    outcomes: dict[str, int] = {row[0]: row[1] for row in client.query(_OUTCOMES).result_rows}
    return [
        f"VK profiles: {profiles:,} of {users:,} users ({linked:,} linked to VK) have a usable "
        f"VK profile; {both:,} with a VK city and profession "
        f"({city:,} with a city, {profession:,} with a profession)",
        "  VK outcomes per vk_id: "
        + ", ".join(f"{name} {count:,}" for name, count in sorted(outcomes.items())),
    ]


def print_summary(client: Client) -> None:
    print("\n".join(summary_lines(client)))
