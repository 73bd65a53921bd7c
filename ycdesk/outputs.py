"""Where an output may be written: never over the workspace, an input, or a workspace.

Every command that writes a file the user named (``--rejected``, ``-o`` of export, report
and template, ``backup -o``) asks :func:`check_output_path` first: ``--rejected w.ycdesk``
once replaced the workspace itself with a workbook.
"""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

from ycdesk.errors import UserError
from ycdesk.i18n import _

SQLITE_HEADER = b"SQLite format 3\x00"
_SIDE_FILES = ("-wal", "-shm", "-journal")


def _same(a: Path, b: Path) -> bool:
    try:
        if a.exists() and b.exists():
            return os.path.samefile(a, b)
    except OSError:
        pass
    return a.resolve() == b.resolve()


def is_workspace(path: Path) -> bool:
    """A SQLite file with ycdesk's tables (``meta`` and ``history``): a workspace or a backup."""
    try:
        with open(path, "rb") as fh:
            if fh.read(16) != SQLITE_HEADER:
                return False
    except OSError:
        return False
    try:
        conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
        try:
            names = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        finally:
            conn.close()
    except sqlite3.DatabaseError:
        return True  # SQLite's header but unreadable: a damaged workspace is still not a scratch file
    return {"meta", "history"} <= names


def check_output_path(path: str | Path, *, workspace: str | Path | None = None, inputs=()) -> Path:
    """``path`` if writing there cannot destroy the workspace, one of ``inputs`` or another
    workspace; otherwise a :class:`UserError` saying which (nothing is written)."""
    out = Path(path)
    if out.is_dir():
        raise UserError(_("输出“{0}”是文件夹，请给出文件名").format(out))
    if workspace:
        ws = Path(workspace)
        files = ws.parent / (ws.name + ".files")
        if _same(out, ws) or any(_same(out, Path(str(ws) + s)) for s in _SIDE_FILES):
            raise UserError(_("不能写到“{0}”：那是正在使用的工作区文件本身").format(out))
        if files.resolve() in out.resolve().parents:
            raise UserError(_("不能写到“{0}”：那是工作区的佐证材料文件夹").format(out))
    for source in inputs:
        if source and _same(out, Path(source)):
            raise UserError(_("不能写到“{0}”：那是输入文件本身").format(out))
    if out.is_file() and is_workspace(out):
        raise UserError(_("不能写到“{0}”：那是另一个 ycdesk 工作区（或其备份），不会覆盖它").format(out))
    return out
