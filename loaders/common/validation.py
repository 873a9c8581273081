"""The checks an ad platform's answer passes before it may replace a window of days.

A reload replaces every warehouse row of its days (loaders.common.ads_window), so an answer
that is cut off, empty by accident or wrong in one row would silently replace good data.
Every platform's parser reads each value through an `AnswerCheck`, which fails the source at
the first bad value with one line naming the platform, the call and the row:

    yandex_direct: bad answer from /reports (2026-11-16..2026-11-22): row 3 (AdId 7, Date
    2026-11-18): Impressions '12.7' is a fraction where a whole number belongs; nothing was
    written and the state did not move: the same days are read again on the next run

The rules: required keys are present; a day is a real `YYYY-MM-DD` inside the days asked
for; counts are whole numbers >= 0 (12.0 is 12; 12.7 is an error, never truncated);
ids are whole numbers > 0; money is a finite decimal >= 0; one row per (ad, day). The error
is raised while dlt extracts, before anything is normalized or loaded, so nothing is written
and the saved state (the last loaded day) stays where it was.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any, NoReturn

from loaders.common.ads_window import Window
from loaders.common.errors import ActionableError

_WHOLE = re.compile(r"[0-9]+")
_ISO_DAY = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
FRACTION = "is a fraction where a whole number belongs"
NOTHING_WRITTEN = (
    "nothing was written and the state did not move: the same days are read again on the next run"
)


class InvalidAnswer(ActionableError):
    """An answer that breaks the protocol or the rules above; never retried."""


def _shown(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."


@dataclass
class AnswerCheck:
    """Reads the values of one platform's answers; `call` and `window` name the request."""

    platform: str
    call: str
    window: Window | None  # the days asked for; None for answers without days (lists)
    seen: dict[tuple[Any, ...], str] = field(default_factory=dict)  # (ad, day) -> its row

    def fail(self, where: str, problem: str) -> NoReturn:
        days = f" ({self.window.date_from}..{self.window.date_to})" if self.window else ""
        raise InvalidAnswer(
            f"{self.platform}: bad answer from {self.call}{days}: {where}: {problem}; "
            + NOTHING_WRITTEN
        )

    def key(self, obj: Any, name: str, where: str) -> Any:
        """obj[name] of a JSON object that must have it."""
        if not isinstance(obj, dict):
            self.fail(where, f"expected an object, got {type(obj).__name__}")
        if name not in obj or obj[name] is None:
            self.fail(where, f"required key `{name}` is missing")
        return obj[name]

    def items(self, obj: Any, name: str, where: str) -> list[Any]:
        """obj[name], a list that must be there (an empty list is an answer; no list is not)."""
        value = self.key(obj, name, where)
        if not isinstance(value, list):
            self.fail(where, f"`{name}` is {type(value).__name__}, not a list")
        return value

    def day(self, value: Any, name: str, where: str) -> date:
        """A real YYYY-MM-DD day inside the window asked for."""
        try:
            if not isinstance(value, str) or not _ISO_DAY.fullmatch(value):
                raise ValueError
            day = date.fromisoformat(value)
        except ValueError:
            self.fail(where, f"{name} {_shown(value)} is not a date YYYY-MM-DD")
        if self.window and not self.window.date_from <= day <= self.window.date_to:
            self.fail(where, f"{name} {day} is outside the days asked for")
        return day

    def count(self, value: Any, name: str, where: str) -> int:
        """A whole number >= 0: an int, an integral float, or its decimal text."""
        number = self._whole(value, name, where)
        if number < 0:
            self.fail(where, f"{name} {_shown(value)} is negative")
        return number

    def ident(self, value: Any, name: str, where: str) -> int:
        """An id: a whole number > 0."""
        number = self._whole(value, name, where)
        if number <= 0:
            self.fail(where, f"{name} {_shown(value)} is not an id (a whole number > 0)")
        return number

    def money(self, value: Any, name: str, where: str) -> Decimal:
        """A finite decimal >= 0 (a number or its text; floats through their shortest text)."""
        if isinstance(value, bool) or not isinstance(value, int | float | str):
            self.fail(where, f"{name} {_shown(value)} is not a number")
        try:
            amount = Decimal(str(value).strip())
        except InvalidOperation:
            self.fail(where, f"{name} {_shown(value)} is not a number")
        if not amount.is_finite():
            self.fail(where, f"{name} {_shown(value)} is not a finite number")
        if amount < 0:
            self.fail(where, f"{name} {_shown(value)} is negative")
        return amount

    def unique(self, key: tuple[Any, ...], where: str) -> None:
        """One row per key (ad, day) across every call of this load."""
        if key in self.seen:
            self.fail(where, f"a second row for {key} (the first was {self.seen[key]})")
        self.seen[key] = where

    def _whole(self, value: Any, name: str, where: str) -> int:
        if isinstance(value, bool):
            self.fail(where, f"{name} {_shown(value)} is not a number")
        if isinstance(value, int):
            return value
        if isinstance(value, float):
            if not math.isfinite(value):
                self.fail(where, f"{name} {_shown(value)} is not a finite number")
            if not value.is_integer():
                self.fail(
                    where, f"{name} {_shown(value)} is a fraction where a whole number belongs"
                )
            return int(value)
        if isinstance(value, str):
            text = value.strip().removeprefix("-")
            if _WHOLE.fullmatch(text):
                return int(value.strip())
            try:
                fraction = Decimal(value.strip())
            except InvalidOperation:
                fraction = None
            if fraction is not None and fraction.is_finite():
                if fraction == fraction.to_integral_value():
                    return int(fraction)
                self.fail(
                    where, f"{name} {_shown(value)} is a fraction where a whole number belongs"
                )
        self.fail(where, f"{name} {_shown(value)} is not a whole number")
