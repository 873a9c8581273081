"""HTTP pieces every API loader shares (VK API, VK Ads, Yandex Direct): one retrying dlt REST
client, one status hook and one body-error hook base, both raising secret-free one-line errors.

Retries are dlt's own (`dlt.sources.helpers.requests.Client`: tenacity around the session's
`send`, exponential backoff capped by a maximum delay, `Retry-After` honoured). They are
configured through dlt's runtime settings, so the environment tunes every loader at once:

    RUNTIME__REQUEST_MAX_ATTEMPTS      attempts per request, first one included (dlt: 5)
    RUNTIME__REQUEST_BACKOFF_FACTOR    waits factor x 1, 2, 4, ... seconds (dlt: 1)
    RUNTIME__REQUEST_MAX_RETRY_DELAY   cap of one wait, Retry-After included (dlt: 300)
    RUNTIME__REQUEST_TIMEOUT           seconds per request (dlt: 60)

HTTP 429, 5xx, connection errors and timeouts are retried. The hooks run inside the retried
`send` and raise `ApiError`, an HTTPError carrying the response: dlt's retry sees its status
(429 / 5xx are retried like a bare answer), and an error whose `retryable` is true (VK's
flood codes in a 200 body, Direct's full report queue) is retried too; any other one stops
at once. When attempts run out, the last error is raised (never a bare response).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any
from urllib.parse import urlsplit

from dlt.common.configuration import resolve_configuration
from dlt.common.configuration.specs import RuntimeConfiguration
from dlt.sources.helpers.requests import Client
from dlt.sources.helpers.rest_client import RESTClient
from requests import HTTPError, Response
from requests.auth import AuthBase

from loaders.common.errors import ActionableError
from warehouse_client.secrets import redact

ResponseHook = Callable[..., None]  # requests calls it as hook(response, **kwargs)
Advice = Callable[[Response], str | None]  # what to do about an error answer, or None


class ApiError(HTTPError, ActionableError):
    """An error answer in one secret-free line: an HTTPError (so dlt's retry sees `response`)
    and an ActionableError (so the run's report prints the line as it is).

    `code` is the API's own error code; `retryable` makes dlt's retry try again.
    """

    def __init__(
        self,
        message: str,
        *,
        response: Response | None = None,
        code: int | str | None = None,
        retryable: bool = False,
    ) -> None:
        super().__init__(message, response=response)
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


def json_body(response: Response) -> Any:
    """The decoded JSON body, or MalformedResponse naming where it came from."""
    try:
        return response.json()
    except ValueError:  # json's and requests' JSONDecodeError both are ValueErrors
        size = len(response.content or b"")
        status = response.status_code
        raise MalformedResponse(
            f"malformed JSON from {where(response.url)} ({size} bytes, HTTP {status})",
            response=response,
        ) from None


def body_error_detail(body: Any) -> str:
    """The error code and message of a decoded JSON error body, whatever its shape."""
    error = body.get("error", body) if isinstance(body, dict) else body
    if isinstance(error, dict):
        code = error.get("error_code") or error.get("code") or ""
        text = error.get("error_string") or error.get("message") or error.get("error_msg") or ""
        detail = error.get("error_detail") or ""
        return " ".join(str(part) for part in (code, text, detail) if part)
    return str(error)[:200]


def error_detail(response: Response) -> str:
    """The error code and message of an error answer: its JSON error, else its first line."""
    try:
        body: Any = response.json()
    except ValueError:
        text = response.text.strip()
        return text.splitlines()[0][:200] if text else ""
    return body_error_detail(body)


def request_path(response: Response) -> str:
    """The path the answered request asked for, without its query string."""
    return response.request.path_url.split("?")[0] if response.request else ""


def _no_advice(response: Response) -> str | None:
    return None


def _never(response: Response) -> bool:
    return False


def raise_for_status(
    platform: str, advice: Advice = _no_advice, retryable: Callable[[Response], bool] = _never
) -> ResponseHook:
    """A response hook: an answer >= 400 raises ApiError, one line:
    "<platform>: HTTP <status> at <path>: <error code and text>; <advice>".

    429 and 5xx are retried by status; `retryable(response)` marks other answers worth
    another attempt (e.g. a full queue answered with 400).
    """

    def hook(response: Response, *args: Any, **kwargs: Any) -> None:
        if response.status_code < 400:
            return
        message = f"{platform}: HTTP {response.status_code} at {request_path(response)}"
        if detail := error_detail(response):
            message += f": {detail}"
        if hint := advice(response):
            message += f"; {hint}"
        raise ApiError(redact(message), response=response, retryable=retryable(response))

    return hook


class BodyErrorHook:
    """Base of a response hook for APIs that answer errors inside a 200 JSON body.

    Subclasses implement `error_in(body, response)`: an ApiError for an error body, None for
    a good one. The hook raises error statuses first (`raise_for_status(platform, ...)`, so
    429/5xx stay dlt retries), then malformed JSON, then the API's own error. The decoded
    body is kept on the response (`response.decoded`) so the caller does not parse it twice.
    """

    def __init__(
        self,
        platform: str,
        advice: Advice = _no_advice,
        retryable: Callable[[Response], bool] = _never,
    ) -> None:
        self.raise_for_status = raise_for_status(platform, advice, retryable)

    def __call__(self, response: Response, *args: Any, **kwargs: Any) -> None:
        self.raise_for_status(response)
        body = json_body(response)
        error = self.error_in(body, response)
        if error is not None:
            if error.response is None:
                error.response = response
            raise error
        response.decoded = body  # type: ignore[attr-defined]

    def error_in(self, body: Any, response: Response) -> ApiError | None:
        raise NotImplementedError


def retry_api_errors(response: Response | None, exception: BaseException | None) -> bool:
    """dlt retry predicate: retry an ApiError that says it is retryable."""
    return isinstance(exception, ApiError) and exception.retryable


def rest_client(
    base_url: str,
    *,
    auth: AuthBase | None = None,
    headers: dict[str, str] | None = None,
    hooks: Sequence[ResponseHook] = (),
) -> RESTClient:
    """A dlt RESTClient on a session retried by dlt with the RUNTIME__REQUEST_* settings.

    `hooks` become the session's response hooks, run inside every retried attempt; a call
    that passes its own `hooks={"response": [...]}` (as paginate always does) uses those
    instead. Pass credentials as `auth` (e.g. dlt's BearerTokenAuth): dlt logs request
    headers and bodies at debug level, never the auth object.
    """
    client = Client(raise_for_status=False, retry_condition=retry_api_errors)  # hooks raise
    client.update_from_config(resolve_configuration(RuntimeConfiguration()))
    session = client.session
    session.hooks["response"] = list(hooks)
    return RESTClient(base_url=base_url, headers=headers, auth=auth, session=session)
