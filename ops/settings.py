"""The operations settings, read and checked with the loaders' readers (loaders.common.settings)
before a nightly run or a status check starts."""

from __future__ import annotations

import sys
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from loaders.common.errors import one_line
from loaders.common.settings import (
    REPO_ROOT,
    ConfigError,
    RunSettings,
    env,
    env_choice,
    env_flag,
    env_int,
    env_json_object,
    env_secret_url,
    existing_file,
)
from loaders.registry import read_settings


@dataclass(frozen=True)
class SmtpSettings:
    host: str
    port: int
    user: str | None
    password: str | None
    starttls: bool
    sender: str
    recipients: tuple[str, ...]
    ca_file: str | None = None  # CAs that sign the server's certificate; None: the system's

    def __repr__(self) -> str:  # the password never reaches a log or a traceback
        return f"SmtpSettings(host={self.host!r}, port={self.port}, user={self.user!r})"


@dataclass(frozen=True)
class OpsSettings:
    base: RunSettings  # the loaders' settings (warehouse, cluster, run lease)
    warehouse_url: str
    pipelines_dir: Path
    state_dir: Path  # alert dedup and the "a run is under way" marker
    target_dir: Path  # dbt's target path for the nightly's own runs
    log_format: str  # "text" or "json"
    timezone: str  # a night is a calendar day here
    smtp: SmtpSettings | None
    webhook_url: str | None
    webhook_fields: dict[str, object] = field(default_factory=dict)
    # why each source of the run that will not load is skipped (no credentials)
    skipped_sources: dict[str, str] = field(default_factory=dict)

    def __repr__(self) -> str:  # the webhook URL carries a bot token
        return f"OpsSettings(state_dir={self.state_dir}, channels={self.channels})"

    @classmethod
    def from_env(cls) -> OpsSettings:
        run = RunSettings.from_env()  # reads .env, so everything below sees it too
        return cls(
            base=run,
            warehouse_url=run.warehouse_url,
            pipelines_dir=run.pipelines_dir,
            state_dir=Path(env("OPS_STATE_DIR") or REPO_ROOT / ".ops"),
            target_dir=Path(env("OPS_TARGET_DIR") or REPO_ROOT / "target"),
            log_format=env_choice("LOG_FORMAT", "text", ("text", "json")),
            timezone=_timezone(),
            smtp=_smtp(),
            webhook_url=env_secret_url("ALERT_WEBHOOK_URL"),
            webhook_fields=env_json_object("ALERT_WEBHOOK_FIELDS"),
        )

    @property
    def channels(self) -> list[str]:
        return [name for name, on in (("email", self.smtp), ("webhook", self.webhook_url)) if on]


def _timezone() -> str:
    name = env("OPS_TIMEZONE") or "Europe/Moscow"
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise ConfigError(f"OPS_TIMEZONE={name!r} is not a time zone: e.g. Europe/Moscow") from None
    return name


def _smtp() -> SmtpSettings | None:
    host, recipients = env("ALERT_SMTP_HOST"), env("ALERT_EMAIL_TO")
    if not host or not recipients:
        return None
    return SmtpSettings(
        host=host,
        port=env_int("ALERT_SMTP_PORT", 587, 1, 65535),
        user=env("ALERT_SMTP_USER"),
        password=env("ALERT_SMTP_PASSWORD"),
        starttls=env_flag("ALERT_SMTP_STARTTLS", True),
        sender=env("ALERT_EMAIL_FROM") or "shop-analytics@localhost",
        recipients=tuple(r.strip() for r in recipients.split(",") if r.strip()),
        ca_file=existing_file("ALERT_SMTP_CA_FILE"),
    )


def settings_or_exit(sources: Sequence[str] = ()) -> OpsSettings:
    """The settings, and those of `sources`, or exit 2 with the one line that names the bad
    setting: a nightly run checks everything before its first step."""
    try:
        settings = OpsSettings.from_env()
        sources_settings = read_settings(RunSettings.from_env(), sources)
    except ConfigError as error:
        print(f"configuration error: {one_line(error)}", file=sys.stderr)
        raise SystemExit(2) from None
    skipped = {
        name: reason
        for name, source in sources_settings.items()
        if (reason := source.skip_reason) is not None
    }
    return replace(settings, skipped_sources=skipped)
