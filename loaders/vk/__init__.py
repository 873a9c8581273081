"""VK API `users.get` profiles of the shop's users who linked VK (raw.vk__users)."""

from loaders.vk.loader import load
from loaders.vk.settings import VkSettings as Settings

__all__ = ["Settings", "load"]
