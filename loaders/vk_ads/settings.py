"""VK Ads settings: the API, the client's credentials (or a ready token), the token file."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from loaders.common.ads_window import WindowSettings
from loaders.common.settings import REPO_ROOT, RunSettings, env, env_api_url, env_credential

DEFAULT_URL = "https://ads.vk.com"
DEFAULT_TOKEN_FILE = REPO_ROOT / ".secrets" / "vk_ads_token.json"
NEEDS = "set VK_ADS_CLIENT_ID and VK_ADS_CLIENT_SECRET, or VK_ADS_TOKEN"


@dataclass(frozen=True)
class VkAdsSettings:
    api_url: str
    client_id: str | None
    client_secret: str | None
    token: str | None
    token_file: Path
    window: WindowSettings

    def __repr__(self) -> str:  # the secrets never reach a log or a traceback
        return f"VkAdsSettings(api_url={self.api_url!r}, client_id={self.client_id!r})"

    @property
    def skip_reason(self) -> str | None:
        if self.token or (self.client_id and self.client_secret):
            return None
        return f"no credentials ({NEEDS})"

    @classmethod
    def from_env(cls, run: RunSettings | None = None) -> VkAdsSettings:
        return cls(
            api_url=env_api_url("VK_ADS_API_URL", DEFAULT_URL, DEFAULT_URL),
            client_id=env_credential("VK_ADS_CLIENT_ID"),
            client_secret=env_credential("VK_ADS_CLIENT_SECRET"),
            token=env_credential("VK_ADS_TOKEN"),
            token_file=Path(env("VK_ADS_TOKEN_FILE") or DEFAULT_TOKEN_FILE),
            window=WindowSettings.from_env(),
        )
