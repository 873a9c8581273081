"""`python -m ops.health [--host H] [--port P]`: serve the health endpoints until stopped.

HEALTH_HOST and HEALTH_PORT (the environment, or `make health HEALTH_PORT=...`) set where;
127.0.0.1:8080 by default.
"""

from __future__ import annotations

import argparse
import os
import signal
import sys
from typing import Any

from loaders.common.output import protect_output
from ops.health.server import ROUTES, HealthServer
from ops.settings import settings_or_exit
from warehouse_client import redact_url


def _port(text: str) -> int:
    if not text.isdigit() or not 0 < int(text) < 65536:
        raise argparse.ArgumentTypeError(f"HEALTH_PORT must be a port number, got {text!r}")
    return int(text)


def main(argv: list[str] | None = None) -> int:
    protect_output()
    parser = argparse.ArgumentParser(prog="python -m ops.health", description=__doc__)
    parser.add_argument("--host", default=os.environ.get("HEALTH_HOST") or "127.0.0.1")
    parser.add_argument("--port", type=_port, default=os.environ.get("HEALTH_PORT") or "8080")
    args = parser.parse_args(argv)
    settings = settings_or_exit()
    try:
        server = HealthServer((args.host, args.port), settings)
    except OSError as error:
        print(
            f"health: cannot listen on {args.host}:{args.port} ({error.strerror}): "
            "set HEALTH_HOST / HEALTH_PORT",
            file=sys.stderr,
        )
        return 1

    def stop(*_: Any) -> None:
        # systemd stops with SIGTERM, a terminal with SIGINT, and make passes the signal on
        # again: stop once, quietly, whatever else arrives
        for signum in (signal.SIGTERM, signal.SIGINT):
            signal.signal(signum, signal.SIG_IGN)
        raise KeyboardInterrupt

    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, stop)
    try:
        print(
            f"health: serving {', '.join(sorted(ROUTES))} on http://{args.host}:{args.port} "
            f"for warehouse {redact_url(settings.warehouse_url)}",
            flush=True,
        )
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
    print("health: stopped", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
