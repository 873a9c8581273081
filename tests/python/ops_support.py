"""Helpers of the operations tests: the nightly and status as child processes, and two local
alert receivers (a real SMTP server and an HTTP endpoint on 127.0.0.1) that keep what arrives."""

from __future__ import annotations

import json
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from email import message_from_bytes
from email.message import Message
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from aiosmtpd.controller import Controller

from devtools.demo_shop.dates import shop_now
from devtools.harness.paths import REPO, free_port
from devtools.harness.warehouse import Warehouse


@dataclass
class Inbox:
    """What the SMTP server and the webhook received, in order."""

    mails: list[Message] = field(default_factory=list)
    posts: list[dict[str, Any]] = field(default_factory=list)

    def count(self) -> tuple[int, int]:
        return len(self.mails), len(self.posts)


class _SmtpHandler:
    def __init__(self, inbox: Inbox) -> None:
        self.inbox = inbox

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.inbox.mails.append(message_from_bytes(envelope.content))
        return "250 OK"


class AlertReceivers:
    """A real SMTP server (aiosmtpd) and an HTTP receiver, both on 127.0.0.1."""

    def __init__(self) -> None:
        self.inbox = Inbox()
        self.smtp = Controller(_SmtpHandler(self.inbox), hostname="127.0.0.1", port=free_port())
        inbox = self.inbox

        class Hook(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers["Content-Length"]))
                inbox.posts.append(json.loads(body))
                self.send_response(200)
                self.end_headers()
                self.wfile.write(b'{"ok": true}')

            def log_message(self, *args: Any) -> None:
                pass

        self.http = ThreadingHTTPServer(("127.0.0.1", free_port()), Hook)

    def __enter__(self) -> AlertReceivers:
        self.smtp.start()
        threading.Thread(target=self.http.serve_forever, daemon=True).start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.smtp.stop()
        self.http.shutdown()

    def env(self) -> dict[str, str]:
        return {
            "ALERT_SMTP_HOST": "127.0.0.1",
            "ALERT_SMTP_PORT": str(self.smtp.port),
            "ALERT_SMTP_STARTTLS": "0",
            "ALERT_EMAIL_TO": "data-team@example.test",
            "ALERT_WEBHOOK_URL": f"http://127.0.0.1:{self.http.server_port}/bot/sendMessage",
            "ALERT_WEBHOOK_FIELDS": '{"chat_id": "-100500"}',
        }


def ops_env(warehouse: Warehouse, **extra: str) -> dict[str, str]:
    """The nightly's environment for one test warehouse: its own state, target and lock dirs."""
    root = warehouse.root
    return warehouse.env(
        OPS_STATE_DIR=str(root / "ops"),
        OPS_TARGET_DIR=str(root / "target"),
        RUN_LOCK_DIR=str(root / "locks"),
        **extra,
    )


def nightly(warehouse: Warehouse, **extra: str) -> subprocess.CompletedProcess[str]:
    """`make nightly` as cron runs it."""
    return subprocess.run(
        [sys.executable, "-m", "ops.nightly"],
        cwd=REPO,
        env=ops_env(warehouse, **extra),
        capture_output=True,
        text=True,
        timeout=900,
    )


def status(warehouse: Warehouse, *args: str, **extra: str) -> subprocess.CompletedProcess[str]:
    """`make status`."""
    return subprocess.run(
        [sys.executable, "-m", "ops.status", *args],
        cwd=REPO,
        env=ops_env(warehouse, **extra),
        capture_output=True,
        text=True,
        timeout=300,
    )


def shop_execute(url: str, *statements: str) -> None:
    engine = sa.create_engine(url)
    try:
        with engine.begin() as conn:
            for statement in statements:
                conn.execute(sa.text(statement))
    finally:
        engine.dispose()


def moscow_now() -> str:
    """Now as the shop writes it: Moscow wall clock, as the test MariaDB's NOW()."""
    return str(shop_now())


def make_fresh(url: str) -> None:
    """Touch one row of each table with updated_at now."""
    now = moscow_now()
    shop_execute(
        url,
        *(
            f"UPDATE {table} SET updated_at = '{now}' ORDER BY id DESC LIMIT 1"
            for table in ("users", "tovary", "zakazy", "zakazy_tovary")
        ),
    )


def one_run_line(done: subprocess.CompletedProcess[str], step: str) -> str:
    lines = [ln for ln in done.stdout.splitlines() if f" {step}: " in ln]
    assert lines, f"no line for {step}:\n{done.stdout}\n{done.stderr}"
    return lines[-1]


def wait_for(path: Path, process: subprocess.Popen[bytes], timeout: float = 600) -> None:
    """Until `path` exists (the kill point was reached); fail if the process ends first."""
    deadline = time.monotonic() + timeout
    while not path.exists():
        if process.poll() is not None:
            raise AssertionError(
                f"the nightly ended (exit {process.returncode}) before the kill point"
            )
        if time.monotonic() > deadline:
            raise AssertionError(f"kill point not reached in {timeout:.0f} s")
        time.sleep(0.2)
