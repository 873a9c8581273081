"""The project's one sandbox HTTP server: VK API, VK Ads and Yandex Direct on 127.0.0.1.

Each API is a `SandboxApi` mounted under its source's name (`/vk`, `/vk_ads`, `/yandex_direct`),
so the loaders' base URLs are e.g. `http://127.0.0.1:<port>/vk/method`. Demo and tests point the
loaders at it exactly as production points them at the real hosts.

Faults are switched per API, at run time, over HTTP (tests) or with `--faults` (CLI):

    POST /_sandbox/<api>/faults   {"error6_burst": 2}      merge these switches
    DELETE /_sandbox/<api>/faults                          clear them
    GET /_sandbox/<api>/calls                              every request so far
    DELETE /_sandbox/<api>/calls                           forget them

CLI: `python -m devtools.sandbox.server --port-file PATH [--last-day YYYY-MM-DD]` serves until
SIGTERM.
"""

from __future__ import annotations

import argparse
import importlib
import json
import signal
import threading
import time
from dataclasses import dataclass, field
from datetime import date
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, ClassVar
from urllib.parse import parse_qs, urlsplit

from devtools.demo_shop.ads import LAST_DAY

CONTROL = "/_sandbox/"


@dataclass
class Request:
    """One HTTP request as an API sees it: the path below the API's prefix."""

    method: str
    path: str
    query: dict[str, list[str]]
    headers: dict[str, str]
    body: bytes

    def form(self) -> dict[str, list[str]]:
        """Query parameters and a form-encoded body together (VK accepts both)."""
        merged = {k: list(v) for k, v in self.query.items()}
        if self.body and "json" not in self.headers.get("content-type", ""):
            for key, values in parse_qs(self.body.decode(), keep_blank_values=True).items():
                merged.setdefault(key, []).extend(values)
        return merged

    def json(self) -> Any:
        return json.loads(self.body or b"null")


@dataclass
class Reply:
    status: int = 200
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0  # seconds to wait before answering (slow-answer faults)

    @classmethod
    def json(cls, payload: Any, status: int = 200, **headers: str) -> Reply:
        body = json.dumps(payload, ensure_ascii=False).encode()
        return cls(status, body, {"Content-Type": "application/json; charset=utf-8", **headers})

    @classmethod
    def text(cls, text: str, status: int = 200, **headers: str) -> Reply:
        return cls(status, text.encode(), {"Content-Type": "text/plain; charset=utf-8", **headers})


class SandboxApi:
    """One fake API: subclasses set `name` and `prefix` and implement `handle`.

    `self.faults` holds the switches the tests set; `self.calls` counts what came in.
    `handle` runs under `self.lock`, so an API's state needs no locking of its own.
    `last_day` is the demo shop's last day: an API's data (e.g. ad statistics) ends there.
    """

    name: ClassVar[str]
    prefix: ClassVar[str]

    def __init__(self, last_day: date = LAST_DAY) -> None:
        self.last_day = last_day
        self.faults: dict[str, Any] = {}
        self.calls: list[dict[str, Any]] = []
        self.lock = threading.Lock()

    def handle(self, request: Request) -> Reply:
        raise NotImplementedError

    def _take(self, switch: str) -> bool:
        """Use up one call of a next-N-calls fault `switch`: true while it has calls left."""
        left = int(self.faults.get(switch) or 0)
        if left > 0:
            self.faults[switch] = left - 1
        return left > 0

    def dispatch(self, request: Request) -> Reply:
        with self.lock:
            self.calls.append(
                {
                    "method": request.method,
                    "path": request.path,
                    "params": request.form()
                    if request.method != "POST"
                    or "json" not in request.headers.get("content-type", "")
                    else request.json(),
                }
            )
            return self.handle(request)


