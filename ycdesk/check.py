"""``ycdesk check``: is this workspace whole and its history untouched?

Checks, on a read-only connection that never migrates or creates anything: SQLite's own
``integrity_check`` and ``foreign_key_check``; every history trigger present, none extra,
each exactly as :func:`ycdesk.store.history.install_triggers` writes it; every evidence
file present under ``<workspace>.files/xx/<sha256>`` with that SHA-256; and the hash chain
of history (:mod:`ycdesk.store.chain`), naming the first row that breaks it.
"""

from __future__ import annotations

import hashlib
import sqlite3
from dataclasses import asdict, dataclass, field
from pathlib import Path

from ycdesk.errors import UnreadableFileError
from ycdesk.i18n import _
from ycdesk.store import chain
from ycdesk.store.history import trigger_sql

SQLITE_HEADER = b"SQLite format 3\x00"
# Columns every audited table has (migrations.COMMON): such a table must have triggers.
_COMMON = {"id", "created_at", "updated_at", "deleted_at", "is_demo"}


@dataclass
class Problem:
    kind: str  # integrity | foreign_key | trigger | evidence | history
    message: str  # Chinese, for people
    detail: dict = field(default_factory=dict)


@dataclass
class CheckReport:
    path: str
    problems: list[Problem] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    history_rows: int = 0
    history_head: str | None = None  # the last row's hash: note it elsewhere to pin history
    evidence_files: int = 0

    @property
    def ok(self) -> bool:
        return not self.problems

    @property
    def exit_code(self) -> int:
        return 0 if self.ok else 1

    def as_dict(self) -> dict:
        return {
            "path": self.path,
            "ok": self.ok,
            "problems": [asdict(p) for p in self.problems],
            "notes": self.notes,
            "history_rows": self.history_rows,
            "history_head": self.history_head,
            "evidence_files": self.evidence_files,
        }


def open_readonly(path: Path) -> sqlite3.Connection:
    """The workspace for reading only; a missing, empty or foreign file is unreadable (exit 2)."""
    if not path.exists():
        raise UnreadableFileError(_("工作区文件“{0}”不存在").format(path))
    if not path.is_file():
        raise UnreadableFileError(_("“{0}”是文件夹，不是工作区文件").format(path))
    try:
        with open(path, "rb") as fh:
            head = fh.read(16)
    except OSError as exc:
        raise UnreadableFileError(_("无法读取“{0}”：{1}").format(path, exc.strerror or exc)) from None
    if head != SQLITE_HEADER:
        raise UnreadableFileError(_("“{0}”不是 ycdesk 工作区文件").format(path))
    uri = path.resolve().as_uri()
    try:
        conn = sqlite3.connect(f"{uri}?mode=ro", uri=True, isolation_level=None)
        try:
            conn.execute("SELECT COUNT(*) FROM sqlite_master").fetchone()
        except sqlite3.OperationalError:  # a folder nobody may write: no -shm can be made
            conn.close()
            conn = sqlite3.connect(f"{uri}?mode=ro&immutable=1", uri=True, isolation_level=None)
        tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    except sqlite3.DatabaseError as exc:
        raise UnreadableFileError(_("无法读取工作区“{0}”：{1}").format(path, exc)) from None
    if not {"meta", "history"} <= tables:
        conn.close()
        raise UnreadableFileError(_("“{0}”是 SQLite 文件，但不是 ycdesk 工作区").format(path))
    return conn


def check_workspace(path: str | Path, progress=None) -> CheckReport:
    """Everything ``ycdesk check`` reports. ``progress(fraction, text)`` is called between steps."""
    path = Path(path)
    step = progress or (lambda fraction, text: None)
    conn = open_readonly(path)
    report = CheckReport(str(path))
    try:
        for fraction, text, run in (
            (0.0, _("检查数据库完整性"), _integrity),
            (0.3, _("检查外键"), _foreign_keys),
            (0.4, _("检查修改记录触发器"), _triggers),
            (0.5, _("检查佐证材料"), lambda c, r: _evidence(c, r, path)),
            (0.7, _("检查修改记录校验链"), _history),
        ):
            step(fraction, text)
            try:
                run(conn, report)
            except sqlite3.DatabaseError as exc:  # a damaged page stops one check, not all
                report.problems.append(Problem("integrity", _("{0}时出错：{1}").format(text, exc)))
        step(1.0, "")
    finally:
        conn.close()
    return report


def _integrity(conn, report: CheckReport) -> None:
    for (line,) in conn.execute("PRAGMA integrity_check(100)"):
        if line != "ok":
            report.problems.append(Problem("integrity", _("数据库完整性：{0}").format(line)))


def _foreign_keys(conn, report: CheckReport) -> None:
    for table, rowid, parent, _fk in conn.execute("PRAGMA foreign_key_check"):
        report.problems.append(
            Problem(
                "foreign_key",
                _("“{0}”表第 {1} 行引用的“{2}”记录不存在").format(table, rowid, parent),
                {"table": table, "rowid": rowid, "parent": parent},
            )
        )


