"""One-line, secret-free messages for the failures a user can act on."""

from __future__ import annotations

import re

from dlt.pipeline.exceptions import PipelineStepFailed
from warehouse_client import WarehouseError

_URL_PASSWORD = re.compile(r"(?P<scheme>[a-z][a-z0-9+.-]*://[^:/@\s]*):[^@\s]*@", re.IGNORECASE)
_PASSWORD_ARG = re.compile(r"(password|passwd|token|secret)=[^&\s'\"]+", re.IGNORECASE)


class ActionableError(RuntimeError):
    """An error whose message already says what failed and what to do."""


def redact(text: str) -> str:
    """Drop passwords from URLs and key=value pairs in a message."""
    text = _URL_PASSWORD.sub(r"\g<scheme>:***@", text)
    return _PASSWORD_ARG.sub(r"\1=***", text)


def root_cause(error: BaseException) -> BaseException:
    """The innermost exception: dlt wraps the real cause in several layers."""
    while True:
        inner = error.__cause__
        if isinstance(error, PipelineStepFailed) and error.exception is not None:
            inner = error.exception
        if inner is None or inner is error:
            return error
        error = inner


def one_line(error: BaseException) -> str:
    """The first line of the root cause, secrets removed."""
    cause = root_cause(error)
    text = str(cause).strip().splitlines()[0] if str(cause).strip() else type(cause).__name__
    if isinstance(cause, ActionableError | WarehouseError):
        return redact(text)
    return redact(f"{type(cause).__name__}: {text}")
