"""Backups worth having: verified, complete with evidence, kept per workspace.

Layout, beside the workspace file::

    backups/<workspace id>/20250301-090000-000000-before-import-findings.db   the copy
    backups/<workspace id>/20250301-090000-000000-before-import-findings.json reason, time, size, check, files
    backups/<workspace id>/files/ab/ab12…                                     evidence, by SHA-256, stored once

The folder is named by the workspace's id (kept in its ``meta``), not by its file name, so
``w.ycdesk`` and ``w-2024.ycdesk`` never share or rotate each other's backups. A copy is
written under a temporary name with SQLite's online backup API, checked with
``PRAGMA quick_check``, and only then renamed; its JSON record is written last and is what
makes a backup exist (a copy without one is a leftover of a killed run, never listed, and
removed later). The record lives beside the copy, not in the workspace, so restoring an
older copy does not lose the list. A workspace that fails the check is refused: the
good backups already there are never rotated out by a bad one.
"""

from __future__ import annotations

import json
import re
import sqlite3
from dataclasses import asdict, dataclass, field
from datetime import datetime, timedelta
from pathlib import Path

from ycdesk.atomic import (
    STALE_SECONDS,
    copy_verified,
    environment_problem,
    file_sha256,
    publish,
    remove_stale,
    temp_beside,
)
from ycdesk.backups.retention import to_keep
from ycdesk.errors import UnreadableFileError
from ycdesk.i18n import _
from ycdesk.store.probe import quick_check, read_only

STAMP = "%Y%m%d-%H%M%S-%f"
_NAME = re.compile(r"^(\d{8}-\d{6}-\d{6})-([A-Za-z0-9_-]+)\.db$")
_LEGACY = r"^{stem}-(\d{{8}}-\d{{6}}-\d{{6}})-([A-Za-z0-9_-]+)\.db$"  # backups/<stem>-<stamp>-<reason>.db (before per-id folders)

REASONS = {
    "manual": "手动备份",
    "scheduled": "每日自动备份",
    "before-restore": "恢复前的工作区",
    "before-init": "重新初始化前的工作区",
    "before-demo-removal": "删除演示数据前",
    "before-undo-import": "撤销导入前",
}


class DamagedWorkspaceError(UnreadableFileError):
    """The workspace failed ``quick_check``: it is not backed up over the good copies."""


@dataclass
class Backup:
    path: Path
    created_at: datetime
    reason: str
    size: int
    check: str  # "ok", what quick_check found, or "未检查" for a backup made by an older version
    workspace_id: str | None = None
    workspace_name: str = ""
    sha256: str | None = None
    files: list[str] = field(default_factory=list)
    missing_files: list[str] = field(default_factory=list)
    legacy: bool = False

    @property
    def ok(self) -> bool:
        return self.check == "ok"

    @property
    def record(self) -> Path:
        return self.path.with_suffix(".json")

    @property
    def files_dir(self) -> Path:
        return self.path.parent / "files"

    def size_text(self) -> str:
        return f"{self.size / 1048576:.1f} MB" if self.size >= 1048576 else f"{self.size / 1024:.0f} KB"

    def describe_reason(self) -> str:
        if self.reason.startswith("before-import-"):
            return _("导入前（{0}）").format(self.reason.removeprefix("before-import-"))
        if self.reason.startswith("before-migration-"):
            return _("升级数据结构前（版本{0}）").format(self.reason.removeprefix("before-migration-"))
        return _(REASONS.get(self.reason, self.reason))

    def as_json(self) -> dict:
        data = asdict(self)
        data.update(
            path=str(self.path),
            created_at=self.created_at.isoformat(timespec="seconds"),
            reason_text=self.describe_reason(),
        )
        return data


def root_for(workspace: Path) -> Path:
    return Path(workspace).parent / "backups"


def folder_for(workspace: Path, workspace_id: str) -> Path:
    return root_for(workspace) / workspace_id


def evidence_dir(workspace: Path) -> Path:
    """Where a workspace keeps its evidence files (as :class:`~ycdesk.findings.Findings` does)."""
    workspace = Path(workspace)
    return workspace.with_name(workspace.name + ".files")


