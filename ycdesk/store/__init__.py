"""The workspace: one SQLite file, opened and migrated by :class:`Store`.

``Store`` owns the connection (sqlite3 connections belong to one thread: background work
opens its own Store on the same file) and exposes one manager per area —
``store.indicators``, ``store.projects``, ``store.audits``, ``store.townships`` — in the
manner of Anki's ``Collection``. Writes go through :meth:`insert`, :meth:`update` and
:meth:`soft_delete` so ids and timestamps are uniform; triggers record history.
"""

from __future__ import annotations

import getpass
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from operator import itemgetter
from pathlib import Path
from typing import Any

from ycdesk.errors import NotFoundError, UnreadableFileError, UserError
from ycdesk.i18n import _
from ycdesk.store import derived, migrations
from ycdesk.store.ids import new_id

BACKUPS_KEPT = 10


def default_operator() -> str:
    try:
        return getpass.getuser()
    except Exception:  # no login name on some service accounts
        return "未知"


class Store:
    def __init__(
        self,
        path: str | Path,
        operator: str | None = None,
        *,
        migrate: bool = True,
        clock=None,
    ) -> None:
        self.path = Path(path)
        self.operator = operator or default_operator()
        self._clock = clock or (lambda: datetime.now().astimezone())
        self.conn = self._connect(self.path)
        if migrate:
            self.migrate()
        self._managers()

    # -- connection -------------------------------------------------------------------

    def _connect(self, path: Path) -> sqlite3.Connection:
        if path.exists() and path.is_file():
            with open(path, "rb") as fh:
                head = fh.read(16)
            if head and head != b"SQLite format 3\x00":
                raise UnreadableFileError(_("“{0}”不是 ycdesk 工作区文件").format(path))
        path.parent.mkdir(parents=True, exist_ok=True)
        try:
            # isolation_level=None: we issue BEGIN/COMMIT ourselves, so an import can
            # be one transaction however many statements it runs.
            conn = sqlite3.connect(path, isolation_level=None, check_same_thread=True)
            conn.row_factory = sqlite3.Row
            conn.execute("PRAGMA foreign_keys = ON")
            conn.execute("PRAGMA busy_timeout = 5000")
            conn.execute("PRAGMA journal_mode = WAL")
            conn.execute("PRAGMA synchronous = NORMAL")
            conn.execute("PRAGMA cache_size = -65536")  # 64 MB: bulk imports touch many index pages
        except sqlite3.DatabaseError as exc:
            raise UnreadableFileError(_("无法打开工作区“{0}”：{1}").format(path, exc)) from None
        conn.create_function("ycdesk_operator", 0, lambda: self.operator)
        conn.create_function("ycdesk_now", 0, self.now)
        return conn

    def _managers(self) -> None:
        from ycdesk.audits import Audits
        from ycdesk.findings import Findings
        from ycdesk.indicators import Indicators
        from ycdesk.projects import Projects
        from ycdesk.townships import Townships

        self.townships = Townships(self)
        self.indicators = Indicators(self)
        self.projects = Projects(self)
        self.audits = Audits(self)
        self.findings = Findings(self)

    def migrate(self, target: int = migrations.LATEST) -> list[int]:
        current = migrations.version(self.conn)
        if current and current < target:
            # Never migrate a user's data without a copy to go back to.
            self.backup(reason=f"before-migration-{current}")
        return migrations.migrate(self.conn, target)

    @property
    def schema_version(self) -> int:
        return migrations.version(self.conn)

    def now(self) -> str:
        return self._clock().isoformat(timespec="seconds")

    def today(self):
        """The local date by the store's clock: "not in the future" means after this."""
        return self._clock().date()

    def close(self) -> None:
        self.conn.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    # -- transactions -----------------------------------------------------------------

    @contextmanager
    def transaction(self) -> Iterator[None]:
        """One all-or-nothing unit of work; nested calls become savepoints."""
        if self.conn.in_transaction:
            name = f"sp_{new_id().replace('-', '')}"
            self.conn.execute(f"SAVEPOINT {name}")
            try:
                yield
            except BaseException:
                self.conn.execute(f"ROLLBACK TO {name}")
                self.conn.execute(f"RELEASE {name}")
                raise
            self.conn.execute(f"RELEASE {name}")
            return
        self.conn.execute("BEGIN IMMEDIATE")
        try:
            yield
        except BaseException:
            self.conn.execute("ROLLBACK")
            raise
        self.conn.execute("COMMIT")

    def bulk_insert(self, table: str, columns: list[str], rows) -> None:
        """executemany for many new rows, their history written afterwards in one statement.

        The per-row insert trigger is dropped for the load and recreated after it, inside
        the same transaction: if anything fails, the rollback brings the trigger back too,
        and no other connection ever sees the table without it."""
        from ycdesk.store.history import install_triggers, record_inserted

        rows = rows if isinstance(rows, list) else list(rows)
        original = rows
        null = _null_columns(rows, len(columns))
        if null:  # written as NULL in the statement, not bound: see _null_columns
            keep = [j for j in range(len(columns)) if j not in null]
            rows = list(map(itemgetter(*keep), rows)) if len(keep) > 1 else [(row[keep[0]],) for row in rows]
        values = ", ".join("NULL" if j in null else "?" for j in range(len(columns)))
        with self.transaction():
            before = self.scalar(f"SELECT COALESCE(MAX(rowid), 0) FROM {table}")
            self.conn.execute(f"DROP TRIGGER IF EXISTS history_{table}_insert")
            # Derived data (search index, per-audit counts) for the new rows at once,
            # rather than trigger calls per row; then the triggers back.
            triggers = derived.drop_insert_triggers(self.conn, table)
            self.conn.executemany(f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({values})", rows)
            record_inserted(self.conn, table, before)
            install_triggers(self.conn, table, ("insert",))
            if triggers:
                derived.fill(self.conn, table, before, columns, original)
                for sql in triggers:
                    self.conn.execute(sql)

    @contextmanager
    def indexes_deferred(self, table: str, incoming: int) -> Iterator[DeferredIndexes]:
        """Build ``table``'s plain (non-unique) indexes after a load instead of row by row,
        when the load is at least as big as the table: sorting once is cheaper than
        100,000 index insertions (as SQLite's own guidance for bulk loads says). Must run
        inside a transaction, so readers never see the table without its indexes. A caller
        that will roll back sets ``rolling_back``: the rollback restores them for free."""
        if not self.conn.in_transaction:
            raise RuntimeError("indexes_deferred needs a transaction")
        state = DeferredIndexes()
        if incoming >= 10_000 and incoming >= self.scalar(f"SELECT COUNT(*) FROM {table}"):
            # Unique indexes stay: they are what refuses a duplicate row.
            state.dropped = self.conn.execute(
                "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = ? AND sql IS NOT NULL "
                "AND sql NOT LIKE 'CREATE UNIQUE%'", (table,)).fetchall()
            for name, _sql in state.dropped:
                self.conn.execute(f"DROP INDEX {name}")
        yield state
        if not state.rolling_back:
            for _name, sql in state.dropped:
                self.conn.execute(sql)

    # -- generic record access ----------------------------------------------------------

    def query(self, sql: str, params: Any = ()) -> list[dict]:
        return [dict(row) for row in self.conn.execute(sql, params)]

    def scalar(self, sql: str, params: Any = ()) -> Any:
        row = self.conn.execute(sql, params).fetchone()
        return None if row is None else row[0]

    def get(self, table: str, row_id: str, *, include_deleted: bool = False) -> dict:
        sql = f"SELECT * FROM {table} WHERE id = ?"
        if not include_deleted:
            sql += " AND deleted_at IS NULL"
        row = self.conn.execute(sql, (row_id,)).fetchone()
        if row is None:
            raise NotFoundError(_("记录不存在或已删除：{0}").format(row_id))
        return dict(row)

    def insert(self, table: str, record: dict) -> str:
        now = self.now()
        record = {"id": new_id(), **record, "created_at": now, "updated_at": now}
        cols = ", ".join(record)
        marks = ", ".join("?" for _ in record)
        try:
            self.conn.execute(f"INSERT INTO {table} ({cols}) VALUES ({marks})", list(record.values()))
        except sqlite3.IntegrityError as exc:
            raise UserError(_integrity_message(table, exc)) from None
        return record["id"]

    def update(self, table: str, row_id: str, changes: dict) -> None:
        if not changes:
            return
        self.get(table, row_id)
        changes = {**changes, "updated_at": self.now()}
        sets = ", ".join(f"{c} = ?" for c in changes)
        try:
            self.conn.execute(f"UPDATE {table} SET {sets} WHERE id = ?", [*changes.values(), row_id])
        except sqlite3.IntegrityError as exc:
            raise UserError(_integrity_message(table, exc)) from None

    def soft_delete(self, table: str, row_id: str) -> None:
        self.update(table, row_id, {"deleted_at": self.now()})

    def restore(self, table: str, row_id: str) -> None:
        row = self.get(table, row_id, include_deleted=True)
        if row["deleted_at"] is None:
            return
        now = self.now()
        self.conn.execute(
            f"UPDATE {table} SET deleted_at = NULL, updated_at = ? WHERE id = ?", (now, row_id)
        )

    def history(self, table: str | None = None, row_id: str | None = None) -> list[dict]:
        where, params = [], []
        if table:
            where.append("table_name = ?")
            params.append(table)
        if row_id:
            where.append("row_id = ?")
            params.append(row_id)
        sql = "SELECT * FROM history_full" + (" WHERE " + " AND ".join(where) if where else "")
        return self.query(sql + " ORDER BY seq", params)

    def history_with_children(self, table: str, row_id: str,
                              children: tuple[tuple[str, str], ...] = ()) -> list[dict]:
        """History of a record and of its child rows (``(child table, foreign key)``), newest first."""
        where, params = ["(table_name = ? AND row_id = ?)"], [table, row_id]
        for child, key in children:
            where.append(f"(table_name = ? AND row_id IN (SELECT id FROM {child} WHERE {key} = ?))")
            params += [child, row_id]
        return self.query(f"SELECT * FROM history_full WHERE {' OR '.join(where)} ORDER BY seq DESC", params)

    # -- meta and backups -------------------------------------------------------------

    def meta(self, key: str, default: str | None = None) -> str | None:
        value = self.scalar("SELECT value FROM meta WHERE key = ?", (key,))
        return default if value is None else value

    def set_meta(self, key: str, value: str) -> None:
        self.conn.execute(
            "INSERT INTO meta (key, value) VALUES (?, ?) "
            "ON CONFLICT(key) DO UPDATE SET value = excluded.value",
            (key, value),
        )

    def backup(self, dest: str | Path | None = None, *, reason: str = "manual") -> Path:
        """Copy the live workspace with SQLite's online backup API; keep the newest few."""
        if dest is None:
            folder = self.path.parent / "backups"
            folder.mkdir(parents=True, exist_ok=True)
            stamp = self._clock().strftime("%Y%m%d-%H%M%S-%f")
            dest = folder / f"{self.path.stem}-{stamp}-{reason}.db"
            self._rotate(folder)
        dest = Path(dest)
        target = sqlite3.connect(dest)
        try:
            self.conn.backup(target)
        finally:
            target.close()
        return dest

    def backup_if_due(self, hours: float = 24) -> Path | None:
        """The scheduled backup: one a day (checked when the app opens a workspace)."""
        from datetime import timedelta

        last = self.meta("last_scheduled_backup")
        now = self._clock()
        if last and datetime.fromisoformat(last) > now - timedelta(hours=hours):
            return None
        path = self.backup(reason="scheduled")
        self.set_meta("last_scheduled_backup", now.isoformat(timespec="seconds"))
        return path

    def _rotate(self, folder: Path) -> None:
        old = sorted(folder.glob(f"{self.path.stem}-*.db"))
        for path in old[: max(0, len(old) - (BACKUPS_KEPT - 1))]:
            path.unlink(missing_ok=True)


class DeferredIndexes:
    def __init__(self) -> None:
        self.dropped: list = []
        self.rolling_back = False


def _integrity_message(table: str, exc: sqlite3.IntegrityError) -> str:
    text = str(exc)
    if "UNIQUE" in text:
        return _("与已有记录重复（{0}）").format(text.split(":")[-1].strip())
    if "FOREIGN KEY" in text:
        return _("引用的记录不存在")
    if "CHECK" in text:
        return _("数值不符合规则（{0}）").format(table)
    if "NOT NULL" in text:
        return _("缺少必填项（{0}）").format(text.split(":")[-1].strip())
    return _("保存失败：{0}").format(text)


def _null_columns(rows: list, width: int) -> set[int]:
    """Positions that are None in every row. Python's sqlite3 (3.11) looks every bound None
    up in its adapter registry, about 0.3 µs each: for a 100,000-row import with five empty
    columns that was 0.14 s of a 0.36 s executemany. A literal NULL in the statement stores
    exactly the same (unlike leaving the column out, which would take its default)."""
    if not rows:
        return set()
    out = set()
    for j, value in enumerate(rows[0]):
        if value is None:
            try:
                if set(map(itemgetter(j), rows)) == {None}:
                    out.add(j)
            except TypeError:  # an unhashable value: certainly not None
                pass
    return out if len(out) < width else set()

