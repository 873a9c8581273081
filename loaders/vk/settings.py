"""VK API settings from the environment, validated before any call is made."""

from __future__ import annotations

from dataclasses import dataclass

from loaders.common.settings import RunSettings, env_api_url, env_credential, env_float, env_int

DEFAULT_API_URL = "https://api.vk.com/method"
API_VERSION = "5.199"
MAX_BATCH_SIZE = 1000  # users.get takes at most 1000 ids per call


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

    @property
    def skip_reason(self) -> str | None:
        return None if self.token else "VK_TOKEN is not set (set it to load VK profiles)"

    @classmethod
    def from_env(cls, run: RunSettings | None = None) -> VkSettings:
        return cls(
            api_url=env_api_url("VK_API_URL", DEFAULT_API_URL, f"{DEFAULT_API_URL} (to /method)"),
            token=env_credential("VK_TOKEN") or "",
            refresh_days=env_float("VK_REFRESH_DAYS", 30.0, 0.0, 36_500.0),
            batch_size=env_int("VK_BATCH_SIZE", MAX_BATCH_SIZE, 1, MAX_BATCH_SIZE),
            min_gap_seconds=env_float("VK_MIN_GAP_SECONDS", 0.34, 0.0, 60.0),
        )