def evidence_path(folder: Path, sha: str) -> Path:
    return folder / sha[:2] / sha


# -- writing ------------------------------------------------------------------------------


def write(
    source: Path, workspace_id: str, reason: str, now: datetime, *, protect: Path | None = None, progress=None
) -> Backup:
    """Back up the committed state of the workspace file ``source`` into its id folder,
    with its evidence, then apply retention. Raises :class:`DamagedWorkspaceError` (and
    writes nothing) if the copy fails ``quick_check``. ``progress(done, total)`` is called
    as pages are copied; raising from it (a cancel) stops the backup and leaves no file."""
    return stage(source, workspace_id, reason, now, progress).publish(protect)


@dataclass
class Staged:
    """A backup copied, checked and hashed under a temporary name beside its final one, not
    yet a backup: :meth:`publish` makes it one (and applies retention), :meth:`discard`
    drops it, leaving the folder as it was."""

    temp: Path
    backup: Backup

    def publish(self, protect: Path | None = None) -> Backup:
        folder = self.backup.path.parent
        try:
            try:
                newest = next(iter(read_folder(folder)), None) if self.backup.reason == "scheduled" else None
                if newest and (newest.sha256, newest.missing_files) == (self.backup.sha256, []):
                    # Nothing changed since the newest backup: a daily copy of the same bytes
                    # would only push older restore points out of the rotation.
                    return newest
                publish(self.temp, self.backup.path)
            finally:
                self.discard()
            _write_record(self.backup)
            rotate(folder, self.backup.created_at, protect)
        except (OSError, sqlite3.OperationalError) as exc:
            raise environment_problem(exc, _("备份")) from None
        return self.backup

    def discard(self) -> None:
        self.temp.unlink(missing_ok=True)


def stage(source: Path, workspace_id: str, reason: str, now: datetime, progress=None) -> Staged:
    """The copy of :func:`write`, up to (not including) putting it in the folder."""
    source = Path(source)
    reason = re.sub(r"[^A-Za-z0-9_-]", "-", reason)  # it is part of a file name
    folder = folder_for(source, workspace_id)
    try:
        folder.mkdir(parents=True, exist_ok=True)
        remove_stale(folder, ".*.tmp*")
        remove_stale(folder / "files", "*/.*.tmp")  # evidence copies cut short
        final = folder / f"{now.strftime(STAMP)}-{reason}.db"
        while final.exists() or final.with_suffix(".json").exists():  # same microsecond (a fake clock)
            now += timedelta(microseconds=1)
            final = folder / f"{now.strftime(STAMP)}-{reason}.db"
        temp = temp_beside(final, "backup")
        try:
            _copy_database(source, temp, workspace_id, progress)
            needed = _needed_files(temp)
            copied, missing = _store_evidence(evidence_dir(source), folder / "files", needed)
            backup = Backup(
                final,
                now,
                reason,
                temp.stat().st_size,
                "ok",
                workspace_id,
                source.name,
                file_sha256(temp),
                copied,
                missing,
            )
        except BaseException:
            temp.unlink(missing_ok=True)
            raise
    except (OSError, sqlite3.OperationalError) as exc:
        raise environment_problem(exc, _("备份")) from None
    return Staged(temp, backup)


class InBackground:
    """:func:`stage` on a worker thread, for a caller that holds the write lock and works in
    its own uncommitted transaction meanwhile (an import): the copy is of the committed
    state, which nobody else can change while the lock is held, so it is exactly the
    state before the caller's work. SQLite's backup step, ``quick_check`` and hashing run
    without the GIL, so the copy costs the caller little wall time on a second core.
    Then :meth:`publish` (waits, raises what the copy raised) or :meth:`discard`."""

    def __init__(self, source: Path, workspace_id: str, reason: str, now: datetime) -> None:
        import threading

        self._staged: Staged | None = None
        self._error: BaseException | None = None
        self._thread = threading.Thread(
            target=self._run, args=(source, workspace_id, reason, now), name="ycdesk-backup", daemon=True
        )
        self._thread.start()

    def _run(self, *args) -> None:
        try:
            self._staged = stage(*args)
        except BaseException as exc:  # noqa: BLE001 - handed to the caller in publish()
            self._error = exc

    def publish(self, protect: Path | None = None) -> Backup:
        self._thread.join()
        if self._error is not None:
            raise self._error
        staged, self._staged = self._staged, None
        return staged.publish(protect)

    def discard(self) -> None:
        self._thread.join()
        if self._staged is not None:
            self._staged.discard()
            self._staged = None


