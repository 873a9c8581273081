"""VK API `users.get` on dlt's REST client: errors in 200 bodies raised by one hook.

Codes 6 (too many requests per second), 9 (flood control) and 10 (internal error) are
retried by dlt with its backoff, like HTTP 5xx and timeouts; 5 (authorization failed) and 29
(daily quota) stop the source. The token travels only in the Authorization header.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from typing import Any

from dlt.sources.helpers.rest_client.auth import BearerTokenAuth
from requests import Response

from loaders.common.http import ApiError, BodyErrorHook, MalformedResponse, rest_client
from loaders.vk.settings import API_VERSION, VkSettings

FIELDS = "sex,bdate,city,occupation,career"
RETRY_CODES = frozenset({6, 9, 10})
AUTH_FAILED, QUOTA_REACHED = 5, 29
# per-record codes: when a whole batch is refused with one, none of its ids has a profile
RECORD_CODES = frozenset({18, 30, 113})


class VkApiError(ApiError):
    """`{"error": {"error_code", "error_msg"}}` in a VK answer."""


class VkErrorHook(BodyErrorHook):
    """Turns VK's HTTP-200 error bodies into VkApiError; retryable for 6, 9 and 10."""

    def __init__(self, secret: str) -> None:
        super().__init__("vk")
        self._secret = secret

    def error_in(self, body: Any, response: Response) -> ApiError | None:
        if not isinstance(body, dict) or "error" not in body:
            return None
        error = body["error"] if isinstance(body["error"], dict) else {}
        code = error.get("error_code")
        text = str(error.get("error_msg") or "no message").splitlines()[0][:200]
        if self._secret:
            text = text.replace(self._secret, "***")
        return VkApiError(f"VK error {code}: {text}", code=code, retryable=code in RETRY_CODES)


class VkApi:
    """users.get calls, at least `min_gap_seconds` apart (VK allows 3 calls/s per token)."""

    def __init__(self, settings: VkSettings) -> None:
        auth = BearerTokenAuth(token=settings.token)
        self._client = rest_client(settings.api_url, auth=auth, hooks=[VkErrorHook(settings.token)])
        self._min_gap = settings.min_gap_seconds
        self._last_call = float("-inf")
        self.calls = 0  # users.get requests that got an answer, retries not counted

    def users_get(self, ids: Sequence[int]) -> list[dict[str, Any]]:
        """The users VK returned for these ids (maybe fewer: VK drops invalid ids silently).

        Raises VkApiError, MalformedResponse, or a requests error after dlt's retries.
        """
        wait = self._last_call + self._min_gap - time.monotonic()
        if wait > 0:
            time.sleep(wait)
        form = {"user_ids": ",".join(map(str, ids)), "fields": FIELDS, "v": API_VERSION}
        try:
            response = self._client.post("users.get", data=form)
        except VkApiError as error:
            if error.code in RECORD_CODES:
                return []  # e.g. 113 when every id of the batch is invalid
            raise
        finally:
            self._last_call = time.monotonic()
        self.calls += 1
        return users_in(response.decoded)  # type: ignore[attr-defined]


def users_in(body: Any) -> list[dict[str, Any]]:
    """The user objects of a `{"response": [...]}` answer, each with an integer `id`."""
    users = body.get("response") if isinstance(body, dict) else None
    if not isinstance(users, list):
        raise MalformedResponse('unexpected answer: no "response" list')
    for user in users:
        if not isinstance(user, dict) or type(user.get("id")) is not int:
            raise MalformedResponse("unexpected answer: a user without an integer id")
    return users
