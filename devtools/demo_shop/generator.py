"""Deterministic demo shop: writes the shop DB (docs/source-schema.md) at any scale.

SCALE=1 is ~100k users, 1M orders, 3M lines over 18 months (demo: 0.01); rows stream into
batched inserts, so memory stays flat. The data carries the production quirks loaders and
models must survive: zero dates, odd-case payment methods, messy UTM tags, shared
`updated_at` values, orders without lines, edited orders with re-inserted lines.
"""

from __future__ import annotations

import argparse
import heapq
import os
import time
from bisect import bisect_right
from collections.abc import Iterator, Sequence
from datetime import date, datetime, timedelta
from decimal import Decimal
from itertools import accumulate
from random import Random
from typing import Any

from sqlalchemy import Connection, create_engine, delete, func, select, update

from devtools.demo_shop import schema
from devtools.demo_shop.dates import END_DATE, record_last_day, shop_dates
from devtools.demo_shop.schema import CITIES, ZERO_DATE, Row
from devtools.demo_shop.vocabulary import (
    BRANDS,
    CATEGORIES,
    DOMAINS,
    FEMININE,
    FIRST_NAMES,
    LAST_NAMES,
    MODELS,
    PHONES,
)

DEMO_SCALE = 0.01
HISTORY_DAYS = 548  # ~18 months of orders
N_PRODUCTS = 300
CENT = Decimal("0.01")

CITY_WEIGHTS = (30, 15, 8, 7, 6, 6, 3, 4, 4, 3, 8)  # per CITIES id, then NULL (pickup/unknown)
# utm_content codes per city id; tver/smr/krd/vrn are deliberately not in the dbt seed.
CODES = "msk мск MSK|spb СПБ спб|nnv nn нн|ekb екб|nsk нск|kzn кзн KZN|tver|smr|krd|vrn"
CITY_CODES = [codes.split() for codes in CODES.split("|")]
UTM_FREE_TEXT = ("banner_top", "Осенняя распродажа", "retarget 7d", "ad 15", "", "  ")
UTM_SOURCES = {"vk": 30, "yandex": 30, "google": 8, "email": 4, " VK ": 1, None: 27}
CAMPAIGNS = ("black_friday_2026", "brand", "retarget", "new_collection", "Распродажа")
PAYMENTS = {"card": 48, "sbp": 18, "cash": 12, "invoice": 3, None: 10}
PAYMENT_TYPOS = {" Card ": 3, "CARD": 2, "Cash ": 2, "SBP": 1, "": 1}  # the app never normalised
STATUS_WEIGHTS = (2, 22, 7, 3, 2, 1, 63)  # statuses 0..6; only 1 and 6 are sales
STATUS_NEXT = {0: 3, 3: 1, 1: 6, 5: 1, 6: 4}  # nightly transitions (1 -> 2 is a refund)
LINE_COUNT_WEIGHTS = (18, 22, 25, 17, 11, 7)  # 1..6 lines, mean ~3
HOUR_WEIGHTS = (10, 5, 3, 2, 2, 3, 6, 12, 20, 25, *[30] * 7, 32, 35, 40, 42, 40, 30, 20)  # MSK


def vk_id_for(user_id: int, rng: Random) -> int:
    # Disjoint ranges per user keep VK ids unique without a lookup table.
    return 1_000_000 + user_id * 9973 + rng.randrange(9973)


def _pick(rng: Random, weights: dict[Any, int]) -> Any:
    return rng.choices(list(weights), weights=list(weights.values()))[0]