def write_to(source: Path, dest: Path, workspace_id: str | None) -> Path:
    """A single verified copy at ``dest``; its evidence goes to ``<dest>.files/`` (the same
    layout a workspace uses, so the copy opens as a workspace with its evidence)."""
    source, dest = Path(source), Path(dest)
    temp = temp_beside(dest, "backup")
    try:
        _copy_database(source, temp, workspace_id)
        _store_evidence(evidence_dir(source), evidence_dir(dest), _needed_files(temp))
        publish(temp, dest)
    except (OSError, sqlite3.OperationalError) as exc:
        raise environment_problem(exc, _("备份")) from None
    finally:
        temp.unlink(missing_ok=True)
    return dest


def _copy_database(source: Path, dest: Path, workspace_id: str | None, progress=None) -> None:
    # Read through a connection of its own: it sees the last committed state, even when
    # the caller is inside a transaction it has not committed yet (an import about to commit).
    src = read_only(source)
    out = sqlite3.connect(dest, isolation_level=None)
    try:
        # No syncs while writing: the file is unseen until publish() syncs and renames it.
        out.execute("PRAGMA synchronous = OFF")
        if progress is None:
            src.backup(out)
        else:  # in steps, so that a cancel raised from progress stops it between two
            src.backup(out, pages=256, progress=lambda _status, remaining, total: progress(total - remaining, total))
        # A self-contained file: no -wal needed beside it, whoever opens it later.
        out.execute("PRAGMA journal_mode = DELETE")
        if workspace_id:
            out.execute("INSERT OR IGNORE INTO meta (key, value) VALUES ('workspace_id', ?)", (workspace_id,))
    finally:
        out.close()
        src.close()
    check = quick_check(dest)
    if check != "ok":
        dest.unlink(missing_ok=True)
        raise DamagedWorkspaceError(
            _("工作区“{0}”未通过完整性检查（{1}），没有备份；已有的备份保持不变").format(source, check)
        )


def _needed_files(database: Path) -> list[str]:
    """Evidence a copy refers to, soft-deleted attachments included (a restore may bring them back)."""
    conn = read_only(database)
    try:
        if not conn.execute("SELECT 1 FROM sqlite_master WHERE name = 'attachments'").fetchone():
            return []
        return [r[0] for r in conn.execute("SELECT DISTINCT sha256 FROM attachments ORDER BY 1")]
    finally:
        conn.close()


def _store_evidence(source: Path, store: Path, needed: list[str]) -> tuple[list[str], list[str]]:
    """Copy each needed evidence file into ``store`` once (files are immutable, named by
    their hash); returns (stored, missing or damaged in the workspace)."""
    stored, missing = [], []
    for sha in needed:
        target = evidence_path(store, sha)
        if target.exists():
            stored.append(sha)
            continue
        original = evidence_path(source, sha)
        if not original.is_file():
            missing.append(sha)
            continue
        target.parent.mkdir(parents=True, exist_ok=True)
        try:
            copy_verified(original, target, sha)
        except ValueError:  # the workspace's own copy no longer matches its hash
            missing.append(sha)
            continue
        stored.append(sha)
    return stored, missing


def _write_record(backup: Backup) -> None:
    record = backup.as_json()
    record.pop("path")
    record["created_at"] = backup.created_at.isoformat()
    temp = temp_beside(backup.record, "record")
    temp.write_text(json.dumps(record, ensure_ascii=False, indent=1), encoding="utf-8")
    publish(temp, backup.record)


# -- listing and rotation -------------------------------------------------------------------


