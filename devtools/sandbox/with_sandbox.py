"""Run a command against the sandbox APIs: `python -m devtools.sandbox.with_sandbox -- CMD ...`

Starts the sandbox server (every API of devtools.sandbox.server) on a free 127.0.0.1 port,
its ad statistics ending on the last day of the shop the loaders read (SHOP_DB_URL, default
the demo shop), as the generator recorded it (devtools.demo_shop.dates; the fixed LAST_DAY
when it recorded none), exports the demo settings of every API unless the environment already
sets them, runs CMD, stops the sandbox and exits with CMD's exit code. `make demo` runs
`make nightly` through it.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from collections.abc import Mapping
from datetime import date
from pathlib import Path

from devtools.demo_shop.ads import LAST_DAY
from devtools.demo_shop.dates import recorded_last_day
from devtools.sandbox.server import SandboxServer
from devtools.sandbox.vk_api import DEMO_TOKEN as VK_DEMO_TOKEN
from loaders.mysql.settings import DEFAULT_DEMO_SHOP_PATH


def shop_last_day(env: Mapping[str, str]) -> date:
    """The last day of the shop the loaders will read, where the demo ad accounts end."""
    shop_db_url = env.get("SHOP_DB_URL") or f"sqlite:///{DEFAULT_DEMO_SHOP_PATH}"
    return recorded_last_day(shop_db_url) or LAST_DAY


def demo_settings(base_url: str, scratch: Path, last_day: date) -> dict[str, str]:
    """Every API's settings pointing at a sandbox whose base URL is `base_url`."""
    return {
        "VK_API_URL": f"{base_url}/vk/method",
        "VK_TOKEN": VK_DEMO_TOKEN,
        "VK_ADS_API_URL": f"{base_url}/vk_ads",
        "VK_ADS_CLIENT_ID": "demo-client",
        "VK_ADS_CLIENT_SECRET": "demo-secret",
        # the sandbox forgets its tokens when it stops: keep the demo's out of .secrets/
        "VK_ADS_TOKEN_FILE": str(scratch / "vk_ads_token.json"),
        "DIRECT_API_URL": f"{base_url}/yandex_direct/json/v5",
        "DIRECT_TOKEN": "demo-direct-token",
        "DIRECT_CLIENT_LOGIN": "demo-shop",
        # the ad platforms are loaded up to the day their demo accounts end
        "ADS_TO_DATE": last_day.isoformat(),
    }


def main(argv: list[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    if args[:1] == ["--"]:
        args = args[1:]
    if not args:
        print("usage: python -m devtools.sandbox.with_sandbox -- CMD [ARG ...]", file=sys.stderr)
        return 2
    last_day = shop_last_day(os.environ)
    with (
        tempfile.TemporaryDirectory(prefix="sandbox-") as scratch,
        SandboxServer(last_day=last_day) as server,
    ):
        env = dict(os.environ)
        for key, value in demo_settings(server.base_url, Path(scratch), last_day).items():
            env[key] = env.get(key) or value  # what the environment sets wins
        apis = ", ".join(server.apis)
        print(f"sandbox APIs at {server.base_url} ({apis}; ads up to {last_day})", flush=True)
        try:
            return subprocess.call(args, env=env)
        except FileNotFoundError:
            print(f"with_sandbox: command not found: {args[0]}", file=sys.stderr)
            return 127
        except KeyboardInterrupt:
            return 130


if __name__ == "__main__":
    sys.exit(main())