class DemoShop:
    """The generator. Each table draws from its own seeded stream, so the size of one
    table does not change the content of another."""

    def __init__(self, scale: float = DEMO_SCALE, seed: int = 42, end_date: datetime = END_DATE):
        self.scale, self.seed, self.end = scale, seed, end_date.replace(microsecond=0)
        first_day = self.end.date() - timedelta(days=HISTORY_DAYS - 1)
        self.start = datetime(first_day.year, first_day.month, first_day.day)
        self.n_users = max(10, round(100_000 * scale))
        self.n_orders = max(10, round(1_000_000 * scale))
        self._products = self.products()
        self._prices = {p[0]: p[3] for p in self._products}
        # Zipf-like popularity: a few bestsellers, a long tail.
        self._pcum = list(accumulate(1 / (i + 1) ** 0.8 for i in range(N_PRODUCTS)))

    def _rng(self, stream: str) -> Random:
        return Random(f"{self.seed}:{stream}")  # str seeds are stable across processes

    def products(self) -> list[Row]:
        rng, rows = self._rng("products"), []
        for pid in range(1, N_PRODUCTS + 1):
            category = rng.choice(list(CATEGORIES))
            nouns, low, high = CATEGORIES[category]
            name = f"{rng.choice(nouns.split('|'))} «{rng.choice(BRANDS)}» {rng.choice(MODELS)}"
            price = Decimal(rng.randint(low // 100 + 1, high // 100 + 1) * 100 - 10).quantize(CENT)
            days_ago = rng.randint(1, 90) if rng.random() < 0.1 else rng.randint(90, 900)
            changed = self.end - timedelta(days=days_ago, seconds=rng.randrange(86_400))
            kept_category = None if rng.random() < 0.05 else category
            rows.append((pid, f"{name} {pid}", kept_category, price, changed))
        return rows

    def _signups(self) -> list[datetime]:
        # Users sign up over years; ids grow with created_at, as AUTO_INCREMENT ids do.
        rng, first = self._rng("signups"), datetime(2021, 1, 1)
        early = int((self.start - first).total_seconds())
        span = int((self.end - self.start).total_seconds())
        return sorted(
            first + timedelta(seconds=rng.randrange(early))
            if i == 0 or rng.random() < 0.3
            else self.start + timedelta(seconds=rng.randrange(span))
            for i in range(self.n_users)
        )

    def user_row(self, rng: Random, uid: int, created: datetime, horizon: datetime) -> Row:
        sex = "f" if rng.random() < 0.6 else "m"
        r = rng.random()
        birthday: str | date | None = None  # 40% never told the shop
        if 0.40 <= r < 0.43:
            birthday = ZERO_DATE  # legacy rows written without NO_ZERO_DATE
        elif 0.43 <= r < 0.44:  # typos: 1890 or a year in the future
            year = 1890 if rng.random() < 0.5 else horizon.year + rng.randint(1, 30)
            birthday = date(year, rng.randint(1, 12), rng.randint(1, 28))
        elif r >= 0.44:
            year = horizon.year - rng.randint(14, 75)
            birthday = date(year, rng.randint(1, 12), rng.randint(1, 28))
        phone = rng.choice(PHONES).format(rng.randrange(10**7)) if rng.random() < 0.9 else None
        email = f"user{uid}@{rng.choice(DOMAINS)}" if rng.random() < 0.92 else None
        vk_id = vk_id_for(uid, rng) if rng.random() < 0.6 else None
        first = rng.choice(FIRST_NAMES[sex]) if rng.random() < 0.97 else None
        surname = rng.choice(LAST_NAMES) + (FEMININE if sex == "f" else "")
        last = surname if rng.random() < 0.9 else None
        gender = sex if rng.random() < 0.5 else None  # self-reported, often missing
        updated = created
        if rng.random() < 0.3:  # later profile edits
            updated = (created + (horizon - created) * rng.random()).replace(microsecond=0)
        return (uid, email, phone, first, last, gender, birthday, vk_id, created, updated)

    def users(self) -> Iterator[Row]:
        rng = self._rng("users")
        for uid, created in enumerate(self._signups(), start=1):
            yield self.user_row(rng, uid, created, self.end)

    def _order_times(self, rng: Random) -> Iterator[datetime]:
        """Chronological order timestamps: growth trend, weekends, Black Friday, New Year."""
        days = [self.start + timedelta(days=i) for i in range(HISTORY_DAYS)]
        weights = [
            (1 + 0.6 * i / HISTORY_DAYS)
            * (1.15 if day.weekday() >= 5 else 1)
            * (1.6 if (day.month, day.day) >= (11, 20) else 1)
            for i, day in enumerate(days)
        ]
        shares = [self.n_orders * w / sum(weights) for w in weights]
        counts = [int(share) for share in shares]
        by_remainder = sorted(range(HISTORY_DAYS), key=lambda i: counts[i] - shares[i])
        for i in by_remainder[: self.n_orders - sum(counts)]:  # largest remainders
            counts[i] += 1
        hours = list(accumulate(HOUR_WEIGHTS))
        for day, count in zip(days, counts, strict=True):
            offsets = sorted(
                rng.choices(range(24), cum_weights=hours)[0] * 3600 + rng.randrange(3600)
                for _ in range(count)
            )
            yield from (min(day + timedelta(seconds=s), self.end) for s in offsets)

    def order_row(self, rng: Random, oid: int, uid: int, at: datetime, horizon: datetime) -> Row:
        status = rng.choices(range(7), weights=STATUS_WEIGHTS)[0]
        paid = at + timedelta(seconds=rng.randint(30, 1800))
        updated = {
            1: paid,
            2: at + timedelta(hours=rng.randint(1, 72)),
            3: at + timedelta(seconds=rng.randint(5, 120)),
            4: at + timedelta(days=rng.randint(10, 30)),
            5: at + timedelta(hours=rng.randint(1, 48)),
        }.get(status, at)
        if status == 6:  # a nightly job completes delivered orders at 03:00: shared updated_at
            done = (at + timedelta(days=rng.randint(2, 7))).replace(hour=3, minute=0, second=0)
            status, updated = (6, done) if done <= horizon else (1, paid)
        city = rng.choices((*(c[0] for c in CITIES), None), weights=CITY_WEIGHTS)[0]
        cost = Decimal(0 if city is None else rng.choice((0, 199, 249, 299, 349, 399, 499)))
        payment = _pick(rng, PAYMENTS | PAYMENT_TYPOS)
        utm = self._utm(rng, city, at)
        row = (oid, uid, status, payment, city, cost.quantize(CENT), *utm, at)
        return (*row, min(updated, horizon))

    def _utm(self, rng: Random, city: int | None, at: datetime) -> Row:
        source = _pick(rng, UTM_SOURCES)
        if source is None:
            return (None, None, None, None)
        r, content, ad_day = rng.random(), None, at - timedelta(days=rng.randint(0, 6))
        if r < 0.6:  # '<code>_<dd>_<mm>', mostly of the city the order goes to
            code_city = city if city and rng.random() < 0.8 else rng.randint(1, len(CITIES))
            d, m = ad_day.day, ad_day.month
            if rng.random() < 0.03:  # out of range: msk_32_10, spb_10_13
                d, m = (32, m) if rng.random() < 0.5 else (d, 13)
            fmt = "{}_{:02d}_{:02d}" if rng.random() < 0.8 else "{}_{}_{}"
            content = fmt.format(rng.choice(CITY_CODES[code_city - 1]), d, m)
            content = f" {content.upper()} " if rng.random() < 0.03 else content
        elif r < 0.7:
            content = rng.choice(UTM_FREE_TEXT)
        medium = "email" if source == "email" else "cpc"
        return (source, medium, rng.choice(CAMPAIGNS), content)

    def line_rows(self, rng: Random, oid: int, first_id: int, at: datetime, k: int) -> list[Row]:
        """Up to k lines (distinct products) with ids from first_id, written at `at`."""
        pids = dict.fromkeys(rng.choices(range(1, N_PRODUCTS + 1), cum_weights=self._pcum, k=k))
        rows = []
        for i, pid in enumerate(pids):
            discount = rng.choice((0, 0, 0, 0, 0, 0, 5, 10, 15, 20))
            price = (self._prices[pid] * (100 - discount) / 100).quantize(CENT)
            qty = rng.choices((1, 2, 3, 4, 5), weights=(70, 15, 7, 4, 4))[0]
            rows.append((first_id + i, oid, pid, qty, price, at))
        return rows

    def line_count(self, rng: Random) -> int:
        return rng.choices(range(1, 7), weights=LINE_COUNT_WEIGHTS)[0]

    def orders_and_lines(self) -> Iterator[tuple[str, Row]]:
        """Orders and lines in id order, interleaved the way the shop wrote them."""
        rng, signups, loyalty = self._rng("orders"), self._signups(), self._rng("loyalty")
        # Pareto-ish orders per user; a third never buy; user 1 (the earliest) always can.
        weights = [min(loyalty.paretovariate(1.3), 30.0) for _ in range(self.n_users)]
        buys = [i == 0 or loyalty.random() > 0.35 for i in range(self.n_users)]
        cum = list(accumulate(w * b for w, b in zip(weights, buys, strict=True)))
        edits: list[tuple[datetime, int]] = []  # (edited at, order id): lines re-inserted then
        next_line = 1

        def reinsert(until: datetime) -> Iterator[tuple[str, Row]]:
            nonlocal next_line
            while edits and edits[0][0] <= until:
                at, oid = heapq.heappop(edits)
                lines = self.line_rows(rng, oid, next_line, at, self.line_count(rng))
                next_line += len(lines)
                yield from (("zakazy_tovary", line) for line in lines)

        for oid, created in enumerate(self._order_times(rng), start=1):
            yield from reinsert(created)
            known = bisect_right(signups, created)  # only users registered by then
            uid = bisect_right(cum, rng.random() * cum[known - 1]) + 1
            order = self.order_row(rng, oid, uid, created, self.end)
            k = 0 if rng.random() < 0.003 else self.line_count(rng)
            if k and rng.random() < 0.02:  # edited later: these lines get deleted
                at = min(created + timedelta(seconds=rng.randint(600, 172_800)), self.end)
                heapq.heappush(edits, (at, oid))
                order = (*order[:-1], max(order[-1], at))
                next_line, k = next_line + k, 0  # deleted ids stay burnt, as AUTO_INCREMENT's
            yield "zakazy", order
            lines = self.line_rows(rng, oid, next_line, created, k)
            next_line += len(lines)
            yield from (("zakazy_tovary", line) for line in lines)
        yield from reinsert(datetime.max)

    def rows(self) -> Iterator[tuple[str, Row]]:
        """Every row of the shop as (table, row) in insert order; rows follow COLUMNS."""
        yield from (("cities", r) for r in CITIES)
        yield from (("tovary", r) for r in self._products)
        yield from (("users", r) for r in self.users())
        yield from self.orders_and_lines()


def write_shop(
    url: str, scale: float = DEMO_SCALE, seed: int = 42, end_date: datetime = END_DATE
) -> dict[str, int]:
    """(Re)create the shop tables at `url` and fill them; returns table -> row count."""
    engine = create_engine(url)
    try:
        schema.drop_schema(engine)
        schema.create_schema(engine)
        with engine.connect() as conn:
            schema.prepare_session(conn)
            return schema.write_rows(conn, DemoShop(scale, seed, end_date).rows())
    finally:
        engine.dispose()


def apply_changes(
    url: str, seed: int = 42, fraction: float = 0.01, now: datetime | None = None
) -> dict[str, Any]:
    """Apply one night's changes to an existing shop DB, in one transaction like the app's.

    Every touched row gets updated_at=`now`, which defaults to 03:00 after the newest
    updated_at and must be later than all of them. Returns what changed.
    """
    shop, engine = DemoShop(seed=seed), create_engine(url)
    try:
        with engine.begin() as conn:
            schema.prepare_session(conn)
            return _apply_changes(conn, shop, fraction, now)
    finally:
        engine.dispose()


def _apply_changes(
    conn: Connection, shop: DemoShop, frac: float, now: datetime | None
) -> dict[str, Any]:
    z, zt, users = schema.zakazy, schema.zakazy_tovary, schema.users

    def scalar(column: Any) -> Any:
        return conn.scalar(select(column))

    newest = max(
        scalar(func.max(t.c.updated_at)) or datetime.min for t in (users, schema.tovary, z, zt)
    )
    now = now or (newest + timedelta(days=1)).replace(hour=3, minute=0, second=0)
    now = now.replace(microsecond=0)  # DATETIME has no fractions
    if now <= newest:
        raise ValueError(f"apply_changes: now={now} must be after the newest updated_at {newest}")
    rng = Random(f"{shop.seed}:changes:{now.isoformat()}")
    n_orders, n_users = scalar(func.count(z.c.id)), scalar(func.count(users.c.id))
    max_uid, max_oid = scalar(func.max(users.c.id)) or 0, scalar(func.max(z.c.id)) or 0
    next_line = (scalar(func.max(zt.c.id)) or 0) + 1  # taken before deletes: ids never reused
    last_created = scalar(func.max(z.c.created_at)) or newest
    n_changes, n_edits = max(1, round(n_orders * frac)), max(1, round(n_orders * frac / 5))

    # Edits and status changes hit recent orders, as they do in a live shop.
    limit = max(50, 20 * (n_changes + n_edits))
    latest: list[Any] = list(
        conn.execute(select(z.c.id, z.c.status).order_by(z.c.id.desc()).limit(limit))
    )
    recent = sorted((int(oid), int(status)) for oid, status in latest)
    has_lines: set[int] = set(
        conn.scalars(select(zt.c.zakaz_id).where(zt.c.zakaz_id >= recent[0][0]))
    )
    rng.shuffle(recent)
    edited = [oid for oid, _ in recent if oid in has_lines][: n_edits + 1]
    emptied = edited.pop()  # an edit that removes every line
    touched = {*edited, emptied}
    changed = [(oid, st) for oid, st in recent if st in STATUS_NEXT and oid not in touched]
    for oid, status in changed[:n_changes]:
        new_status = 2 if status == 1 and rng.random() < 0.2 else STATUS_NEXT[status]
        conn.execute(update(z).where(z.c.id == oid).values(status=new_status, updated_at=now))
    conn.execute(delete(zt).where(zt.c.zakaz_id.in_(touched)))
    conn.execute(update(z).where(z.c.id.in_(touched)).values(updated_at=now))
    new_lines: list[Row] = []
    for oid in edited:
        new_lines += shop.line_rows(rng, oid, next_line + len(new_lines), now, shop.line_count(rng))

    n_new_users = max(2, round(n_users * frac / 10))
    new_users = [
        (*shop.user_row(rng, max_uid + i, now - timedelta(minutes=5 * i), now)[:-1], now)
        for i in range(1, n_new_users + 1)
    ]
    new_orders: list[Row] = []
    span = max(1, int((now - last_created).total_seconds()))
    for i, offset in enumerate(sorted(rng.randrange(span) for _ in range(n_changes)), start=1):
        uid = rng.randint(1, max_uid + n_new_users)
        order = shop.order_row(rng, max_oid + i, uid, last_created + timedelta(seconds=offset), now)
        new_orders.append((*order[:-1], now))
        k = 0 if rng.random() < 0.003 else shop.line_count(rng)
        new_lines += shop.line_rows(rng, max_oid + i, next_line + len(new_lines), now, k)
    schema.insert_rows(conn, "users", new_users)
    schema.insert_rows(conn, "zakazy", new_orders)
    schema.insert_rows(conn, "zakazy_tovary", new_lines)

    uid = rng.randint(1, max_uid)  # a customer marries, changes phone and links VK
    vk_id = conn.scalar(select(users.c.vk_id).where(users.c.id == uid)) or vk_id_for(uid, rng)
    values = {"last_name": rng.choice(LAST_NAMES) + FEMININE, "vk_id": vk_id, "updated_at": now}
    values["phone"] = f"+7999{rng.randrange(10**7):07d}"
    conn.execute(update(users).where(users.c.id == uid).values(values))
    return {
        **{"now": now, "new_orders": len(new_orders), "new_lines": len(new_lines)},
        **{"status_changes": len(changed[:n_changes]), "edited_orders": edited},
        **{"emptied_order": emptied, "new_users": len(new_users), "updated_user": uid},
    }


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m devtools.demo_shop.generator", description=__doc__
    )
    parser.add_argument("--url", default=os.environ.get("SHOP_DB_URL"), help="SQLAlchemy URL")
    parser.add_argument("--scale", type=float, default=DEMO_SCALE, help="1.0 = 1M orders")
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--last-day", default=str(END_DATE.date()), help="YYYY-MM-DD or today")
    parser.add_argument("--apply-changes", action="store_true", help="one nightly change set")
    args = parser.parse_args(argv)
    if not args.url:
        parser.error("no database: pass --url or set SHOP_DB_URL, e.g. sqlite:///demo_shop.db")
    try:
        dates = shop_dates(args.last_day)  # the shop's dates: see dates.py
    except ValueError:
        parser.error(f"--last-day {args.last_day!r}: write YYYY-MM-DD or today")
    started, result = time.perf_counter(), dict[str, Any]()
    if args.apply_changes:
        result |= apply_changes(args.url, args.seed)
    else:
        result |= write_shop(args.url, args.scale, args.seed, dates.history_end)
        if dates.changes_at is not None:  # today's changes so far
            changes = apply_changes(args.url, args.seed, now=dates.changes_at)
            result |= {
                f"today: {k}": len(v) if isinstance(v, list) else v for k, v in changes.items()
            }
        record_last_day(args.url, dates)
        result["last_day"] = dates.last_day
    print("\n".join(f"{key}\t{value}" for key, value in result.items()))
    print(f"seconds\t{time.perf_counter() - started:.1f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
