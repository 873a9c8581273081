"""The operations settings, from the environment (a `.env` file is read by loaders.config)."""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from pathlib import Path

from loaders.config import REPO_ROOT, Settings


@dataclass(frozen=True)
class SmtpSettings:
    host: str
    port: int
    user: str | None
    password: str | None
    starttls: bool
    sender: str
    recipients: tuple[str, ...]


@dataclass(frozen=True)
class OpsSettings:
    base: Settings  # the loaders' settings (warehouse, cluster, run lease)
    warehouse_url: str
    pipelines_dir: Path
    state_dir: Path  # alert dedup and the "a run is under way" marker
    target_dir: Path  # dbt's target path for the nightly's own runs
    log_format: str  # "text" or "json"
    timezone: str  # a night is a calendar day here
    smtp: SmtpSettings | None
    webhook_url: str | None
    webhook_fields: dict[str, object] = field(default_factory=dict)

    @classmethod
    def from_env(cls) -> OpsSettings:
        base = Settings.from_env()  # reads .env, so everything below sees it too
        env = os.environ
        return cls(
            base=base,
            warehouse_url=base.warehouse_url,
            pipelines_dir=base.pipelines_dir,
            state_dir=Path(env.get("OPS_STATE_DIR") or REPO_ROOT / ".ops"),
            target_dir=Path(env.get("OPS_TARGET_DIR") or REPO_ROOT / "target"),
            log_format="json" if env.get("LOG_FORMAT", "").lower() == "json" else "text",
            timezone=env.get("OPS_TIMEZONE") or "Europe/Moscow",
            smtp=_smtp(env),
            webhook_url=env.get("ALERT_WEBHOOK_URL") or None,
            webhook_fields=json.loads(env.get("ALERT_WEBHOOK_FIELDS") or "{}"),
        )

    @property
    def channels(self) -> list[str]:
        return [name for name, on in (("email", self.smtp), ("webhook", self.webhook_url)) if on]


def _smtp(env: os._Environ[str]) -> SmtpSettings | None:
    host, recipients = env.get("ALERT_SMTP_HOST"), env.get("ALERT_EMAIL_TO")
    if not host or not recipients:
        return None
    return SmtpSettings(
        host=host,
        port=int(env.get("ALERT_SMTP_PORT") or 587),
        user=env.get("ALERT_SMTP_USER") or None,
        password=env.get("ALERT_SMTP_PASSWORD") or None,
        starttls=(env.get("ALERT_SMTP_STARTTLS") or "1") not in ("0", "false", "no"),
        sender=env.get("ALERT_EMAIL_FROM") or "shop-analytics@localhost",
        recipients=tuple(r.strip() for r in recipients.split(",") if r.strip()),
    )