def read_folder(folder: Path) -> list[Backup]:
    """The backups recorded in one id folder, newest first (copies without a record are not backups)."""
    found = []
    for record in folder.glob("*.json") if folder.is_dir() else ():
        path = record.with_suffix(".db")
        if record.name.startswith(".") or not _NAME.match(path.name) or not path.is_file():
            continue
        try:
            data = json.loads(record.read_text(encoding="utf-8"))
            found.append(
                Backup(
                    path,
                    datetime.fromisoformat(data["created_at"]),
                    data["reason"],
                    data["size"],
                    data["check"],
                    data.get("workspace_id"),
                    data.get("workspace_name", ""),
                    data.get("sha256"),
                    data.get("files", []),
                    data.get("missing_files", []),
                )
            )
        except (OSError, ValueError, KeyError, TypeError):
            continue  # a record cut short or edited by hand: not offered for restore
    return sorted(found, key=lambda b: (b.created_at, b.path.name), reverse=True)


def list_backups(workspace: Path, workspace_id: str | None) -> list[Backup]:
    """Every backup of a workspace, newest first. Without an id (the file is unreadable, or
    older than ids), backups are matched by the file name recorded with each one."""
    workspace = Path(workspace)
    root = root_for(workspace)
    if workspace_id:
        found = read_folder(root / workspace_id)
    else:
        found = [
            b
            for folder in (root.iterdir() if root.is_dir() else ())
            if folder.is_dir()
            for b in read_folder(folder)
            if b.workspace_name == workspace.name
        ]
    found += _legacy(root, workspace)
    return sorted(found, key=lambda b: (b.created_at, b.path.name), reverse=True)


def newest_good(workspace: Path, workspace_id: str | None) -> Backup | None:
    return next((b for b in list_backups(workspace, workspace_id) if b.ok), None)


def _legacy(root: Path, workspace: Path) -> list[Backup]:
    pattern = re.compile(_LEGACY.format(stem=re.escape(workspace.stem)))
    out = []
    for path in root.glob("*.db") if root.is_dir() else ():
        match = pattern.match(path.name)
        if match:
            out.append(
                Backup(
                    path,
                    datetime.strptime(match[1], STAMP).astimezone(),
                    match[2],
                    path.stat().st_size,
                    _("未检查"),
                    workspace_name=workspace.name,
                    legacy=True,
                )
            )
    return out


def rotate(folder: Path, now: datetime, protect: Path | None = None) -> list[Path]:
    """Delete the backups retention does not keep (never ``protect``), then evidence no
    kept backup needs."""
    backups = read_folder(folder)
    keep = to_keep([(b.path, b.created_at) for b in backups], now) | {protect}
    removed = []
    for b in backups:
        if b.path not in keep:
            b.record.unlink(missing_ok=True)  # the record first: a half-removed backup is not listed
            b.path.unlink(missing_ok=True)
            removed.append(b.path)
    _remove_orphans(folder)
    _collect_files(folder, {sha for b in backups if b.path in keep for sha in b.files})
    return removed


def _remove_orphans(folder: Path) -> None:
    """Copies whose record was never written: a run killed between the two renames."""
    import time

    limit = time.time() - STALE_SECONDS
    for path in folder.glob("*.db"):
        if not path.with_suffix(".json").exists() and path.stat().st_mtime < limit:
            path.unlink(missing_ok=True)


def _collect_files(folder: Path, needed: set[str]) -> None:
    import time

    recent = time.time() - STALE_SECONDS  # a backup running in another process may just have stored it
    for path in (folder / "files").glob("*/*"):
        if path.name not in needed and path.stat().st_mtime < recent:
            path.unlink(missing_ok=True)


# -- checking ---------------------------------------------------------------------------------


def verify(backup: Backup) -> str:
    """Check a backup again now: the copy (quick_check and its recorded hash) and every
    evidence file it needs. Returns "ok" or what is wrong."""
    if not backup.path.is_file():
        return _("备份文件不存在")
    check = quick_check(backup.path)
    if check != "ok" or backup.legacy:
        return check
    if backup.sha256 and file_sha256(backup.path) != backup.sha256:
        return _("备份文件已被改动（校验值不符）")
    bad = [
        sha
        for sha in backup.files
        if not evidence_path(backup.files_dir, sha).is_file()
        or file_sha256(evidence_path(backup.files_dir, sha)) != sha
    ]
    if bad:
        return _("{0} 份佐证材料缺失或已损坏").format(len(bad))
    return "ok"
