"""One-line, secret-free messages for the failures a user can act on."""

from __future__ import annotations

import logging
import os
import re

from dlt.pipeline.exceptions import PipelineStepFailed

from warehouse_client import WarehouseError, url_secrets

# scheme://user:password@host: the password runs to the LAST '@' before the host, so '/',
# '@', '#' or '%' inside it are masked too
_URL_PASSWORD = re.compile(
    r"(?P<head>[a-z][a-z0-9+.-]*://[^:/@\s]*):[^\s]*@(?=[^@\s]*(\s|$|['\")]))", re.IGNORECASE
)
_PASSWORD_ARG = re.compile(r"(password|passwd|token|secret)=[^&\s'\"]+", re.IGNORECASE)
_SECRET_NAME = re.compile(r"(PASSWORD|TOKEN|SECRET)", re.IGNORECASE)
# values shorter than this would mask ordinary words
_MIN_SECRET = 4

_secrets: set[str] = set()


class ActionableError(RuntimeError):
    """An error whose message already says what failed and what to do."""


def register_secret(value: str | None) -> None:
    """Mask this exact value in every message from now on."""
    if value and len(value) >= _MIN_SECRET:
        _secrets.add(value)


def register_environment_secrets() -> None:
    """The password of every `*_URL` variable, in every form, and every password / token /
    secret variable (VK_TOKEN, DIRECT_TOKEN, DATALENS_PASSWORD, ...)."""
    for name, value in os.environ.items():
        if name.endswith("_URL"):
            for secret in url_secrets(value):
                register_secret(secret)
        elif _SECRET_NAME.search(name):
            register_secret(value)


def redact(text: str) -> str:
    """Drop passwords from URLs and key=value pairs, and every known secret, in a message."""
    for secret in sorted(_secrets, key=len, reverse=True):
        text = text.replace(secret, "***")
    text = _URL_PASSWORD.sub(r"\g<head>:***@", text)
    return _PASSWORD_ARG.sub(r"\1=***", text)


class RedactingFilter(logging.Filter):
    """Log records with every known secret masked (dlt and SQLAlchemy log URLs too)."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        redacted = redact(message)
        if redacted != message:
            record.msg, record.args = redacted, None
        return True


def redact_logs() -> None:
    """Mask secrets in everything the root logger's handlers write."""
    for handler in logging.getLogger().handlers:
        handler.addFilter(RedactingFilter())


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
