"""Opening and creating workspaces, the way both the CLI and the app do it.

A workspace is created only on purpose (``ycdesk init``, 新建工作区, the app's first start):
never by opening a file. Opening refuses, with the reason and the newest good backup, an
empty file, a stranger's SQLite database, a file cut short, or a damaged one — any of
which the old code would have migrated or filled with sample data in place.
"""

from __future__ import annotations

import sqlite3
import uuid
from datetime import datetime
from pathlib import Path

from ycdesk.atomic import environment_problem, publish, remove_stale, sqlite_companions, temp_beside
from ycdesk.errors import UnreadableFileError, UserError
from ycdesk.i18n import _
from ycdesk.paths import default_workspace
from ycdesk.store import Store
from ycdesk.store.probe import Probe, probe


class WorkspaceProblem(UnreadableFileError):
    """A file that cannot be opened as a workspace; ``backup`` is the newest good one, if any."""

    def __init__(self, message: str, path: Path, kind: str, backup=None) -> None:
        super().__init__(message)
        self.path, self.kind, self.backup = path, kind, backup


def describe(path: Path, found: Probe) -> str:
    """Why ``path`` is not a usable workspace, in words a user can act on."""
    kind, detail = found.kind, found.detail
    if kind == "missing":
        return _("工作区文件“{0}”不存在").format(path)
    if kind == "directory":
        return _("“{0}”是一个文件夹，不是工作区文件").format(path)
    if kind == "empty":
        return _("“{0}”是空文件（0 字节），不是 ycdesk 工作区").format(path)
    if kind == "not_sqlite":
        return _("“{0}”不是 ycdesk 工作区文件").format(path)
    if kind == "truncated":
        expected, _sep, actual = detail.partition("/")
        if actual:
            return _("工作区“{0}”不完整：文件应有 {1} 字节，只有 {2} 字节（复制中断或磁盘已满？）").format(
                path, expected, actual
            )
        return _("工作区“{0}”不完整：文件只有 {1} 字节").format(path, detail)
    if kind == "blank":
        return _("“{0}”是空的 SQLite 数据库，不是 ycdesk 工作区").format(path)
    if kind == "foreign":
        return _("“{0}”是其他程序的 SQLite 数据库（表：{1}），不是 ycdesk 工作区；不会把它改成工作区").format(
            path, detail
        )
    first = detail.replace("*** in database main ***", "").strip().splitlines()[:2]
    return _("工作区文件已损坏：“{0}”（{1}）。可运行 ycdesk check 查看详情").format(path, "；".join(first)[:200])


def refusal(path: Path, found: Probe) -> WorkspaceProblem:
    """The error for an unusable file, naming the newest good backup and how to restore it."""
    from ycdesk.backups import newest_good

    message = describe(path, found)
    backup = newest_good(path, found.workspace_id) if found.kind != "directory" else None
    if backup is not None:
        message += _('。最近的完好备份：{0}（{1}，{2}）。恢复：ycdesk restore "{0}" --db "{3}"').format(
            backup.path, backup.created_at.strftime("%Y-%m-%d %H:%M"), backup.describe_reason(), path
        )
    elif found.kind == "missing":
        message += (
            _("。新建工作区：ycdesk init")
            if path == default_workspace()
            else _('。新建工作区：ycdesk init --db "{0}"').format(path)
        )
    return WorkspaceProblem(message, path, found.kind, backup)


def open_workspace(path: str | Path | None = None, operator: str | None = None, *, check: bool = True) -> Store:
    """Open an existing workspace (default: the user's). Anything else is refused with
    :class:`WorkspaceProblem` and left exactly as it was. ``check`` runs ``quick_check``
    first (about 10 ms per MB)."""
    target = Path(path) if path else default_workspace()
    found = probe(target, check=check)
    if not found.ok:
        raise refusal(target, found)
    return Store(target, operator=operator)


def create_workspace(
    path: str | Path | None = None,
    operator: str | None = None,
    *,
    demo: bool = True,
    force: bool = False,
    now: datetime | None = None,
) -> Path:
    """Build a workspace from the embedded sample data, atomically: in a temporary file
    in the same folder, renamed into place when complete — a killed ``init`` leaves no
    half-built workspace under the final name. An existing workspace (or any file with
    content) is replaced only with ``force``, and then kept first (see :func:`_set_aside`)."""
    from ycdesk.seed import init_workspace

    target = Path(path) if path else default_workspace()
    now = now or datetime.now().astimezone()
    found = probe(target, check=False)
    if found.kind == "directory":
        raise refusal(target, found)
    replaceable = found.kind in ("missing", "empty", "blank")
    if not replaceable and not force:
        raise UserError(
            _("“{0}”已存在（{1}），不能重复初始化；确需重建请加 --force（原文件会先备份）").format(
                target, _("已有工作区") if found.ok else describe(target, found)
            )
        )
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        remove_stale(target.parent, f".{target.name}.init-*.tmp*")
        temp = temp_beside(target, "init")
        try:
            with Store(temp, operator=operator) as store:
                init_workspace(store, demo=demo)
                store.set_meta("workspace_id", str(uuid.uuid4()))
                store.set_meta("created_at", store.now())
                # Everything into the main file: only it is renamed.
                busy = store.scalar("PRAGMA wal_checkpoint(TRUNCATE)")
            if busy:
                raise UserError(_("无法完成新工作区的写入，请重试"))
            if not replaceable:
                _set_aside(target, found, now)
            for companion in sqlite_companions(target):
                companion.unlink(missing_ok=True)
            publish(temp, target)
        finally:
            for leftover in [temp, *sqlite_companions(temp)]:
                leftover.unlink(missing_ok=True)
    except (OSError, sqlite3.OperationalError) as exc:
        raise environment_problem(exc, _("新建工作区")) from None
    return target


def _set_aside(target: Path, found: Probe, now: datetime) -> Path:
    """Keep the file ``init --force`` replaces: a verified backup of a healthy workspace,
    else a byte copy beside it."""
    if found.ok:
        from ycdesk.backups import write
        from ycdesk.backups.restore import checkpoint_alone

        checkpoint_alone(target)  # never replaced under an open window
        return write(target, found.workspace_id or str(uuid.uuid4()), "before-init", now).path
    import shutil

    aside = target.with_name(f"{target.name}.before-init-{now.strftime('%Y%m%d-%H%M%S-%f')}")
    shutil.copyfile(target, aside)
    return aside
