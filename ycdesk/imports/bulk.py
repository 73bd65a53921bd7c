"""New rows queued per table and written with executemany, parents before children.

Ids and timestamps are assigned when a row is queued, so its id is known (for the
handlers' lookups) before it is written; one import shares one timestamp. Queued rows are
plain lists in a fixed column order per table: a 100,000-row import makes no dict per row.
Everything is written at the end (``flush``), so a queued row stays changeable for the
whole import: the same record twice in one file means the later row wins, unwritten.
(The handlers keep every record of the file in their lookups anyway, so writing earlier
would not lower peak memory.)
"""

from __future__ import annotations

import sqlite3

from ycdesk.errors import UserError
from ycdesk.i18n import _
from ycdesk.store.ids import new_ids


class BulkInserts:
    ID_BLOCK = 20_000

    def __init__(self, store) -> None:
        self.store = store
        self.now = store.now()
        # table → (columns, rows, column → position)
        self.pending: dict[str, tuple[tuple[str, ...], list[list], dict[str, int]]] = {}
        self.queued: dict[str, tuple[dict[str, int], list]] = {}  # id → (positions, row), still changeable
        self._ids: list[str] = []
        self.flushed = False  # rows queued with add_rows may be changed in place until then

    def next_id(self) -> str:
        if not self._ids:
            self._ids = new_ids(self.ID_BLOCK)[::-1]  # popped from the end, so in time order
        return self._ids.pop()

    def add(self, table: str, record: dict) -> str:
        """Queue ``record`` (a dict; an ``id`` in it is kept) and return its id."""
        row_id = record.get("id") or self.next_id()
        columns = ("id", *(k for k in record if k != "id"), "created_at", "updated_at")
        self.add_row(table, columns, [row_id, *(v for k, v in record.items() if k != "id"), self.now, self.now])
        return row_id

    def add_row(self, table: str, columns: tuple[str, ...], row: list) -> None:
        """Queue one row already laid out as ``columns`` (``id`` first, timestamps included)."""
        entry = self._entry(table, columns)
        entry[1].append(row)
        self.queued[row[0]] = (entry[2], row)

    def add_rows(self, table: str, columns: tuple[str, ...], rows: list[list]) -> None:
        """Queue many rows laid out as ``columns``. The caller keeps them and may still
        change them in place until :meth:`flush` (they are not in ``queued``)."""
        self._entry(table, columns)[1].extend(rows)

    def _entry(self, table: str, columns: tuple[str, ...]):
        entry = self.pending.get(table)
        if entry is None or entry[0] != columns:
            if entry is not None:  # another column set: write what waits, then start afresh
                self.flush()
            entry = self.pending[table] = (columns, [], {c: i for i, c in enumerate(columns)})
        return entry

    def update_queued(self, row_id: str, changes: dict) -> bool:
        """Change a row that is still waiting (the same record twice in one file: the later
        row wins before anything is written). False if it has been written already."""
        if row_id not in self.queued:
            return False
        positions, row = self.queued[row_id]
        if not changes.keys() <= positions.keys():
            return False
        for key, value in changes.items():
            row[positions[key]] = value
        return True

    def flush(self) -> None:
        if self.pending:
            self.flushed = True
        pending, self.pending = self.pending, {}
        self.queued.clear()
        from ycdesk.imports.kinds import table_order

        order = table_order()
        undeclared = [t for t in pending if t not in order]
        if undeclared:  # a kind wrote a table it did not declare: say which, not a ValueError
            raise UserError(
                _("导入写入了未声明的表：{0}（请在导入类型的 tables 中声明）").format("、".join(undeclared))
            )
        for table in sorted(pending, key=order.index):
            columns, rows, _positions = pending[table]
            try:
                self.store.bulk_insert(table, list(columns), rows)
            except sqlite3.IntegrityError as exc:
                raise UserError(_("写入{0}时违反约束：{1}").format(table, exc)) from None
