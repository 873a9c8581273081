"""Settings from the environment, parsed one way for every source and for ops.

A `.env` file in the repo root is read first (the environment wins). Every reader here
returns the typed value or raises ConfigError with one line that names the variable and
says what to write instead; `python -m loaders` and `make nightly` read every setting of
the run before anything starts.
"""

from __future__ import annotations

import json
import math
import os
import tempfile
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from dotenv import load_dotenv

from loaders.common.errors import ActionableError
from warehouse_client import chdb_path, normalize_url, redact_url
from warehouse_client.cluster import check_cluster_for_url, cluster_from_env
from warehouse_client.run_lease import DEFAULT_TTL_SECONDS, ttl_from_env
from warehouse_client.secrets import register_environment

REPO_ROOT = Path(__file__).resolve().parents[2]
DEFAULT_WAREHOUSE_URL = f"chdb://{REPO_ROOT / 'warehouse'}"
WAREHOUSE_SCHEMES = ("chdb:", "http://", "https://")


class ConfigError(ActionableError):
    """A setting that cannot work: reported before anything runs."""


def load_environment() -> None:
    """Read `.env` (the environment wins) and register every secret it holds, before any
    message can show one."""
    load_dotenv(REPO_ROOT / ".env", override=False)
    register_environment()


def env(name: str) -> str | None:
    """The variable's value, stripped; None when unset; ConfigError when set but empty."""
    value = os.environ.get(name)
    if value is not None and not value.strip():
        raise ConfigError(f"{name} is set but empty: unset it to use the default, or give a value")
    return value.strip() if value is not None else None


def env_credential(name: str) -> str | None:
    """A credential; unset or empty both mean "not configured" (a scheduler expands a missing
    secret to an empty string): the source is skipped, not failed."""
    value = (os.environ.get(name) or "").strip()
    return value or None


def env_int(name: str, default: int, low: int, high: int) -> int:
    """A whole number within [low, high] (`_` separators allowed: 50_000)."""
    value = env(name)
    if value is None:
        return default
    try:
        number = int(value.replace("_", ""))
    except ValueError:
        raise ConfigError(f"{name}={value!r} is not a whole number ({low}..{high})") from None
    if not low <= number <= high:
        raise ConfigError(f"{name}={number} is out of range: use {low}..{high}")
    return number


def env_float(name: str, default: float, low: float, high: float) -> float:
    """A finite number within [low, high]."""
    value = env(name)
    if value is None:
        return default
    try:
        number = float(value)
    except ValueError:
        number = math.nan
    if not math.isfinite(number) or not low <= number <= high:
        raise ConfigError(f"{name}={value!r} is not a number in {low:g}..{high:g}")
    return number


def env_date(name: str) -> date | None:
    """A day written YYYY-MM-DD, or None when unset."""
    value = env(name)
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise ConfigError(f"{name}={value!r} is not a date: write YYYY-MM-DD") from None


def env_flag(name: str, default: bool) -> bool:
    """1/true/yes/on or 0/false/no/off, in any case."""
    value = env(name)
    if value is None:
        return default
    if value.lower() in ("1", "true", "yes", "on"):
        return True
    if value.lower() in ("0", "false", "no", "off"):
        return False
    raise ConfigError(f"{name}={value!r} is not a switch: write 1 or 0")


def env_choice(name: str, default: str, choices: tuple[str, ...]) -> str:
    """One of `choices`, matched without regard to case."""
    value = env(name)
    if value is None:
        return default
    if value.lower() not in choices:
        raise ConfigError(f"{name}={value!r} is not one of: {', '.join(choices)}")
    return value.lower()


def env_json_object(name: str) -> dict[str, Any]:
    """A JSON object (`{}` when unset)."""
    value = env(name)
    if value is None:
        return {}
    try:
        parsed = json.loads(value)
    except ValueError:
        parsed = None
    if not isinstance(parsed, dict):
        raise ConfigError(f'{name} must be a JSON object, e.g. {{"chat_id": 42}}')
    return parsed


