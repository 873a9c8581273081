"""VK Ads (ads.vk.com API v2): ad plans, groups, banners and daily banner statistics."""
