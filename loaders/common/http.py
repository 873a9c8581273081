"""HTTP pieces every API loader shares: a retrying dlt REST client, in-body error hooks, and
secret-free one-line HTTP errors.

Retries are dlt's own (`dlt.sources.helpers.requests.Client`: tenacity around the session's
`send`, exponential backoff capped by a maximum delay, `Retry-After` honoured). They are
configured through dlt's runtime settings, so the environment tunes every loader at once:

    RUNTIME__REQUEST_MAX_ATTEMPTS      attempts per request, first one included (dlt: 5)
    RUNTIME__REQUEST_BACKOFF_FACTOR    waits factor x 1, 2, 4, ... seconds (dlt: 1)
    RUNTIME__REQUEST_MAX_RETRY_DELAY   cap of one wait, Retry-After included (dlt: 300)
    RUNTIME__REQUEST_TIMEOUT           seconds per request (dlt: 60)

HTTP 429, 5xx, connection errors and timeouts are retried. APIs that report errors inside an
HTTP 200 body (VK API) subclass `BodyErrorHook`: the hook runs inside the retried `send`, so
an `ApiError` whose `retryable` is true is retried exactly like a 5xx, and any other one
stops at once. When attempts run out, the last error is raised (never a bare response).
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Sequence
from typing import Any
from urllib.parse import urlsplit

from dlt.common.configuration import resolve_configuration
from dlt.common.configuration.specs import RuntimeConfiguration
from dlt.sources.helpers.requests import Client, Response
from dlt.sources.helpers.rest_client import RESTClient
from requests import HTTPError
from requests.auth import AuthBase

log = logging.getLogger(__name__)


class ApiError(RuntimeError):
    """An error the API reported (in a 200 body or as an error status), secrets removed.

    `code` is the API's own code; `retryable` decides whether dlt's retry tries again.
    """

    def __init__(self, message: str, code: int | str | None = None, retryable: bool = False):
        super().__init__(message)
        self.code = code
        self.retryable = retryable


class MalformedResponse(ApiError):
    """A body that is not the JSON the protocol promises (never retried)."""


def where(url: str | None) -> str:
    """Host and path of a URL, without query string or credentials: safe for any message."""
    parts = urlsplit(url or "")
    host = parts.hostname or "?"
    port = f":{parts.port}" if parts.port else ""
    return f"{host}{port}{parts.path}"


def describe_http_error(error: BaseException) -> str:
    """One secret-free line for a requests failure (status, host and path; no query, no body)."""
    if isinstance(error, HTTPError) and error.response is not None:
        response = error.response
        return f"HTTP {response.status_code} {response.reason or ''} from {where(response.url)}"
    request = getattr(error, "request", None)
    return f"{type(error).__name__} calling {where(getattr(request, 'url', None))}"


def raise_for_error_status(response: Response, *args: Any, **kwargs: Any) -> Response:
    """Raise requests' HTTPError (with the response, so status retries see it) on 4xx/5xx."""
    if response.status_code >= 400:
        raise HTTPError(
            f"HTTP {response.status_code} from {where(response.url)}", response=response
        )
    return response


def json_body(response: Response) -> Any:
    """The decoded JSON body, or MalformedResponse naming where it came from."""
    try:
        return response.json()
    except (ValueError, json.JSONDecodeError):
        size = len(response.content or b"")
        raise MalformedResponse(
            f"malformed JSON from {where(response.url)} ({size} bytes, HTTP {response.status_code})"
        ) from None


class BodyErrorHook:
    """Base of a requests response hook for APIs that answer errors inside a 200 body.

    Subclasses implement `error_in(body)`: return an ApiError for an error body, None for a
    good one. The hook raises error statuses first (so 429/5xx stay dlt retries), then
    malformed JSON, then the API's own error. The decoded body is kept on the response
    (`response.decoded`) so the caller does not parse it twice.
    """

    def __call__(self, response: Response, *args: Any, **kwargs: Any) -> Response:
        raise_for_error_status(response)
        body = json_body(response)
        error = self.error_in(body)
        if error is not None:
            raise error
        response.decoded = body  # type: ignore[attr-defined]
        return response

    def error_in(self, body: Any) -> ApiError | None:
        raise NotImplementedError


def retry_api_errors(response: Response | None, exception: BaseException | None) -> bool:
    """dlt retry predicate: retry an ApiError that says it is retryable."""
    return isinstance(exception, ApiError) and exception.retryable


def rest_client(
    base_url: str,
    *,
    auth: AuthBase | None = None,
    headers: dict[str, str] | None = None,
    hooks: Sequence[Callable[..., Any]] = (raise_for_error_status,),
    retry_condition: Callable[[Response | None, BaseException | None], bool] = retry_api_errors,
) -> RESTClient:
    """A dlt RESTClient on a retrying session with the project's settings.

    `hooks` are response hooks run inside every retried attempt: by default error statuses
    raise; an API with errors in 200 bodies passes its BodyErrorHook instead. Pass
    credentials as `auth` (e.g. dlt's BearerTokenAuth): dlt logs request headers and bodies
    at debug level, never the auth object.
    """
    config = resolve_configuration(RuntimeConfiguration())
    session = Client(
        raise_for_status=False,  # the hooks raise, inside the retry
        retry_condition=retry_condition,
        request_timeout=config.request_timeout,
        request_max_attempts=config.request_max_attempts,
        request_backoff_factor=config.request_backoff_factor,
        request_max_retry_delay=config.request_max_retry_delay,
    ).session
    session.hooks["response"] = list(hooks)
    return RESTClient(base_url=base_url, headers=headers, auth=auth, session=session)
