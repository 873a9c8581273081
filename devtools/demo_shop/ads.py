"""Deterministic demo ad accounts for the sandbox's VK Ads and Yandex Direct.

Campaigns per city over the demo shop's last days (up to its last day: END_DATE's for the tests
and the bench, the recorded one for the demo, see generator.recorded_end_date), whose landing
URLs carry the shop's `utm_content` tag `<city>_<dd>_<mm>`: Latin and Cyrillic codes
(Cyrillic URL-encoded), some upper-case, some malformed or of a city the seed does not know,
some URLs with a fragment, a repeated parameter or no query at all. Spend goes to the same
cities as the demo orders (weights like demo_shop.CITY_WEIGHTS), so the demo's ROMI means
something. Statistics are a pure function of (platform, ad, day, revision): revision 1 is the
platform revising its last days (new spend on the last day, one row gone the day before).
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from urllib.parse import quote

from devtools.demo_shop.dates import END_DATE

LAST_DAY: date = END_DATE.date()
HISTORY_DAYS = 120  # ads ran over the shop's last 120 days (the loader's first run reads 90)
CENT = Decimal("0.01")
# the names of the random streams each platform's figures are drawn from: kept as the demo
# data was first generated ("direct" was Yandex Direct's short name), so the demo stays the same
SEED_LABELS = {"vk_ads": "vk_ads", "yandex_direct": "direct"}

# (codes, city weight, rubles per ad-day tuned so the demo's ROMI runs from red to green);
# codes alternate alphabets; tver is not in the seed
CITIES: tuple[tuple[tuple[str, ...], int, int], ...] = (
    (("msk", "мск"), 30, 5800),
    (("spb", "спб"), 15, 3800),
    (("nnv", "нн", "nn"), 8, 2250),
    (("ekb", "екб"), 7, 4000),
    (("nsk", "нск"), 6, 1350),
    (("kzn", "кзн"), 6, 1500),
    (("tver",), 3, 1000),
)
THEMES = ("распродажа", "новинки", "ретаргетинг")


@dataclass(frozen=True)
class DemoAd:
    ad_id: int
    ad_group_id: int
    campaign_id: int
    campaign_name: str
    landing_url: str
    started: date
    last_day: date  # the account's last day of statistics: the shop's last day
    daily_rub: int
    is_image: bool  # Direct: TextImageAd instead of TextAd


def _content(i: int, code: str, day: date) -> str:
    """The ad's utm_content, with the quirks real accounts have."""
    if i % 23 == 7:
        return f"{code}-{day.day:02d}-{day.month:02d}"  # malformed: dashes
    if i % 23 == 11:
        return f"{code}_32_{day.month:02d}"  # day out of range
    text = f"{code}_{day.day:02d}_{day.month:02d}" if i % 4 else f"{code}_{day.day}_{day.month}"
    return text.upper() if i % 9 == 4 else text


def _url(platform: str, i: int, campaign: str, content: str) -> str:
    source = "vk" if platform == "vk_ads" else "yandex"
    base = f"https://shop.example.ru/catalog/{i % 12 + 1}"
    if i % 29 == 5:
        return base  # no query string
    query = f"utm_source={source}&utm_medium=cpc&utm_campaign={quote(campaign)}"
    query += f"&utm_content={quote(content, safe='_-')}"
    if i % 13 == 3:
        query += "&utm_content=other_01_01"  # repeated: the first one counts
    url = f"{base}?{query}"
    return url + "#reviews" if i % 11 == 2 else url


def demo_ads(platform: str, n_ads: int = 36, last_day: date = LAST_DAY) -> list[DemoAd]:
    """`n_ads` ads spread over one campaign per (city, theme), two ad groups each."""
    offset = {
        "vk_ads": (1_000, 20_000, 100_000),
        "yandex_direct": (5_000_000, 600_000_000, 7_000_000_000),
    }
    campaign_base, group_base, ad_base = offset[platform]
    ads = []
    for i in range(n_ads):
        city = i % len(CITIES)
        codes, _, daily = CITIES[city]
        theme = (i // len(CITIES)) % len(THEMES)
        campaign_no = city * len(THEMES) + theme
        code = codes[(i // len(CITIES)) % len(codes)]
        started = last_day - timedelta(days=HISTORY_DAYS - 1 - (i * 7) % 60)
        name = f"{codes[0]} {THEMES[theme]}"
        ads.append(
            DemoAd(
                ad_id=ad_base + i,
                ad_group_id=group_base + campaign_no * 2 + i % 2,
                campaign_id=campaign_base + campaign_no,
                campaign_name=name,
                landing_url=_url(platform, i, name, _content(i, code, started)),
                started=started,
                last_day=last_day,
                daily_rub=daily * 36 // max(n_ads, 1) + 50,
                is_image=i % 5 == 4,
            )
        )
    return ads


def day_stats(
    platform: str, ad: DemoAd, day: date, revision: int = 0
) -> tuple[int, int, Decimal] | None:
    """(impressions, clicks, spend in rubles) of one ad on one day; None: no row that day."""
    if day < ad.started or day > ad.last_day:
        return None
    rng = random.Random(f"{SEED_LABELS[platform]}:{ad.ad_id}:{day.isoformat()}")
    if rng.random() < 0.08:
        return None  # the ad did not run that day
    if revision and day == ad.last_day - timedelta(days=1) and ad.ad_id % 10 == 0:
        return None  # revised: the platform dropped this row
    impressions = rng.randint(300, 3000)
    clicks = max(1, int(impressions * rng.uniform(0.005, 0.03)))
    spend = (Decimal(ad.daily_rub) * Decimal(str(round(rng.uniform(0.6, 1.4), 3)))).quantize(CENT)
    if revision and day == ad.last_day:
        clicks += 1
        spend = (spend * Decimal("1.1")).quantize(CENT)
    return impressions, clicks, spend


def days_between(date_from: date, date_to: date) -> list[date]:
    return [date_from + timedelta(days=n) for n in range((date_to - date_from).days + 1)]
