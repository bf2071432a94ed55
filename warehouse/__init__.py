"""The DuckDB warehouse: migrations, connections, the ingest lock and the published snapshot."""
