"""VK Ads OAuth tokens: minted once, kept in a file only the job's user can read, refreshed.

The platform allows 5 live tokens per client, so a run never mints a token when one is
stored: `client_credentials` only when the token file is absent, `refresh_token` when the
access token has expired (or an API call answers 401 expired_token). The pair lives in
VK_ADS_TOKEN_FILE (default <repo>/.secrets/vk_ads_token.json, git-ignored, mode 600); never
in the warehouse or a log. A ready VK_ADS_TOKEN is used as it is (nothing stored).
"""

from __future__ import annotations

import json
import logging
import os
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from dlt.sources.helpers.rest_client import RESTClient
from requests import PreparedRequest, Response
from requests.auth import AuthBase

from loaders.common.errors import ActionableError
from loaders.common.http import ApiError, raise_for_status
from warehouse_client.secrets import register

log = logging.getLogger("loaders.vk_ads")

TOKEN_PATH = "/api/v2/oauth2/token.json"
EXPIRY_MARGIN = 300  # seconds: refresh a token this close to its end before using it
TOKEN_LIMIT_ADVICE = (
    "VK Ads allows 5 live tokens per client and all are taken: free one by deleting this"
    " client's tokens (POST /api/v2/oauth2/token/delete.json with client_id and client_secret,"
    " or in the VK Ads cabinet under Settings → API access), then re-run"
)


@dataclass
class TokenPair:
    access_token: str
    refresh_token: str | None
    expires_at: float

    def __post_init__(self) -> None:
        register([self.access_token, self.refresh_token])  # masked in every line from now on

    def __repr__(self) -> str:
        return f"TokenPair(expires_at={self.expires_at})"

    @classmethod
    def from_answer(cls, answer: dict[str, Any], old_refresh: str | None = None) -> TokenPair:
        return cls(
            access_token=str(answer["access_token"]),
            refresh_token=answer.get("refresh_token") or old_refresh,
            expires_at=time.time() + float(answer.get("expires_in") or 86400),
        )


class TokenFile:
    """A JSON token pair in a file of mode 600 inside a directory of mode 700."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def read(self) -> TokenPair | None:
        if not self.path.exists():
            return None
        if self.path.stat().st_mode & 0o077:
            os.chmod(self.path, 0o600)  # someone widened it: only the job's user may read it
        try:
            data = json.loads(self.path.read_text())
            return TokenPair(data["access_token"], data.get("refresh_token"), data["expires_at"])
        except (ValueError, KeyError) as error:
            raise ActionableError(
                f"vk_ads: token file {self.path} is unreadable ({type(error).__name__}); delete it"
                " and re-run (a new token is minted)"
            ) from None

    def write(self, pair: TokenPair) -> None:
        self.path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        temp = self.path.with_name(self.path.name + ".tmp")
        fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w") as out:
            os.fchmod(out.fileno(), 0o600)
            json.dump(pair.__dict__, out)
        os.replace(temp, self.path)


class NoAuth(AuthBase):
    """The token endpoint itself takes no Bearer token."""

    def __call__(self, request: PreparedRequest) -> PreparedRequest:
        return request


class VkAdsTokens(AuthBase):
    """requests auth: a Bearer token that is minted, refreshed and re-sent on 401 expired."""

    def __init__(
        self,
        client: RESTClient,
        client_id: str | None,
        client_secret: str | None,
        store: TokenFile | None,
        fixed_token: str | None = None,
    ) -> None:
        self.client = client
        self.client_id = client_id
        self.client_secret = client_secret
        self.store = store
        self.pair: TokenPair | None = None
        if fixed_token:
            self.pair = TokenPair(fixed_token, None, float("inf"))
        self.refreshed = 0

    # -- token endpoint

    def _grant(self, form: dict[str, str], what: str) -> dict[str, Any]:
        def advice(response: Response) -> str | None:
            if response.status_code == 403:
                return TOKEN_LIMIT_ADVICE
            if response.status_code in (400, 401):
                return "check VK_ADS_CLIENT_ID and VK_ADS_CLIENT_SECRET"
            return None

        form = {
            **form,
            "client_id": self.client_id or "",
            "client_secret": self.client_secret or "",
        }
        response = self.client.post(
            TOKEN_PATH,
            data=form,
            auth=NoAuth(),
            hooks={"response": [raise_for_status(f"vk_ads {what}", advice)]},
        )
        answer: dict[str, Any] = response.json()
        return answer

    def _mint(self) -> TokenPair:
        log.info("vk_ads: no stored token; requesting one with client_credentials")
        return TokenPair.from_answer(self._grant({"grant_type": "client_credentials"}, "token"))

    def _refresh(self) -> TokenPair:
        assert self.pair is not None
        if not self.pair.refresh_token or not self.client_id:
            raise ActionableError(
                "vk_ads: the access token expired and cannot be refreshed; set a new VK_ADS_TOKEN"
                " or VK_ADS_CLIENT_ID and VK_ADS_CLIENT_SECRET"
            )
        log.info("vk_ads: access token expired; refreshing it")
        form = {"grant_type": "refresh_token", "refresh_token": self.pair.refresh_token}
        try:
            answer = self._grant(form, "token refresh")
        except ApiError as error:
            if error.response is None or error.response.status_code not in (400, 401):
                raise
            log.info("vk_ads: the stored refresh token was rejected; requesting a new token")
            return self._mint()
        return TokenPair.from_answer(answer, old_refresh=self.pair.refresh_token)

    def _save(self, pair: TokenPair) -> None:
        self.pair = pair
        if self.store is not None:
            self.store.write(pair)

    def access_token(self) -> str:
        if self.pair is None and self.store is not None:
            self.pair = self.store.read()
        if self.pair is None:
            self._save(self._mint())
        elif self.pair.expires_at - EXPIRY_MARGIN < time.time():
            self._save(self._refresh())
        assert self.pair is not None
        return self.pair.access_token

    def refresh_now(self) -> str:
        """After a 401 expired_token: refresh (at most a few times per run)."""
        self.refreshed += 1
        if self.refreshed > 3:
            raise ActionableError("vk_ads: the API keeps rejecting fresh tokens (401); try later")
        if self.pair is None:
            return self.access_token()
        self._save(self._refresh())
        return self.pair.access_token

    # -- requests auth

    def __call__(self, request: PreparedRequest) -> PreparedRequest:
        request.headers["Authorization"] = f"Bearer {self.access_token()}"
        request.register_hook("response", self._resend_if_expired)
        return request

    def _resend_if_expired(self, response: Response, **kwargs: Any) -> Response | None:
        if response.status_code != 401 or not _says_expired(response, self.store is not None):
            return None
        request = response.request.copy()
        request.headers["Authorization"] = f"Bearer {self.refresh_now()}"
        request.hooks = {"response": []}  # the retried answer goes through the caller's hooks
        response.content  # noqa: B018  (release the connection before re-sending)
        again: Response = response.connection.send(request, **kwargs)
        again.history.append(response)
        again.request = request
        return again


def _says_expired(response: Response, stored: bool) -> bool:
    """401 expired_token; with a stored pair also invalid_token (revoked, e.g. deleted to free
    a slot): a refresh, else a new token, replaces it."""
    try:
        body = response.json()
    except ValueError:
        return False
    error = body.get("error", body) if isinstance(body, dict) else {}
    code = error.get("code") if isinstance(error, dict) else error
    return code == "expired_token" or (stored and code == "invalid_token")
