"""Settings: one typed model read from the TOML config and validated once."""
