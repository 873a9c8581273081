"""Alerts: one message per new problem per night, by e-mail (SMTP) and/or a webhook.

A problem has a stable key ("load:mysql", "build:test:not_null_x", "stale:mysql.zakazy").
A failure or stale table is sent at most once per night (a calendar day in OPS_TIMEZONE);
a warning-severity test is sent the first time it fires and again only after it has passed
once. The state is a small JSON file per warehouse in OPS_STATE_DIR. Every text goes through
the one secret mask (warehouse_client.secrets.redact). A channel that fails to send is one
masked line and never stops the job; e-mail goes over STARTTLS that verifies the server's
certificate (the system's CAs, or ALERT_SMTP_CA_FILE) before the password is sent.
"""

from __future__ import annotations

import json
import smtplib
import ssl
import urllib.request
from dataclasses import dataclass
from datetime import datetime
from email.message import EmailMessage
from pathlib import Path
from zoneinfo import ZoneInfo

from ops.report import Reporter
from ops.settings import OpsSettings
from warehouse_client.secrets import redact


@dataclass(frozen=True)
class Problem:
    key: str  # stable across runs: what dedup remembers
    step: str  # load, build, freshness, health, history, nightly
    cause: str  # one line
    kind: str = "failure"  # failure, stale, warning


def night_of(moment: datetime, timezone: str) -> str:
    return moment.astimezone(ZoneInfo(timezone)).date().isoformat()


class AlertState:
    def __init__(self, path: Path) -> None:
        self.path = path
        data = json.loads(path.read_text()) if path.exists() else {}
        self.sent: dict[str, str] = data.get("sent", {})
        self.warnings: list[str] = data.get("warnings", [])

    def new_problems(
        self, problems: list[Problem], night: str, *, tests_ran: bool
    ) -> list[Problem]:
        """Problems not yet reported (this night, or ever for a warning still firing)."""
        fresh = [
            p
            for p in problems
            if (p.kind == "warning" and p.key not in self.warnings)
            or (p.kind != "warning" and self.sent.get(p.key) != night)
        ]
        if tests_ran:  # a warning that passed once may alert again when it returns
            firing = {p.key for p in problems if p.kind == "warning"}
            self.warnings = sorted(firing & set(self.warnings))
        return fresh

    def mark_sent(self, problems: list[Problem], night: str) -> None:
        for problem in problems:
            self.sent[problem.key] = night
            if problem.kind == "warning" and problem.key not in self.warnings:
                self.warnings.append(problem.key)
        # forget older nights: the file stays small
        self.sent = {key: n for key, n in self.sent.items() if n >= night}

    def save(self) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        tmp = self.path.with_suffix(".tmp")
        tmp.write_text(json.dumps({"sent": self.sent, "warnings": self.warnings}, indent=1))
        tmp.replace(self.path)


def compose(problems: list[Problem], where: str) -> tuple[str, str]:
    steps = sorted({p.step for p in problems})
    subject = f"shop-analytics {where}: {len(problems)} problem(s) in {', '.join(steps)}"
    body = "\n".join(f"[{p.step}] {p.cause}" for p in problems)
    hint = "\n\n`make status` shows the state; docs/operations.md says what to do."
    return redact(subject), redact(body + hint)


def send_email(settings: OpsSettings, subject: str, body: str) -> None:
    smtp = settings.smtp
    assert smtp is not None
    message = EmailMessage()
    message["Subject"], message["From"] = subject, smtp.sender
    message["To"] = ", ".join(smtp.recipients)
    message.set_content(body)
    with smtplib.SMTP(smtp.host, smtp.port, timeout=30) as server:
        if smtp.starttls:
            # verifies the chain and the host name: the password never goes to an impostor
            server.starttls(context=ssl.create_default_context(cafile=smtp.ca_file))
        if smtp.user and smtp.password:
            server.login(smtp.user, smtp.password)
        server.send_message(message)


def send_webhook(settings: OpsSettings, subject: str, body: str) -> None:
    assert settings.webhook_url is not None
    payload = {**settings.webhook_fields, "text": f"{subject}\n{body}"}
    request = urllib.request.Request(
        settings.webhook_url,
        data=json.dumps(payload, ensure_ascii=False).encode(),
        headers={"Content-Type": "application/json"},
        method="POST",
    )
    with urllib.request.urlopen(request, timeout=30) as response:
        response.read()


def alert(
    settings: OpsSettings,
    state_path: Path,
    problems: list[Problem],
    *,
    where: str,
    now: datetime,
    tests_ran: bool,
    reporter: Reporter,
) -> list[Problem]:
    """Send the new problems in one message per channel; returns the problems sent."""
    state = AlertState(state_path)
    night = night_of(now, settings.timezone)
    fresh = state.new_problems(problems, night, tests_ran=tests_ran)
    if not fresh:
        state.save()
        return []
    subject, body = compose(fresh, where)
    delivered = []
    for channel, send in (("email", send_email), ("webhook", send_webhook)):
        if channel not in settings.channels:
            continue
        try:
            send(settings, subject, body)
            delivered.append(channel)
        except Exception as error:  # whatever a channel raises, the job goes on
            cause = redact(f"{type(error).__name__}: {error}".strip().splitlines()[0])
            reporter.event("alert", f"{channel} failed: {cause}", level="error")
    if delivered:
        state.mark_sent(fresh, night)
        reporter.event("alert", f"sent by {', '.join(delivered)}: {subject}", sent=len(fresh))
    elif not settings.channels:
        reporter.event("alert", f"no channel configured; not sent: {subject}", level="warning")
    state.save()
    return fresh if delivered else []
