"""Run a command against the sandbox APIs: `python -m devtools.sandbox.with_sandbox -- CMD ...`

Starts the sandbox server (every API of devtools.sandbox.server) on a free 127.0.0.1 port,
exports the demo settings of every API unless the environment already sets them, runs CMD,
stops the sandbox and exits with CMD's exit code. `make demo` runs `make load` through it.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from pathlib import Path

from devtools.demo_shop.generator import END_DATE
from devtools.sandbox.server import SandboxServer
from devtools.sandbox.vk_api import DEMO_TOKEN as VK_DEMO_TOKEN


def demo_settings(base_url: str, scratch: Path) -> dict[str, str]:
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
        # the demo ad accounts end on the demo shop's last day, whatever today is
        "ADS_TO_DATE": END_DATE.date().isoformat(),
    }


def main(argv: list[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    if args[:1] == ["--"]:
        args = args[1:]
    if not args:
        print("usage: python -m devtools.sandbox.with_sandbox -- CMD [ARG ...]", file=sys.stderr)
        return 2
    with tempfile.TemporaryDirectory(prefix="sandbox-") as scratch, SandboxServer() as server:
        env = dict(os.environ)
        for key, value in demo_settings(server.base_url, Path(scratch)).items():
            env[key] = env.get(key) or value  # what the environment sets wins
        print(f"sandbox APIs at {server.base_url} ({', '.join(server.apis)})", flush=True)
        try:
            return subprocess.call(args, env=env)
        except FileNotFoundError:
            print(f"with_sandbox: command not found: {args[0]}", file=sys.stderr)
            return 127
        except KeyboardInterrupt:
            return 130


if __name__ == "__main__":
    sys.exit(main())
