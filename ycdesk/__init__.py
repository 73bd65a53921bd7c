"""ycdesk core: domain rules, the SQLite store, import/export, reports and the CLI.

This package never imports PySide6, so the CLI, the tests and any future server can
use it without a display.
"""

__version__ = "0.1.0"

from ycdesk.errors import UserError  # noqa: E402
from ycdesk.store import Store  # noqa: E402

__all__ = ["Store", "UserError", "__version__"]
