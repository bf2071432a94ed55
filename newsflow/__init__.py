"""newsflow: news feeds -> article bodies -> entities and quotes -> a DuckDB warehouse."""

__version__ = "0.1.0"
