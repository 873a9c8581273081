"""VK Ads (ads.vk.com API v2): ad plans, groups, banners and daily banner statistics
(raw.vk_ads__*)."""

from __future__ import annotations

from dlt.common.pipeline import LoadInfo

from loaders.common.ad_platform import load_ad_platform
from loaders.common.settings import RunSettings
from loaders.vk_ads.settings import VkAdsSettings as Settings
from loaders.vk_ads.source import build_source

__all__ = ["Settings", "load"]


def load(run: RunSettings, settings: Settings) -> LoadInfo:
    return load_ad_platform("vk_ads", run, settings, build_source)
