"""Extraction: an article's body, its cleanup, and the page's metadata."""
