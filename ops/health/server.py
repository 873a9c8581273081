"""The HTTP server of `make health`: a small threaded http.server, one reading per request."""

from __future__ import annotations

import sys
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import urlsplit

from prometheus_client import CONTENT_TYPE_LATEST

from ops.health import report
from ops.health.metrics import exposition
from ops.health.snapshot import one_line
from ops.settings import OpsSettings

JSON = "application/json; charset=utf-8"
Answer = tuple[int, str, bytes]


def _json(ok: bool, body: dict[str, Any]) -> Answer:
    return (200 if ok else 503), JSON, report.one_line_json(body)


ROUTES: dict[str, Callable[[report.Reading], Answer]] = {
    "/healthz": lambda r: _json(r.ok, report.healthz(r)),
    "/healthz/detailed": lambda r: _json(r.ok, report.detailed(r)),
    "/healthz/freshness": lambda r: _json((body := report.freshness(r))["status"] == "pass", body),
    "/metrics": lambda r: (200, CONTENT_TYPE_LATEST, exposition(r)),
}


class HealthServer(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, address: tuple[str, int], settings: OpsSettings) -> None:
        super().__init__(address, HealthHandler)
        self.settings = settings


class HealthHandler(BaseHTTPRequestHandler):
    server: HealthServer
    server_version = "shop-analytics-health"

    def do_GET(self) -> None:
        path = urlsplit(self.path).path.rstrip("/") or "/"
        route = ROUTES.get(path)
        if route is None:
            body = {"status": "error", "problems": [f"no such endpoint {path}"]}
            body["endpoints"] = sorted(ROUTES)
            self.answer((404, JSON, report.one_line_json(body)))
            return
        try:
            reading = report.read(self.server.settings)
        except Exception as error:  # an unreadable warehouse: 503 in one line, never a traceback
            problem = f"cannot read the run history: {one_line(error)}"
            body = {"status": "error", "problems": [problem]}
            self.answer((503, JSON, report.one_line_json(body)))
            return
        self.answer(route(reading))

    def answer(self, answer: Answer) -> None:
        code, content_type, body = answer
        self.send_response(code)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: Any) -> None:
        sys.stderr.write(f"health {self.address_string()} {format % args}\n")
