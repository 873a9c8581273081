"""`python -m loaders.sandbox.with_sandbox -- CMD ...`: run CMD against the sandbox APIs.

Starts the sandbox server on 127.0.0.1, exports the demo settings of every API it serves
unless the environment already sets them, runs CMD, stops the sandbox and exits with CMD's
code. `make demo` runs `make load` through it.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from pathlib import Path

from loaders.sandbox.demo_shop import END_DATE
from loaders.sandbox.server import SandboxServer


def demo_settings(server: SandboxServer, scratch: Path) -> dict[str, str]:
    settings: dict[str, str] = {}
    if "vk" in server.apis:
        settings |= {"VK_API_URL": server.url("vk") + "/method", "VK_TOKEN": "demo-vk-token"}
    if "vk_ads" in server.apis:
        settings |= {
            "VK_ADS_API_URL": server.url("vk_ads"),
            "VK_ADS_CLIENT_ID": "demo-client",
            "VK_ADS_CLIENT_SECRET": "demo-secret",
            # the sandbox forgets its tokens when it stops: keep the demo's out of .secrets/
            "VK_ADS_TOKEN_FILE": str(scratch / "vk_ads_token.json"),
        }
    if "direct" in server.apis:
        settings |= {
            "DIRECT_API_URL": server.url("direct") + "/json/v5",
            "DIRECT_TOKEN": "demo-direct-token",
            "DIRECT_CLIENT_LOGIN": "demo-shop",
        }
    # the demo ad accounts end on the demo shop's last day, whatever today is
    settings["ADS_TO_DATE"] = END_DATE.date().isoformat()
    return settings


def main(argv: list[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    if args and args[0] == "--":
        args = args[1:]
    if not args:
        print("usage: python -m loaders.sandbox.with_sandbox -- CMD ...", file=sys.stderr)
        return 2
    with tempfile.TemporaryDirectory(prefix="sandbox-") as scratch, SandboxServer() as server:
        env = {**demo_settings(server, Path(scratch)), **os.environ}
        return subprocess.call(args, env=env)


if __name__ == "__main__":
    sys.exit(main())
