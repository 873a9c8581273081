"""Which values are secrets and how a text is masked: the one rule for the loaders, ops and the
dbt adapter (it lives here because the adapter imports this package and nothing of dlt).

A secret is:
- the value of every variable whose name says so (PASSWORD, PASSWD, TOKEN, SECRET,
  CREDENTIAL, API_KEY, PRIVATE_KEY, in any case);
- the password of every `*_URL` variable, as written, decoded and encoded;
- all of a webhook URL (a variable named `*WEBHOOK*_URL`): its path and query carry the token
  (`https://api.telegram.org/bot<token>/sendMessage`), so the URL, its path and each path
  segment that holds a digit are secrets;
- every value registered at run time (the VK Ads tokens read from their file or minted).

`redact(text)` replaces each known secret with `***` (longest first), and also masks what
looks like a secret even if it was never registered: a URL's password, `password=`,
`token=`, `secret=` pairs (also `"client_secret": "..."`), and `Bearer <token>`.
"""

from __future__ import annotations

import os
import re
import threading
from collections.abc import Iterable, Mapping
from urllib.parse import urlsplit

from warehouse_client import url_secrets

__all__ = [
    "environment_secrets",
    "is_secret_name",
    "redact",
    "register",
    "register_environment",
    "registered",
    "url_secrets",
]

SECRET_NAME = re.compile(r"PASSWORD|PASSWD|TOKEN|SECRET|CREDENTIAL|API_KEY|PRIVATE_KEY", re.I)
WEBHOOK_NAME = re.compile(r"WEBHOOK\w*_URL$", re.I)
URL_NAME = re.compile(r"_URL$", re.I)
# values shorter than this would mask ordinary words
MIN_LENGTH = 4

# scheme://user:password@host: the password runs to the LAST '@' before the host, so '/',
# '@', '#' or '%' inside it are masked too
_URL_PASSWORD = re.compile(
    r"(?P<head>[a-z][a-z0-9+.-]*://[^:/@\s]*):[^\s]*@(?=[^@\s]*(\s|$|['\")]))", re.I
)
_SECRET_KEY = r"password|passwd|token|secret"
# key=value (query strings, forms) and "key": "value" (JSON, Python reprs of dicts)
_PAIR = re.compile(rf"(?P<key>\w*(?:{_SECRET_KEY})\w*)=[^&\s'\",;]+", re.I)
_QUOTED_PAIR = re.compile(
    rf"(?P<key>[\"']\w*(?:{_SECRET_KEY})\w*[\"']\s*:\s*)(?P<quote>[\"'])[^\"']*(?P=quote)", re.I
)
_BEARER = re.compile(r"\b(?P<scheme>Bearer|OAuth)\s+[A-Za-z0-9._~+/=-]{4,}", re.I)

_lock = threading.Lock()
_secrets: set[str] = set()


def is_secret_name(name: str) -> bool:
    return bool(SECRET_NAME.search(name))


def webhook_secrets(url: str) -> list[str]:
    """A webhook URL is a secret as a whole: itself, what follows its scheme, its path and
    query, and every path segment with a digit in it (a bot token, a Slack key)."""
    parts = urlsplit(url)
    found = [url, url.partition("://")[2]]
    tail = parts.path + (f"?{parts.query}" if parts.query else "")
    if tail.strip("/"):
        found.append(tail)
    found += [s for s in parts.path.split("/") if any(c.isdigit() for c in s)]
    found += url_secrets(url)
    return found


def environment_secrets(environ: Mapping[str, str] | None = None) -> list[str]:
    """Every secret the environment holds (the rules in the module docstring)."""
    environ = os.environ if environ is None else environ
    found: list[str] = []
    for name, value in environ.items():
        if not value or name.startswith("DBT_ENV_SECRET"):  # dbt's own, masked by dbt
            continue
        if WEBHOOK_NAME.search(name):
            found += webhook_secrets(value.strip())
        elif URL_NAME.search(name):
            found += url_secrets(value.strip())
        elif is_secret_name(name):
            found += [value, value.strip()]
    return [s for s in dict.fromkeys(found) if len(s) >= MIN_LENGTH]


def register(values: Iterable[str | None]) -> None:
    """Mask these exact values in every text from now on."""
    with _lock:
        _secrets.update(v for v in values if v and len(v) >= MIN_LENGTH)


def register_environment(environ: Mapping[str, str] | None = None) -> None:
    register(environment_secrets(environ))


def registered() -> frozenset[str]:
    with _lock:
        return frozenset(_secrets)


def redact(text: str) -> str:
    """The text with every known secret and everything that looks like one as `***`."""
    for secret in sorted(registered(), key=len, reverse=True):
        text = text.replace(secret, "***")
    text = _URL_PASSWORD.sub(r"\g<head>:***@", text)
    text = _PAIR.sub(r"\g<key>=***", text)
    text = _QUOTED_PAIR.sub(r"\g<key>\g<quote>***\g<quote>", text)
    return _BEARER.sub(r"\g<scheme> ***", text)
