"""Opening a workspace the way both the CLI and the app do it."""

from __future__ import annotations

from pathlib import Path

from ycdesk.errors import UnreadableFileError
from ycdesk.i18n import _
from ycdesk.paths import default_workspace
from ycdesk.seed import init_workspace
from ycdesk.store import Store


def open_workspace(path: str | Path | None = None, operator: str | None = None, *,
                   must_exist: bool = False) -> Store:
    """Open ``path`` (default: the user's workspace). A new file is filled from sample_data.

    ``must_exist`` is for commands that read a file the user named: a typo in the path
    must be an error, not a silently created empty workspace.
    """
    target = Path(path) if path else default_workspace()
    if must_exist and not target.exists():
        raise UnreadableFileError(_("工作区文件“{0}”不存在").format(target))
    fresh = not target.exists() or target.stat().st_size == 0
    store = Store(target, operator=operator)
    if fresh:
        try:
            init_workspace(store)
        except BaseException:
            store.close()
            raise
    return store