def audited_tables(conn) -> list[str]:
    """Tables that must have history triggers: those built with the common audited columns."""
    out = []
    for (name,) in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name"):
        if _COMMON <= {r[1] for r in conn.execute(f"PRAGMA table_info({name})")}:
            out.append(name)
    return out


def derived_trigger_sql(conn) -> dict[str, str]:
    """The triggers that keep derived data (search indexes, per-audit counts; migrations
    15 and 21), as the workspace's last migration wrote them: they are checked like the
    history triggers."""
    import re

    from ycdesk.store.migrations import FINDING_COUNTS, FTS_FINDINGS, FTS_FINDINGS_21, has_grams

    out = {}
    for sql in (*(FTS_FINDINGS_21 if has_grams(conn) else FTS_FINDINGS), *FINDING_COUNTS):
        m = re.match(r"\s*CREATE TRIGGER (\w+)", sql)
        if m:
            out[m.group(1)] = sql
    return out


def _triggers(conn, report: CheckReport) -> None:
    stored = {
        name: (table, sql)
        for name, table, sql in conn.execute("SELECT name, tbl_name, sql FROM sqlite_master WHERE type = 'trigger'")
    }
    expected: dict[str, str] = {}
    for table in audited_tables(conn):
        expected.update(trigger_sql(conn, table))
    if conn.execute("SELECT 1 FROM sqlite_master WHERE name = 'finding_counts'").fetchone():
        expected.update(derived_trigger_sql(conn))  # a workspace at schema 15 or later
    for name, sql in expected.items():
        if name not in stored:
            report.problems.append(
                Problem(
                    "trigger",
                    _("缺少修改记录触发器 {0}：此后对该表的修改可能未被记录").format(name),
                    {"trigger": name, "state": "missing"},
                )
            )
        elif " ".join(stored[name][1].split()) != " ".join(sql.split()):
            report.problems.append(
                Problem("trigger", _("修改记录触发器 {0} 被改动过").format(name), {"trigger": name, "state": "altered"})
            )
    for name, (table, _sql) in sorted(stored.items()):
        if name not in expected:
            report.problems.append(
                Problem(
                    "trigger",
                    _("多出的触发器 {0}（在“{1}”表上）").format(name, table),
                    {"trigger": name, "table": table, "state": "unexpected"},
                )
            )


def _evidence(conn, report: CheckReport, path: Path) -> None:
    if not conn.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'attachments'").fetchone():
        return
    folder = path.parent / (path.name + ".files")
    seen: dict[str, bool] = {}
    for row_id, name, sha, size in conn.execute(
        "SELECT id, original_name, sha256, size FROM attachments ORDER BY rowid"
    ):
        if sha not in seen:
            seen[sha] = True
            problem = _file_problem(folder / sha[:2] / sha, sha, size)
            if problem:
                report.problems.append(
                    Problem(
                        "evidence",
                        _("佐证材料“{0}”{1}").format(name, problem),
                        {"attachment": row_id, "sha256": sha, "file": str(folder / sha[:2] / sha)},
                    )
                )
    report.evidence_files = len(seen)


def _file_problem(file: Path, sha: str, size: int) -> str | None:
    if not file.is_file():
        return _("不见了（{0}）").format(file)
    digest = hashlib.sha256()
    try:
        with open(file, "rb") as fh:
            for block in iter(lambda: fh.read(1 << 20), b""):
                digest.update(block)
    except OSError as exc:
        return _("无法读取：{0}").format(exc.strerror or exc)
    if digest.hexdigest() != sha:
        return _("内容被改动过（SHA-256 不符，{0}）").format(file)
    return None


_BREAKS = {
    "edited": "第 {0} 条修改记录（{1}，{2}）与校验链不符：它或它之前的一条被改动、删除或插入过",
    "unsealed": "第 {0} 条修改记录（{1}，{2}）没有校验值：它是在 ycdesk 之外写入的",
    "missing_tail": "最后的修改记录被删除了：记录到第 {0} 条之前为止，而工作区曾写到更后面",
}


def _history(conn, report: CheckReport) -> None:
    report.history_rows = conn.execute("SELECT COUNT(*) FROM history").fetchone()[0]
    if not chain.has_chain(conn):
        report.notes.append(_("工作区版本较旧，修改记录尚无校验链（用本程序打开一次即会建立）"))
        return
    broken = chain.verify(conn)
    if broken:
        report.problems.append(
            Problem(
                "history",
                _(_BREAKS[broken.reason]).format(broken.seq, broken.table_name, broken.at),
                {"seq": broken.seq, "table": broken.table_name, "at": broken.at, "reason": broken.reason},
            )
        )
    head = chain.head(conn)
    report.history_head = head[1] if head else None
