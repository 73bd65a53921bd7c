"""A read-only table model over a list of records (dicts) from the core.

Cells are built lazily in ``data()`` from the record and the column's formatter, as
Anki's browser model does, so a refresh only swaps the list.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, Qt


@dataclass(frozen=True)
class Col:
    header: str
    key: str
    fmt: Callable[[Any], str] | None = None
    align_right: bool = False


class RecordsModel(QAbstractTableModel):
    def __init__(self, columns: list[Col], parent=None) -> None:
        super().__init__(parent)
        self.columns = columns
        self.records: list[dict] = []

    def set_records(self, records: list[dict]) -> None:
        self.beginResetModel()
        self.records = list(records)
        self.endResetModel()

    def record(self, row: int) -> dict:
        return self.records[row]

    def rowCount(self, parent=QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.records)

    def columnCount(self, parent=QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.columns)

    def data(self, index: QModelIndex, role=Qt.DisplayRole):
        if not index.isValid():
            return None
        col = self.columns[index.column()]
        if role in (Qt.DisplayRole, Qt.ToolTipRole):
            value = self.records[index.row()].get(col.key)
            if col.fmt is not None:
                return col.fmt(value)
            return "" if value is None else str(value)
        if role == Qt.TextAlignmentRole and col.align_right:
            return int(Qt.AlignRight | Qt.AlignVCenter)
        return None

    def headerData(self, section: int, orientation, role=Qt.DisplayRole):
        if role != Qt.DisplayRole:
            return None
        if orientation == Qt.Horizontal:
            return self.columns[section].header
        return str(section + 1)
