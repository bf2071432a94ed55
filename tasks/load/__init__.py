"""Warehouse-side work: runs, polls and batches loaded, entities, syndication, search."""
