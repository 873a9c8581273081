"""Where the operations state of one warehouse lives: OPS_STATE_DIR/<warehouse key>/."""

from __future__ import annotations

import hashlib
from pathlib import Path

from ops.settings import OpsSettings
from warehouse_client import chdb_path, redact_url


def state_dir_for(settings: OpsSettings) -> Path:
    """Alert dedup state, the running-run marker and run logs, one dir per warehouse."""
    url = settings.warehouse_url
    key = chdb_path(url) or redact_url(url).rstrip("/")
    return settings.state_dir / f"warehouse-{hashlib.sha256(key.encode()).hexdigest()[:16]}"
