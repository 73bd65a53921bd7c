"""The part every read-only table model here shares: rows of dicts, fixed columns, and
sorting by a header click.

Sorting is the model's own (no proxy): the tabs address rows by the model's row number
(``model.row(i)``), which a proxy would change under them. Rows a subclass marks as fixed
(group headings, subtotals, the grand total) keep their place and the rows between two of
them are sorted among themselves, so a grouped table stays grouped. Empty cells go last
in either direction, as in Excel; numbers (and text that is a number) sort as numbers.
"""

from __future__ import annotations

import math
from decimal import Decimal, InvalidOperation

from PySide6.QtCore import QAbstractTableModel, QModelIndex, Qt


def sort_value(value) -> tuple:
    """Numbers before text, numbers by value ("10" after "9"), lists as their joined text."""
    if isinstance(value, bool):
        return (0, int(value))
    if isinstance(value, int):
        return (0, value)
    if isinstance(value, float) and math.isfinite(value) or isinstance(value, Decimal) and value.is_finite():
        return (0, value)
    if isinstance(value, (list, tuple)):
        value = "、".join(str(v) for v in value)
    text = str(value)
    try:
        number = Decimal(text.strip().rstrip("%"))
    except InvalidOperation:
        return (1, text)
    # Only finite numbers sort as numbers: "NaN" cannot be compared (it raises) and "inf"
    # is a word a cell may hold; both sort as text.
    return (0, number) if number.is_finite() else (1, text)


class RowsModel(QAbstractTableModel):
    """Subclasses set ``self.rows`` (list of dicts) and implement ``data``; ``headers()``
    names the columns, ``column_key()`` the record field a column sorts by. Setters put new
    rows in through :meth:`sorted_rows`, so a chosen sort survives a refresh."""

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.rows: list[dict] = []
        self._unsorted: list[dict] = []
        self.sort_column, self.sort_order = -1, Qt.AscendingOrder

    def headers(self) -> list[str]:
        raise NotImplementedError

    def column_key(self, column: int) -> str | None:
        return None

    def fixed(self, row: dict) -> bool:
        """A row that keeps its place when sorting (a heading or a total)."""
        return False

    def row(self, index: int) -> dict:
        return self.rows[index]

    def rowCount(self, parent=QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent=QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.headers())

    def headerData(self, section, orientation, role=Qt.DisplayRole):
        if role == Qt.DisplayRole and orientation == Qt.Horizontal:
            return self.headers()[section]
        return None

    # -- sorting ------------------------------------------------------------------------------

    def can_sort(self, column: int) -> bool:
        return column < 0 or self.column_key(column) is not None

    def sort(self, column: int, order=Qt.AscendingOrder) -> None:
        if not self.can_sort(column) or (column, order) == (self.sort_column, self.sort_order):
            return
        self.sort_column, self.sort_order = column, order
        self.layoutAboutToBeChanged.emit()
        old = {id(r): i for i, r in enumerate(self.rows)}
        self.rows = self._in_order(self._unsorted)
        where = {old[id(r)]: i for i, r in enumerate(self.rows)}
        for index in self.persistentIndexList():
            self.changePersistentIndex(index, self.index(where[index.row()], index.column()))
        self.layoutChanged.emit()

    def sorted_rows(self, rows: list[dict]) -> list[dict]:
        """``rows`` (in the core's order) in the chosen sort; remembers them for the next sort."""
        self._unsorted = list(rows)
        return self._in_order(self._unsorted)

    def _in_order(self, rows: list[dict]) -> list[dict]:
        key = self.column_key(self.sort_column) if self.sort_column >= 0 else None
        if key is None:
            return list(rows)
        out, run = [], []

        def flush():
            full = [r for r in run if r.get(key) not in (None, "", [])]
            empty = [r for r in run if r.get(key) in (None, "", [])]
            full.sort(key=lambda r: sort_value(r[key]), reverse=self.sort_order == Qt.DescendingOrder)
            out.extend(full + empty)
            run.clear()

        for r in rows:
            if self.fixed(r):
                flush()
                out.append(r)
            else:
                run.append(r)
        flush()
        return out
