"""Yandex Direct settings: the API, the OAuth token, the agency's client login, the report
timeout."""

from __future__ import annotations

from dataclasses import dataclass

from loaders.common.ads_window import WindowSettings
from loaders.common.settings import RunSettings, env_api_url, env_credential, env_float

DEFAULT_URL = "https://api.direct.yandex.com/json/v5"
NEEDS = "set DIRECT_TOKEN, and DIRECT_CLIENT_LOGIN for an agency account"


@dataclass(frozen=True)
class DirectSettings:
    api_url: str
    token: str | None
    client_login: str | None
    report_timeout: float  # seconds to wait for an offline report
    window: WindowSettings

    def __repr__(self) -> str:  # the token never reaches a log or a traceback
        return f"DirectSettings(api_url={self.api_url!r}, client_login={self.client_login!r})"

    @property
    def skip_reason(self) -> str | None:
        return None if self.token else f"no credentials ({NEEDS})"

    @classmethod
    def from_env(cls, run: RunSettings | None = None) -> DirectSettings:
        return cls(
            api_url=env_api_url("DIRECT_API_URL", DEFAULT_URL, DEFAULT_URL),
            token=env_credential("DIRECT_TOKEN"),
            client_login=env_credential("DIRECT_CLIENT_LOGIN"),
            report_timeout=env_float("DIRECT_REPORT_TIMEOUT", 1800.0, 1.0, 86_400.0),
            window=WindowSettings.from_env(),
        )