class SandboxServer:
    """A threading HTTP server on 127.0.0.1 serving the given APIs (default: every API, its
    data ending on `last_day`); a context manager."""

    def __init__(
        self, apis: list[SandboxApi] | None = None, port: int = 0, last_day: date = LAST_DAY
    ) -> None:
        apis = apis if apis is not None else default_apis(last_day)
        self.apis = {api.name: api for api in apis}
        self._httpd = ThreadingHTTPServer(("127.0.0.1", port), _handler_for(self))
        self._httpd.daemon_threads = True
        self._thread: threading.Thread | None = None

    @property
    def port(self) -> int:
        return int(self._httpd.server_address[1])

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def url(self, api: str) -> str:
        """The base URL a loader is given for one API (e.g. VK_API_URL)."""
        return self.base_url + self.apis[api].prefix

    def set_faults(self, api: str, **switches: Any) -> None:
        with self.apis[api].lock:
            self.apis[api].faults.update(switches)

    def clear(self) -> None:
        """Forget every fault and every recorded call."""
        for api in self.apis.values():
            with api.lock:
                api.faults.clear()
                api.calls.clear()

    def route(self, path: str) -> tuple[SandboxApi, str] | None:
        for api in self.apis.values():
            if path == api.prefix or path.startswith(api.prefix + "/"):
                return api, path[len(api.prefix) :] or "/"
        return None

    def start(self) -> SandboxServer:
        self._thread = threading.Thread(target=self._httpd.serve_forever, daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()

    def __enter__(self) -> SandboxServer:
        return self.start()

    def __exit__(self, *_: object) -> None:
        self.stop()


def default_apis(last_day: date = LAST_DAY) -> list[SandboxApi]:
    """Every API the project's loaders speak, with fresh state, their data ending on `last_day`.

    Each module in API_MODULES defines `API`, its SandboxApi subclass. (Imported here, not
    at the top: the API modules import this one.)
    """
    return [importlib.import_module(name).API(last_day=last_day) for name in API_MODULES]


API_MODULES: tuple[str, ...] = (
    "devtools.sandbox.vk_api",
    "devtools.sandbox.vk_ads_api",
    "devtools.sandbox.yandex_direct_api",
)


def _control(server: SandboxServer, method: str, path: str, body: bytes) -> Reply:
    parts = path[len(CONTROL) :].strip("/").split("/")
    if len(parts) != 2 or parts[0] not in server.apis or parts[1] not in ("faults", "calls"):
        return Reply.json({"error": f"unknown control path {path}"}, 404)
    api = server.apis[parts[0]]
    with api.lock:
        store: Any = api.faults if parts[1] == "faults" else api.calls
        if method == "POST" and parts[1] == "faults":
            store.update(json.loads(body or b"{}"))
        elif method == "DELETE":
            store.clear()
        return Reply.json(store)


def _handler_for(server: SandboxServer) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def _serve(self) -> None:
            parts = urlsplit(self.path)
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length) if length else b""
            if parts.path.startswith(CONTROL):
                reply = _control(server, self.command, parts.path, body)
            elif (routed := server.route(parts.path)) is None:
                reply = Reply.json({"error": f"no sandbox API at {parts.path}"}, 404)
            else:
                api, sub_path = routed
                headers = {k.lower(): v for k, v in self.headers.items()}
                request = Request(self.command, sub_path, parse_qs(parts.query), headers, body)
                reply = api.dispatch(request)
            if reply.delay:
                time.sleep(reply.delay)
            self.send_response(reply.status)
            for key, value in reply.headers.items():
                self.send_header(key, value)
            self.send_header("Content-Length", str(len(reply.body)))
            self.end_headers()
            self.wfile.write(reply.body)

        do_GET = do_POST = do_DELETE = _serve

        def log_message(self, format: str, *args: Any) -> None:
            pass  # quiet: the tests read the call log instead

    return Handler


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m devtools.sandbox.server", description=__doc__)
    parser.add_argument("--port", type=int, default=0, help="0: any free port")
    parser.add_argument("--port-file", type=Path, help="write the port here once listening")
    parser.add_argument("--faults", default="{}", help='JSON {"<api>": {switch: value}}')
    parser.add_argument(
        "--last-day",
        type=date.fromisoformat,
        default=LAST_DAY,
        help=f"YYYY-MM-DD: the demo shop's last day, where the ad data ends ({LAST_DAY})",
    )
    args = parser.parse_args(argv)
    server = SandboxServer(port=args.port, last_day=args.last_day)
    for api, switches in json.loads(args.faults).items():
        server.set_faults(api, **switches)
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    with server:
        if args.port_file:
            args.port_file.write_text(str(server.port))
        print(f"sandbox: {server.base_url} ({', '.join(server.apis)})", flush=True)
        stop.wait()


if __name__ == "__main__":
    main()
