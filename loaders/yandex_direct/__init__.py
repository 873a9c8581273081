"""Yandex Direct API v5: campaigns, ads (landing URLs) and the daily ad performance report."""
