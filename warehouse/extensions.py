"""DuckDB extensions the warehouse needs, loaded from pinned PyPI packages.

DuckDB cannot download extensions here, so each extension comes from its
``duckdb-extension-<name>`` package, whose file sits inside the installed package: FTS (whose
``stem()`` the search index uses, at load time and at query time), DuckLake (the warehouse's
storage), and the catalog database's scanner (SQLite by default, PostgreSQL when shared).
"""

from __future__ import annotations

import importlib
from pathlib import Path

import duckdb


class ExtensionMissing(RuntimeError):
    """An extension's package is missing or does not match DuckDB; the message says why."""


def extension_path(name: str, package: str | None = None) -> Path:
    """The file of extension ``name`` shipped by the installed ``duckdb-extension-*`` package."""
    module_name = package or f"duckdb_extension_{name}"
    dist = module_name.replace("_", "-")
    try:
        module = importlib.import_module(module_name)
    except ImportError:
        raise ExtensionMissing(f"the {dist} package is not installed (pip install -e .)") from None
    folder = Path(next(iter(module.__path__)))
    path = folder / "extensions" / f"v{duckdb.__version__}" / f"{name}.duckdb_extension"
    if not path.is_file():
        found = sorted(p.name for p in (folder / "extensions").glob("v*"))
        raise ExtensionMissing(
            f"no {name} extension for DuckDB {duckdb.__version__} in {folder} (has: {found}); "
            f"install {dist} of the same version as duckdb"
        )
    return path


def fts_extension_path() -> Path:
    """The FTS extension file shipped by the installed ``duckdb-extension-fts`` package."""
    return extension_path("fts")


def load_extension(con: duckdb.DuckDBPyConnection, name: str, package: str | None = None) -> None:
    """Load extension ``name`` from its package into this connection."""
    path = str(extension_path(name, package))
    # LOAD takes no parameters; the path comes from the installed package, not from input.
    con.execute("LOAD '" + path.replace("'", "''") + "'")


def load_fts(con: duckdb.DuckDBPyConnection) -> None:
    """Load the FTS extension into this connection (read-only connections too)."""
    load_extension(con, "fts")
