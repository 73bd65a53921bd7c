"""ycdesk core: domain rules, the SQLite store, import/export, reports and the CLI.

This package never imports PySide6, so the CLI, the tests and any future server can
use it without a display.
"""

__version__ = "0.1.0"

from ycdesk.errors import UserError  # noqa: E402


def __getattr__(name: str):
    # Store is loaded on first use, not with the package: the exchange child process
    # (ycdesk/exchange/worker.py) imports ycdesk's rules but must never load Python's
    # sqlite3 beside apsw's SQLite.
    if name == "Store":
        from ycdesk.store import Store

        return Store
    raise AttributeError(name)


__all__ = ["Store", "UserError", "__version__"]
