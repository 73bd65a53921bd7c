"""ycdesk core: domain rules, the SQLite store, import/export, reports and the CLI.

This package never imports PySide6, so the CLI, the tests and any future server can
use it without a display.
"""

__version__ = "0.1.0"

from ycdesk.errors import UserError  # noqa: E402

__all__ = ["Store", "UserError", "__version__"]


def __getattr__(name: str):
    # ``ycdesk.Store`` on first use: importing any ycdesk module (paths, errors, the
    # version for the About box) need not load the store and sqlite3 before the app's
    # first paint.
    if name == "Store":
        from ycdesk.store import Store

        return Store
    raise AttributeError(f"module 'ycdesk' has no attribute {name!r}")
