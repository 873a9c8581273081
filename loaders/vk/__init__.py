"""The VK source: `users.get` profiles of the shop's users (see loaders.vk.loader)."""

from loaders.vk.loader import load_vk_profiles
from loaders.vk.settings import VkSettings

__all__ = ["VkSettings", "load_vk_profiles"]
