"""`python -m loaders.vk_ads.revoke`: delete every token of the VK Ads client and the token file.

VK Ads allows 5 live tokens per client. A job whose token file does not outlive the run (a CI
runner: nothing is kept between runs but caches, which pull requests can read) mints one
token a run and must free it at the end, or its sixth run is refused with 403. The nightly
workflow runs this after the job, whatever the job did. Without VK_ADS_CLIENT_ID and
VK_ADS_CLIENT_SECRET there is nothing to revoke (exit 0); a failure is one masked line
(exit 1).
"""

from __future__ import annotations

import sys

from loaders.common.errors import one_line
from loaders.common.http import raise_for_status, rest_client
from loaders.common.output import protect_output
from loaders.common.settings import ConfigError, load_environment
from loaders.vk_ads.settings import VkAdsSettings
from loaders.vk_ads.token import NoAuth

DELETE_PATH = "/api/v2/oauth2/token/delete.json"


def revoke(settings: VkAdsSettings) -> bool:
    """Delete the client's tokens and the token file; False when there is no client."""
    if not (settings.client_id and settings.client_secret):
        return False
    client = rest_client(settings.api_url)
    client.post(
        DELETE_PATH,
        data={"client_id": settings.client_id, "client_secret": settings.client_secret},
        auth=NoAuth(),
        hooks={"response": [raise_for_status("vk_ads token delete")]},
    )
    settings.token_file.unlink(missing_ok=True)
    return True


def main() -> int:
    protect_output()
    try:
        load_environment()
        settings = VkAdsSettings.from_env()
    except ConfigError as error:
        print(f"configuration error: {one_line(error)}", file=sys.stderr)
        return 2
    try:
        done = revoke(settings)
    except Exception as error:
        print(f"vk_ads token revoke failed: {one_line(error)}", file=sys.stderr)
        return 1
    print(
        "vk_ads: the client's tokens are deleted"
        if done
        else "vk_ads: no client; nothing to revoke"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
