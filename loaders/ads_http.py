"""HTTP plumbing for the ad-platform loaders, on dlt's REST client and its retrying session.

Generic on purpose (nothing here knows VK Ads or Direct), so it can merge with the other
HTTP sources' helpers: a session with dlt's retry/backoff (429 and 5xx, `Retry-After`
honoured, settings from `RUNTIME__REQUEST_*`), and a response hook that turns an error
answer into one actionable, secret-free line while keeping it retryable.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from typing import Any

from dlt.sources.helpers.requests.retry import Client, RetryPredicate
from dlt.sources.helpers.rest_client import RESTClient
from requests import HTTPError, Response, Session

from loaders.common.errors import ActionableError, redact

ResponseHook = Callable[[Response, Any, Any], None]


class ApiError(HTTPError, ActionableError):
    """An error answer: an HTTPError (so dlt's retry sees its response) with a one-line text."""


def retrying_session(
    retry_condition: RetryPredicate | Sequence[RetryPredicate] | None = None,
) -> Session:
    """A requests session retried by dlt: 429, 5xx, dropped connections, plus `retry_condition`.

    Attempts, backoff factor and the longest wait come from dlt's runtime settings
    (`RUNTIME__REQUEST_MAX_ATTEMPTS`, `..._BACKOFF_FACTOR`, `..._MAX_RETRY_DELAY`), so tests
    shrink them through the environment.
    """
    client = Client(raise_for_status=False, retry_condition=retry_condition)
    client.configure()
    return client.session


def rest_client(
    base_url: str, session: Session, headers: dict[str, str] | None = None
) -> RESTClient:
    return RESTClient(base_url=base_url, headers=headers, session=session)


def error_detail(response: Response) -> str:
    """The error code and message of a JSON error body, whatever its shape."""
    try:
        body: Any = response.json()
    except (ValueError, json.JSONDecodeError):
        return response.text.strip().splitlines()[0][:200] if response.text.strip() else ""
    error = body.get("error", body) if isinstance(body, dict) else body
    if isinstance(error, dict):
        code = error.get("error_code") or error.get("code") or ""
        text = error.get("error_string") or error.get("message") or error.get("error_msg") or ""
        detail = error.get("error_detail") or ""
        return " ".join(str(part) for part in (code, text, detail) if part)
    return str(error)[:200]


def raise_for_status(platform: str, advice: Callable[[Response], str | None]) -> ResponseHook:
    """A response hook: an answer >= 400 raises ApiError, one line:
    "<platform>: HTTP <status> at <path>: <error code and text>; <advice>"."""

    def hook(response: Response, *args: Any, **kwargs: Any) -> None:
        if response.status_code < 400:
            return
        path = response.request.path_url.split("?")[0] if response.request else ""
        message = f"{platform}: HTTP {response.status_code} at {path}"
        if detail := error_detail(response):
            message += f": {detail}"
        if hint := advice(response):
            message += f"; {hint}"
        raise ApiError(redact(message), response=response)

    return hook


def is_retryable(response: Response) -> bool:
    return response.status_code == 429 or response.status_code >= 500
