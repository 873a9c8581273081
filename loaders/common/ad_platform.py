"""`make load` for an ad platform: skipped without credentials, else its reload window."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from dlt.common.pipeline import LoadInfo
from dlt.sources import DltSource

from loaders.common.ads_window import Window, reload_window
from loaders.common.pipeline import make_pipeline
from loaders.common.settings import RunSettings

log = logging.getLogger("loaders")


def load_ad_platform(
    name: str, run: RunSettings, settings: Any, build: Callable[[Any, Window], DltSource]
) -> LoadInfo:
    """Load the platform's days since its last load (saved in the warehouse) and the reload
    window before them."""
    pipeline = make_pipeline(name, run)
    pipeline.sync_destination()  # the last loaded day, saved in the warehouse
    window = reload_window(pipeline.state.get("sources", {}).get(name, {}), settings.window)
    log.info("source %s: days %s..%s", name, window.date_from, window.date_to)
    return pipeline.run(build(settings, window))
