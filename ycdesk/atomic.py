"""Files that appear whole or not at all: written under a temporary name, then renamed.

A rename within one folder is atomic on every file system we run on, so a process killed
at any moment leaves either the old file or the new one under the final name, never half
of one. Temporary names start with a dot and carry the purpose, so a later run can tell
its own leftovers from the user's files and remove them.
"""

from __future__ import annotations

import errno
import hashlib
import os
import time
import uuid
from pathlib import Path

from ycdesk.errors import EnvironmentProblem
from ycdesk.i18n import _

# A temporary file this old is a leftover of a killed run: no backup, restore or init takes an hour.
STALE_SECONDS = 3600


def temp_beside(path: Path, purpose: str) -> Path:
    """A fresh temporary name in ``path``'s folder (same file system, so a rename is atomic)."""
    return path.parent / f".{path.name}.{purpose}-{uuid.uuid4().hex[:12]}.tmp"


def remove_stale(folder: Path, pattern: str, *, older_than: float = STALE_SECONDS) -> int:
    """Remove leftovers of killed runs (and their -journal/-wal/-shm) matching ``pattern``."""
    removed = 0
    if not folder.is_dir():
        return 0
    limit = time.time() - older_than
    for path in folder.glob(pattern):
        try:
            if path.is_file() and path.stat().st_mtime < limit:
                path.unlink()
                removed += 1
        except OSError:  # another process removed it, or it is in use: leave it
            pass
    return removed


def sqlite_companions(path: Path) -> list[Path]:
    """The files SQLite keeps beside a database."""
    return [path.with_name(path.name + suffix) for suffix in ("-wal", "-shm", "-journal")]


def fsync_file(path: Path) -> None:
    with open(path, "rb") as fh:
        os.fsync(fh.fileno())


def fsync_dir(folder: Path) -> None:
    """Make a rename durable (POSIX); Windows has no directory handles to sync."""
    if os.name == "nt":
        return
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def publish(temp: Path, final: Path) -> None:
    """Rename a finished temporary file into place, durably."""
    fsync_file(temp)
    os.replace(temp, final)
    fsync_dir(final.parent)


def copy_verified(source: Path, dest: Path, sha256: str) -> None:
    """Copy ``source`` to ``dest`` (via a temporary name), checking the copy's SHA-256."""
    temp = temp_beside(dest, "copy")
    digest = hashlib.sha256()
    try:
        with open(source, "rb") as src, open(temp, "wb") as out:
            for block in iter(lambda: src.read(1 << 20), b""):
                digest.update(block)
                out.write(block)
            out.flush()
            os.fsync(out.fileno())
        if digest.hexdigest() != sha256:
            raise ValueError(sha256)
        os.replace(temp, dest)
    finally:
        temp.unlink(missing_ok=True)


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def environment_problem(exc: Exception, what: str) -> EnvironmentProblem:
    """An OSError (or SQLite's "locked", "unable to open") while writing, as the Chinese
    message a user can act on."""
    code = getattr(exc, "errno", None)
    if code == errno.ENOSPC or "full" in str(exc):
        reason = _("磁盘空间不足")
    elif code in (errno.EACCES, errno.EPERM, errno.EROFS) or "readonly" in str(exc):
        reason = _("没有写入权限（文件或文件夹只读，或正被其他程序使用）")
    elif code == errno.ENOENT:
        reason = _("文件夹不存在")
    elif "locked" in str(exc) or "busy" in str(exc):
        reason = _("工作区正被其他程序使用")
    else:
        reason = getattr(exc, "strerror", None) or str(exc)
    return EnvironmentProblem(_("{0}失败：{1}（{2}）").format(what, reason, getattr(exc, "filename", None) or ""))
