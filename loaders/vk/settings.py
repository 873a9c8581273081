"""VK API settings from the environment, validated before any call is made."""

from __future__ import annotations

import os
from dataclasses import dataclass
from urllib.parse import urlsplit

from loaders.common.errors import ActionableError

DEFAULT_API_URL = "https://api.vk.com/method"
API_VERSION = "5.199"
MAX_BATCH_SIZE = 1000  # users.get takes at most 1000 ids per call


class VkSettingsError(ActionableError):
    pass


@dataclass(frozen=True)
class VkSettings:
    api_url: str  # up to /method; the loader calls {api_url}/users.get
    token: str = ""  # empty: the source is skipped
    refresh_days: float = 30.0  # a fetched outcome older than this is fetched again
    batch_size: int = MAX_BATCH_SIZE
    min_gap_seconds: float = 0.34  # VK allows 3 calls/s per token

    def __repr__(self) -> str:  # the token never reaches a log or a traceback
        return (
            f"VkSettings(api_url={self.api_url!r}, token={'***' if self.token else ''!r}, "
            f"refresh_days={self.refresh_days}, batch_size={self.batch_size}, "
            f"min_gap_seconds={self.min_gap_seconds})"
        )

    __str__ = __repr__

    @classmethod
    def from_env(cls) -> VkSettings:
        api_url = (os.environ.get("VK_API_URL") or DEFAULT_API_URL).strip().rstrip("/")
        parts = urlsplit(api_url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise VkSettingsError(
                f"VK_API_URL must be an http(s) URL up to /method (e.g. {DEFAULT_API_URL}), "
                f"got {parts.scheme or '?'}://{parts.hostname or '?'}{parts.path}"
            )
        if parts.query or parts.username or parts.password:
            raise VkSettingsError(
                "VK_API_URL must not carry a query string or credentials: put the token in VK_TOKEN"
            )
        return cls(
            api_url=api_url,
            token=(os.environ.get("VK_TOKEN") or "").strip(),
            refresh_days=_number("VK_REFRESH_DAYS", 30.0, low=0.0),
            batch_size=int(
                _number("VK_BATCH_SIZE", MAX_BATCH_SIZE, low=1, high=MAX_BATCH_SIZE, whole=True)
            ),
            min_gap_seconds=_number("VK_MIN_GAP_SECONDS", 0.34, low=0.0, high=60.0),
        )


def _number(
    name: str, default: float, low: float, high: float | None = None, whole: bool = False
) -> float:
    raw = (os.environ.get(name) or "").strip()
    if not raw:
        return default
    try:
        value = int(raw) if whole else float(raw)
    except ValueError:
        value = None
    if value is None or value != value or value < low or (high is not None and value > high):
        bounds = f"{low:g}..{high:g}" if high is not None else f">= {low:g}"
        kind = "a whole number" if whole else "a number"
        raise VkSettingsError(f"{name} must be {kind} {bounds}, got {raw!r}")
    return value
