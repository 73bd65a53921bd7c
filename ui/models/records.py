"""A read-only table model over a list of records (dicts) from the core.

Cells are built lazily in ``data()`` from the record and the column's formatter, as
Anki's browser model does, so a refresh only swaps the list.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QModelIndex, Qt

from ui.models.base import RowsModel


@dataclass(frozen=True)
class Col:
    header: str
    key: str
    fmt: Callable[[Any], str] | None = None
    align_right: bool = False


class RecordsModel(RowsModel):
    def __init__(self, columns: list[Col], parent=None) -> None:
        super().__init__(parent)
        self.columns = columns

    def headers(self) -> list[str]:
        return [c.header for c in self.columns]

    @property
    def records(self) -> list[dict]:
        return self.rows

    def column_key(self, column: int) -> str | None:
        return self.columns[column].key if 0 <= column < len(self.columns) else None

    def set_records(self, records: list[dict]) -> None:
        self.beginResetModel()
        self.rows = self.sorted_rows(records)
        self.endResetModel()

    def record(self, row: int) -> dict:
        return self.rows[row]

    def data(self, index: QModelIndex, role=Qt.DisplayRole):
        if not index.isValid():
            return None
        col = self.columns[index.column()]
        if role in (Qt.DisplayRole, Qt.ToolTipRole):
            value = self.rows[index.row()].get(col.key)
            if col.fmt is not None:
                return col.fmt(value)
            return "" if value is None else str(value)
        if role == Qt.TextAlignmentRole and col.align_right:
            return int(Qt.AlignRight | Qt.AlignVCenter)
        return None
