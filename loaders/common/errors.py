"""One-line, secret-free messages for the failures a user can act on."""

from __future__ import annotations

from dlt.pipeline.exceptions import PipelineStepFailed

from warehouse_client import WarehouseError
from warehouse_client.secrets import redact


class ActionableError(RuntimeError):
    """An error whose message already says what failed and what to do."""


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
