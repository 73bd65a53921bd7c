"""``ycdesk --self-test``: prove an installed copy works, with no network at all.

Builds a workspace from the embedded sample data in a temporary folder, checks the plan's
totals, generates the quarterly report, has the application check its main window
offscreen (``window_check``, from ``ui.launcher``: the core knows no window), and exits 0
— or prints what failed and exits 1. Any attempt to open a network connection during the
test fails it.
"""

from __future__ import annotations

import os
import socket
import sys
import tempfile
from pathlib import Path


class NetworkUsed(RuntimeError):
    pass


GUARDED = (
    (socket.socket, "connect"),
    (socket.socket, "connect_ex"),
    (socket, "create_connection"),
    (socket, "getaddrinfo"),
)


def _forbid_network():
    """Make every way out fail loudly; returns a function that puts them back."""
    saved = [(owner, name, getattr(owner, name)) for owner, name in GUARDED]

    def refuse(*args, **kwargs):
        raise NetworkUsed(f"network access attempted: {args[1:2] or args[:1]}")

    for owner, name in GUARDED:
        setattr(owner, name, refuse)
    return lambda: [setattr(owner, name, original) for owner, name, original in saved]


def run(window_check=None) -> int:
    """``window_check(store, folder)`` (from the Qt side) returns what is wrong with the
    window it opened, or None."""
    restore = _forbid_network()
    try:
        return _run(window_check)
    finally:
        restore()


def _run(window_check) -> int:
    from ycdesk.reports import quarterly
    from ycdesk.summary import summary
    from ycdesk.tempdir import process_dir
    from ycdesk.workspace import create_workspace, open_workspace

    folder = Path(tempfile.mkdtemp(prefix="selftest-", dir=process_dir()))
    os.environ.setdefault("YCDESK_HOME", str(folder / "home"))
    try:
        store = open_workspace(create_workspace(folder / "selftest.ycdesk", "自检"), operator="自检")
        data = summary(store)["projects"]
        if (data["count"], data["total_investment"], data["fyp_investment"]) != (29, "443.55", "239.29"):
            print(f"self-test: wrong plan totals {data['count']} {data['total_investment']} {data['fyp_investment']}")
            return 1
        report = quarterly.build(store, "2025Q4", folder / "quarterly.pdf")
        size = Path(report["path"]).stat().st_size
        if window_check is not None:
            problem = window_check(store, folder)
            if problem:
                print(f"self-test: {problem}")
                return 1
        print(
            f"self-test ok: 29 projects 443.55/239.29, quarterly report {size} bytes, "
            f"window {'checked' if window_check else 'skipped'}"
        )
        return 0
    except NetworkUsed as exc:
        print(f"self-test: {exc}")
        return 1
    except Exception as exc:  # report, do not crash: the build script reads the exit code
        import traceback

        traceback.print_exc()
        print(f"self-test failed: {exc}", file=sys.stderr)
        return 1
