"""Yandex Direct API v5: campaigns, ads (landing URLs) and the daily ad performance report
(raw.yandex_direct__*)."""

from __future__ import annotations

from dlt.common.pipeline import LoadInfo

from loaders.common.ad_platform import load_ad_platform
from loaders.common.settings import RunSettings
from loaders.yandex_direct.settings import DirectSettings as Settings
from loaders.yandex_direct.source import build_source

__all__ = ["Settings", "load"]


def load(run: RunSettings, settings: Settings) -> LoadInfo:
    return load_ad_platform("yandex_direct", run, settings, build_source)