def env_api_url(name: str, default: str, example: str) -> str:
    """An http(s) base URL without credentials or query (secrets go in their own variables);
    no trailing slash."""
    url = (env(name) or default).rstrip("/")
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        shown = f"{parts.scheme or '?'}://{parts.hostname or '?'}{parts.path}"
        raise ConfigError(f"{name} must be an http(s) URL such as {example}, got {shown}")
    if parts.query or parts.username or parts.password:
        raise ConfigError(
            f"{name} must not carry a query string or credentials: they have their own variables"
        )
    return url


def env_secret_url(name: str) -> str | None:
    """An http(s) URL that is itself a secret (a webhook with its token in the path): checked
    like the other settings, and a message about it shows only its scheme and host."""
    url = env(name)
    if url is None:
        return None
    parts = urlsplit(url)
    try:
        parts.port  # noqa: B018 - raises on a port that is not a number
        valid = parts.scheme in ("http", "https") and bool(parts.hostname)
    except ValueError:
        valid = False
    if not valid:
        shown = f"{parts.scheme}://{parts.hostname}/..." if parts.hostname else "(hidden)"
        raise ConfigError(
            f"{name} must be an http(s) URL such as https://api.telegram.org/bot<token>/sendMessage,"
            f" got {shown}"
        )
    return url


def existing_file(name: str) -> str | None:
    """A path to a readable file, or None when unset."""
    value = env(name)
    if value is None:
        return None
    try:
        Path(value).read_bytes()
    except OSError as error:
        raise ConfigError(f"{name}: cannot read {value} ({error.strerror})") from None
    return value


def writable_dir(name: str, path: Path) -> Path:
    """The directory exists or can be created, and a file can be written in it (tried for
    real: permission bits say nothing to root, or on a read-only mount)."""
    try:
        path.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryFile(dir=path):
            pass
    except OSError as error:
        raise ConfigError(
            f"{name}: directory {path} is not writable ({error.strerror}); "
            "fix its permissions or point the variable elsewhere"
        ) from None
    return path


def check_warehouse_url(url: str) -> None:
    if not url.startswith(WAREHOUSE_SCHEMES):
        raise ConfigError(
            f"WAREHOUSE_URL {redact_url(url)} has an unknown scheme: supported are "
            "chdb:/abs/path (embedded) and https://user:password@host:8443/ (a server)"
        )
    path = chdb_path(url)
    if path is not None:
        writable_dir("WAREHOUSE_URL", Path(path))


@dataclass(frozen=True)
class RunSettings:
    """What every source of a run shares: the warehouse and dlt's working directory."""

    warehouse_url: str
    pipelines_dir: Path
    warehouse_cluster: str | None = None  # WAREHOUSE_CLUSTER: replicated tables, DDL ON CLUSTER
    run_lease_ttl: int = DEFAULT_TTL_SECONDS  # seconds a run lease holds after its heartbeat

    @property
    def is_demo_warehouse(self) -> bool:
        return chdb_path(self.warehouse_url) == chdb_path(DEFAULT_WAREHOUSE_URL)

    @classmethod
    def from_env(cls) -> RunSettings:
        load_environment()
        warehouse_url = env("WAREHOUSE_URL") or DEFAULT_WAREHOUSE_URL
        check_warehouse_url(warehouse_url)
        # absolute: the embedded warehouse may change the working directory of the process
        pipelines_dir = Path(env("DLT_PIPELINES_DIR") or REPO_ROOT / ".dlt_pipelines").resolve()
        try:
            warehouse_cluster, run_lease_ttl = cluster_from_env(), ttl_from_env()
            check_cluster_for_url(warehouse_cluster, warehouse_url)
        except ValueError as error:  # the variable named, what to write instead
            raise ConfigError(str(error)) from None
        return cls(
            # user and password percent-encoded: a '/', '@' or '#' in a password written
            # as-is is read as the password, not as a path, host or fragment
            warehouse_url=normalize_url(warehouse_url),
            pipelines_dir=writable_dir("DLT_PIPELINES_DIR", pipelines_dir),
            warehouse_cluster=warehouse_cluster,
            run_lease_ttl=run_lease_ttl,
        )
