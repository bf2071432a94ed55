"""Prefect flows: ingest and reprocess, how CPU work runs, and the local server for serve."""
