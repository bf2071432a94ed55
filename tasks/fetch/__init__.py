"""Fetching: the guarded HTTP client, robots.txt, per-host limits, feeds, polling, URLs, pages."""
