"""Where things live: bundled resources and sample data, and the user's data folder.

Resources are found beside the package when run from source and under PyInstaller's
``sys._MEIPASS`` in the built app, so the same code works in both.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

APP_NAME = "ycdesk"


def bundle_root() -> Path:
    frozen = getattr(sys, "_MEIPASS", None)
    return Path(frozen) if frozen else Path(__file__).resolve().parent.parent


def resources_dir() -> Path:
    return bundle_root() / "resources"


def sample_data_dir() -> Path:
    return bundle_root() / "sample_data"


def font_path() -> Path:
    return resources_dir() / "fonts" / "wqy-microhei.ttc"


def data_dir() -> Path:
    """The user's data folder; ``YCDESK_HOME`` overrides it (tests, portable installs)."""
    override = os.environ.get("YCDESK_HOME")
    if override:
        path = Path(override)
    else:
        # Imported here, not at start-up: platformdirs and its modules cost 18-30 ms
        # (import-time), and a start with YCDESK_HOME set (portable use) never needs them.
        import platformdirs

        path = platformdirs.user_data_path(APP_NAME, appauthor=False)
    path.mkdir(parents=True, exist_ok=True)
    return path


def default_workspace() -> Path:
    return data_dir() / "workspace.ycdesk"


def log_path() -> Path:
    return data_dir() / "ycdesk.log"
