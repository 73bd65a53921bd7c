"""Restoring a backup in place of the workspace, so that nothing is lost on the way.

Order matters, and every step can be killed without leaving a mixture:

1. the backup is checked (a ycdesk workspace, ``quick_check``, its recorded hash);
2. it is copied beside the workspace under a temporary name and checked again;
3. the workspace being replaced is kept: a verified backup (reason ``before-restore``) if
   it is healthy — after a checkpoint, so its ``-wal`` holds nothing the file lacks — or a
   byte copy beside it if it is damaged;
4. its ``-wal``/``-shm`` are removed *before* the new file takes its name: a stale WAL
   left beside a replaced file is replayed onto it by SQLite, bringing the new data back
   or corrupting the copy ("database disk image is malformed");
5. the copy is renamed into place (the one atomic step: before it the old workspace is
   there, after it the restored one).

The evidence files the restored workspace refers to are put back before step 3.

The caller must have closed its own connections to the workspace first.
"""

from __future__ import annotations

import json
import shutil
import sqlite3
import uuid
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from ycdesk.atomic import (
    copy_verified,
    environment_problem,
    file_sha256,
    publish,
    remove_stale,
    sqlite_companions,
    temp_beside,
)
from ycdesk.backups import _copy_database, _needed_files, evidence_dir, evidence_path, write
from ycdesk.errors import EnvironmentProblem, UnreadableFileError
from ycdesk.i18n import _
from ycdesk.store.probe import probe


@dataclass
class Restored:
    workspace: Path
    backup: Path
    kept: Path | None  # where the replaced workspace was kept (None: there was nothing to keep)
    evidence: int = 0  # evidence files put back
    missing: list[str] = field(default_factory=list)  # evidence neither the backup nor the workspace has


def check_backup(backup: Path) -> None:
    """Refuse (UnreadableFileError) a file that cannot safely become the workspace."""
    from ycdesk.store.migrations import LATEST

    found = probe(backup)
    if not found.ok:
        from ycdesk.workspace import describe

        raise UnreadableFileError(_("不能用“{0}”恢复：{1}").format(backup, describe(backup, found)))
    if found.schema_version > LATEST:
        raise UnreadableFileError(_("备份“{0}”由更新版本的 ycdesk 写成，请升级后再恢复").format(backup))
    record = backup.with_suffix(".json")
    if record.is_file():
        try:
            expected = json.loads(record.read_text(encoding="utf-8")).get("sha256")
        except ValueError:
            expected = None
        if expected and file_sha256(backup) != expected:
            raise UnreadableFileError(_("备份“{0}”已被改动（校验值与备份时不符），不能用于恢复").format(backup))


def restore(backup: str | Path, workspace: str | Path, now: datetime) -> Restored:
    backup, workspace = Path(backup), Path(workspace)
    if backup.resolve() == workspace.resolve():
        raise UnreadableFileError(_("备份文件就是工作区本身：{0}").format(backup))
    check_backup(backup)
    try:
        workspace.parent.mkdir(parents=True, exist_ok=True)
        remove_stale(workspace.parent, f".{workspace.name}.restore-*.tmp*")
        temp = temp_beside(workspace, "restore")
        result = Restored(workspace, backup, None)
        try:
            _copy_database(backup, temp, None)
            # Evidence first: files are immutable and named by their hash, so extra ones do
            # no harm, and once the new file takes the name, all it refers to is there.
            _restore_evidence(backup, temp, workspace, result)
            result.kept = _keep_replaced(workspace, now, backup)
            for companion in sqlite_companions(workspace):
                companion.unlink(missing_ok=True)
            publish(temp, workspace)
        finally:
            temp.unlink(missing_ok=True)
    except (OSError, sqlite3.OperationalError) as exc:
        raise environment_problem(exc, _("恢复")) from None
    return result


def _keep_replaced(workspace: Path, now: datetime, restoring: Path) -> Path | None:
    found = probe(workspace)
    if found.kind in ("missing", "empty"):
        return None
    if found.ok:
        checkpoint_alone(workspace)
        # The backup being restored stays, whatever the rotation would say.
        return write(workspace, found.workspace_id or str(uuid.uuid4()), "before-restore", now, protect=restoring).path
    # Damaged or not ours: keep its bytes (and a WAL that may hold its last changes) as they are.
    aside = workspace.with_name(f"{workspace.name}.before-restore-{now.strftime('%Y%m%d-%H%M%S-%f')}")
    for source, target in zip([workspace, *sqlite_companions(workspace)], [aside, *sqlite_companions(aside)]):
        if source.exists():
            shutil.copyfile(source, target)
    return aside


def checkpoint_alone(workspace: Path) -> None:
    """Fold the -wal into the file, and make sure no other connection has the workspace
    open: replacing it under an open ycdesk window would leave that window writing into
    the replaced file. Even an idle connection blocks an exclusive lock."""
    conn = sqlite3.connect(workspace, isolation_level=None, timeout=2)
    try:
        busy = conn.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()[0]
        if not busy:
            conn.execute("PRAGMA locking_mode = EXCLUSIVE")
            conn.execute("BEGIN EXCLUSIVE")
            conn.execute("COMMIT")
    except sqlite3.OperationalError:
        busy = True
    finally:
        conn.close()
    if busy:
        raise EnvironmentProblem(
            _("工作区“{0}”正被其他程序使用（例如打开着的 ycdesk 窗口），请先关闭它").format(workspace)
        )


def _restore_evidence(backup: Path, copy: Path, workspace: Path, result: Restored) -> None:
    sources = [backup.parent / "files", evidence_dir(backup)]
    target_dir = evidence_dir(workspace)
    for sha in _needed_files(copy):
        target = evidence_path(target_dir, sha)
        if target.is_file() and file_sha256(target) == sha:
            continue
        for folder in sources:
            source = evidence_path(folder, sha)
            if source.is_file():
                target.parent.mkdir(parents=True, exist_ok=True)
                try:
                    copy_verified(source, target, sha)
                except ValueError:
                    continue
                result.evidence += 1
                break
        else:
            result.missing.append(sha)
