"""Problems of the computer rather than of the input — a locked workspace, a full disk, a
read-only file or folder, a folder that is not there — turned into one Chinese message
(:class:`EnvironmentProblem`, exit 3) instead of a traceback. A file the user gave as input
that is a folder or cannot be read is an unreadable input (exit 2); a damaged workspace
file is unreadable too.
"""

from __future__ import annotations

import errno
import sqlite3
from pathlib import Path

from ycdesk.errors import EnvironmentProblem, UnreadableFileError, UserError
from ycdesk.i18n import _

_SQLITE = (
    (
        ("database is locked", "database table is locked"),
        "工作区正被其他程序或窗口写入，等待后仍未释放：请稍后再试，或先关闭正在写入它的程序",
    ),
    (("database or disk is full",), "磁盘空间已满，未能写入：请清理磁盘后重试（未完成的写入已整体撤回）"),
    (
        ("attempt to write a readonly database", "readonly database"),
        "工作区不可写（文件只读、所在文件夹不可写或在只读介质上）：可查看、导出和生成报告，不能修改",
    ),
    (("unable to open database file",), "无法打开或新建数据库文件：所在文件夹不存在或没有访问权限"),
    (("disk i/o error",), "读写磁盘出错（磁盘已满、已拔出或损坏）：请检查磁盘后重试"),
)
_DAMAGED = ("database disk image is malformed", "file is not a database", "file is encrypted")


def _where(path) -> str:
    return f"（{path}）" if path else ""


def environment_problem(exc: BaseException, path=None, *, inputs=()) -> UserError | None:
    """The user-facing error for ``exc``, or None if it is not an environment problem
    (then it is a bug and keeps its traceback). ``inputs``: files the user gave to be
    read; an OS error on one of them is an unreadable input (exit 2)."""
    if isinstance(exc, UserError):
        return exc
    if not isinstance(exc, (sqlite3.Error, OSError)):
        # Libraries wrap the OS error (XlsxWriter's FileCreateError, for one): look inside.
        inner = next((e for e in (exc.__cause__, *exc.args[:1]) if isinstance(e, (sqlite3.Error, OSError))), None)
        return None if inner is None else environment_problem(inner, path, inputs=inputs)
    if isinstance(exc, sqlite3.DatabaseError):
        text = str(exc).lower()
        if any(d in text for d in _DAMAGED):
            return UnreadableFileError(
                _("工作区文件已损坏{0}：{1}。可运行 ycdesk check 查看，或从备份恢复").format(_where(path), exc)
            )
        if isinstance(exc, sqlite3.OperationalError):
            for needles, message in _SQLITE:
                if any(n in text for n in needles):
                    # "unable to open" may be about another file (a backup's target): no name.
                    return EnvironmentProblem(_(message) + ("" if "unable to open" in text else _where(path)))
        return None
    if isinstance(exc, OSError):
        name = exc.filename
        given = {Path(p).resolve() for p in inputs if p}
        if name is not None and Path(name).resolve() in given:
            if isinstance(exc, IsADirectoryError):
                return UnreadableFileError(_("“{0}”是文件夹，不是文件").format(name))
            if isinstance(exc, FileNotFoundError):
                return UnreadableFileError(_("找不到文件：{0}").format(name))
            return UnreadableFileError(_("无法读取“{0}”：{1}").format(name, exc.strerror or exc))
        where = _where(name)
        if exc.errno == errno.ENOSPC:
            return EnvironmentProblem(_("磁盘空间已满，未能写入{0}：请清理磁盘后重试").format(where))
        if exc.errno in (errno.EROFS, errno.EACCES, errno.EPERM):
            return EnvironmentProblem(_("没有写入权限{0}：文件或文件夹只读，或在只读介质上").format(where))
        if isinstance(exc, FileNotFoundError):
            folder = Path(name).parent if name else ""
            return EnvironmentProblem(_("文件夹不存在：{0}").format(folder))
        if isinstance(exc, IsADirectoryError):
            return EnvironmentProblem(_("“{0}”是文件夹，不能写成文件").format(name))
        if exc.errno in (errno.EIO, errno.EDQUOT, errno.ENODEV, errno.ENXIO):
            return EnvironmentProblem(_("读写磁盘出错{0}：{1}").format(where, exc.strerror or exc))
    return None
