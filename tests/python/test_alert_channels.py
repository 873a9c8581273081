"""Alert channels that fail, and secrets in what the run history keeps.

In-process, against real servers on 127.0.0.1: an SMTP server with STARTTLS (aiosmtpd) whose
certificate comes from a CA the test makes (trustme), and a webhook URL where nothing
listens. The settings are read from the environment, as the nightly reads them.
"""

from __future__ import annotations

import io
import ssl
import subprocess
import sys
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
import trustme
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword

from devtools.harness.paths import REPO, free_port
from ops.alerts import Problem, alert, send_email
from ops.load_step import SourceLoad
from ops.report import Reporter
from ops.run_record import RunFacts, history_rows
from ops.settings import OpsSettings
from warehouse_client.secrets import register_environment

BOT_TOKEN = "123456789:AAH-bot-token-do-not-print"
SMTP_PASSWORD = "smtp-Pa55-do-not-send"
PROBLEM = Problem("load:mysql", "load", "source mysql: cannot connect")


class Recorder:
    def __init__(self) -> None:
        self.mails: list[Any] = []
        self.logins: list[tuple[bytes, bytes]] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.mails.append(envelope)
        return "250 OK"

    def __call__(self, server: Any, session: Any, envelope: Any, mechanism: str, auth: Any) -> Any:
        assert isinstance(auth, LoginPassword)
        self.logins.append((auth.login, auth.password))
        return AuthResult(success=True)


@pytest.fixture(scope="module")
def ca() -> trustme.CA:
    return trustme.CA()


@pytest.fixture(scope="module")
def smtp(ca: trustme.CA) -> Iterator[tuple[Controller, Recorder]]:
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ca.issue_cert("127.0.0.1").configure_cert(context)
    recorder = Recorder()
    controller = Controller(
        recorder,
        hostname="127.0.0.1",
        port=free_port(),
        tls_context=context,
        require_starttls=True,
        authenticator=recorder,
        auth_require_tls=True,
    )
    controller.start()
    yield controller, recorder
    controller.stop()


def settings(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, **env: str) -> OpsSettings:
    monkeypatch.setenv("WAREHOUSE_URL", f"chdb:{tmp_path / 'warehouse'}")
    monkeypatch.setenv("DLT_PIPELINES_DIR", str(tmp_path / "pipelines"))
    for name in ("ALERT_SMTP_HOST", "ALERT_EMAIL_TO", "ALERT_WEBHOOK_URL", "ALERT_SMTP_CA_FILE"):
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    return OpsSettings.from_env()


def smtp_env(controller: Controller, **extra: str) -> dict[str, str]:
    return {
        "ALERT_SMTP_HOST": "127.0.0.1",
        "ALERT_SMTP_PORT": str(controller.port),
        "ALERT_SMTP_USER": "alerts",
        "ALERT_SMTP_PASSWORD": SMTP_PASSWORD,
        "ALERT_EMAIL_TO": "data-team@example.test",
        **extra,
    }


def test_smtp_refuses_a_server_it_cannot_verify(
    smtp: tuple[Controller, Recorder], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    controller, recorder = smtp
    unverified = settings(monkeypatch, tmp_path, **smtp_env(controller))
    with pytest.raises(ssl.SSLCertVerificationError):
        send_email(unverified, "subject", "body")
    assert recorder.logins == [] and recorder.mails == []  # the password never left


def test_smtp_sends_to_a_server_its_ca_file_trusts(
    smtp: tuple[Controller, Recorder],
    ca: trustme.CA,
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
) -> None:
    controller, recorder = smtp
    ca_file = tmp_path / "ca.pem"
    ca.cert_pem.write_to_path(str(ca_file))
    trusted = settings(
        monkeypatch, tmp_path, **smtp_env(controller, ALERT_SMTP_CA_FILE=str(ca_file))
    )
    send_email(trusted, "subject", "body")
    assert recorder.logins[-1] == (b"alerts", SMTP_PASSWORD.encode())
    assert len(recorder.mails) == 1


def test_a_channel_that_fails_is_one_masked_line(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    url = f"http://127.0.0.1:{free_port()}/bot{BOT_TOKEN}/sendMessage"  # nothing listens
    ops = settings(monkeypatch, tmp_path, ALERT_WEBHOOK_URL=url)
    register_environment()
    out = io.StringIO()
    sent = alert(
        ops,
        tmp_path / "alerts.json",
        [PROBLEM],
        where="nightly",
        now=datetime.now(UTC),
        tests_ran=True,
        reporter=Reporter("text", out),
    )
    assert sent == []  # not marked as sent: the next run tries again
    (line,) = out.getvalue().splitlines()
    assert " nightly ERROR alert: webhook failed: URLError: " in line
    assert BOT_TOKEN not in out.getvalue() and "123456789" not in out.getvalue()


@pytest.mark.parametrize(
    "url", ["api.telegram.org/bot{token}/sendMessage", "ftp://example.test/{token}", "https://"]
)
def test_a_webhook_url_that_cannot_work_is_a_configuration_error(url: str, tmp_path: Path) -> None:
    env = {
        "PATH": "/usr/bin:/bin",
        "WAREHOUSE_URL": f"chdb:{tmp_path / 'warehouse'}",
        "DLT_PIPELINES_DIR": str(tmp_path / "pipelines"),
        "OPS_STATE_DIR": str(tmp_path / "ops"),
        "RUN_LOCK_DIR": str(tmp_path),
        "ALERT_WEBHOOK_URL": url.format(token=BOT_TOKEN),
    }
    done = subprocess.run(
        [sys.executable, "-m", "ops.nightly", "--sources", "vk_ads"],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 2
    assert done.stderr.startswith("configuration error: ALERT_WEBHOOK_URL must be an http(s) URL")
    assert "Traceback" not in done.stderr and BOT_TOKEN not in done.stdout + done.stderr
    assert not (tmp_path / "ops").exists()  # nothing ran, nothing marked in progress


def test_run_history_rows_are_masked_before_they_are_written(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("DIRECT_TOKEN", "y0_direct-token-in-a-message")
    register_environment()
    leaked = "API said: bad token y0_direct-token-in-a-message (Bearer abc.def.ghi)"
    facts = RunFacts(
        run_id="r1",
        started=datetime.now(UTC),
        loads=[SourceLoad("yandex_direct", "failed", 1.0, error=leaked)],
        build=None,
        build_seconds=0.0,
        freshness=[],
        freshness_at=datetime.now(UTC),
        problems=[Problem("load:yandex_direct", "load", leaked)],
        failed=[Problem("load:yandex_direct", "load", leaked)],
    )
    rows = history_rows(facts, None)
    texts = [
        rows["run_history"][0]["error"],
        rows["run_sources"][0]["error"],
        rows["run_failures"][0]["message"],
    ]
    for text in texts:
        assert text == "API said: bad token *** (Bearer ***)"
