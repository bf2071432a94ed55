"""DuckDB extensions the warehouse needs, loaded from pinned PyPI packages.

DuckDB cannot download extensions here, so the FTS extension (whose ``stem()`` the search
index uses, at load time and at query time) comes from ``duckdb-extension-fts``: its file
sits inside the installed package.
"""

from __future__ import annotations

from pathlib import Path

import duckdb


class ExtensionMissing(RuntimeError):
    """An extension's package is missing or does not match DuckDB; the message says why."""


def fts_extension_path() -> Path:
    """The FTS extension file shipped by the installed ``duckdb-extension-fts`` package."""
    try:
        import duckdb_extension_fts
    except ImportError:
        raise ExtensionMissing(
            "the duckdb-extension-fts package is not installed (pip install -e .)"
        ) from None
    package = Path(next(iter(duckdb_extension_fts.__path__)))
    path = package / "extensions" / f"v{duckdb.__version__}" / "fts.duckdb_extension"
    if not path.is_file():
        found = sorted(p.name for p in (package / "extensions").glob("v*"))
        raise ExtensionMissing(
            f"no FTS extension for DuckDB {duckdb.__version__} in {package} (has: {found}); "
            "install duckdb-extension-fts of the same version as duckdb"
        )
    return path


def load_fts(con: duckdb.DuckDBPyConnection) -> None:
    """Load the FTS extension into this connection (read-only connections too)."""
    path = str(fts_extension_path())
    # LOAD takes no parameters; the path comes from the installed package, not from input.
    con.execute("LOAD '" + path.replace("'", "''") + "'")
