"""Add or edit an observation. The core validates; an outlier asks for confirmation."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QWidget,
)

from ui.file_dialogs import open_file
from ui.undo import run_change
from ycdesk.errors import NeedsConfirmation, NeedsReason, UserError
from ycdesk.rules.observations import accepts_words
from ycdesk.townships import CITY, DISTRICT


class ObservationDialog(QDialog):
    def __init__(
        self, store, indicator: dict, record: dict | None = None, scope: str | None = None, parent=None
    ) -> None:
        super().__init__(parent)
        self.store, self.indicator, self.record = store, indicator, record
        self.saved_id: str | None = None
        self.old_fields: dict | None = None
        self.future_reason: str | None = None  # asked only for a period still to come
        self.setWindowTitle(self.tr("编辑观测值") if record else self.tr("新增观测值"))
        self.period = QLineEdit(record["period"] if record else "")
        self.period.setPlaceholderText(self.tr("年份 2024 或季度 2024Q3"))
        self.scope = QComboBox()
        for name in (DISTRICT, *store.townships.names(), CITY):
            self.scope.addItem(name)
        self.scope.setCurrentText((record or {}).get("scope") or scope or DISTRICT)
        value = ""
        if record:
            value = record["value_text"] or ("" if record["value"] is None else f"{record['value']:g}")
        self.value = QLineEdit(value)
        self.value.setPlaceholderText(self.value_hint(indicator))
        self.source = QLineEdit((record or {}).get("source") or "")
        self.note = QLineEdit((record or {}).get("note") or "")
        self.evidence = QLineEdit((record or {}).get("evidence_path") or "")
        browse = QPushButton(self.tr("选择…"))
        browse.clicked.connect(self.choose_evidence)
        evidence_row = QWidget()
        er = QHBoxLayout(evidence_row)
        er.setContentsMargins(0, 0, 0, 0)
        er.addWidget(self.evidence)
        er.addWidget(browse)
        if record:
            self.period.setEnabled(False)
            self.scope.setEnabled(False)
        form = QFormLayout(self)
        form.addRow(
            QLabel(
                f"<b>{indicator['name']}</b>　目标：{indicator.get('effective_target') or indicator.get('target_text') or '—'}"
            )
        )
        form.addRow(self.tr("期间(&P)："), self.period)
        form.addRow(self.tr("范围(&R)："), self.scope)
        form.addRow(self.tr("值(&V)："), self.value)
        form.addRow(self.tr("来源(&S)："), self.source)
        form.addRow(self.tr("备注(&N)："), self.note)
        form.addRow(self.tr("佐证材料(&E)："), evidence_row)
        buttons = QDialogButtonBox(QDialogButtonBox.Save | QDialogButtonBox.Cancel)
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)

    def value_hint(self, indicator: dict) -> str:
        """Only what the validator would accept: words only where the target is met by
        words, a percentage only from 0 to 100."""
        unit = indicator.get("unit") or ""
        if accepts_words(indicator):
            return self.tr("数值（{0}）或文字，如“完成”").format(unit) if unit else self.tr("数值或文字，如“完成”")
        if unit == "%":
            return self.tr("0–100 之间的数值（%），如 92.5")
        return self.tr("数值（{0}）").format(unit) if unit else self.tr("数值")

    def choose_evidence(self) -> None:
        path = open_file(self, self.tr("选择佐证材料"))
        if path:
            self.evidence.setText(path)

    def _fields(self) -> dict:
        return {
            "source": self.source.text().strip() or None,
            "note": self.note.text().strip() or None,
            "evidence_path": self.evidence.text().strip() or None,
        }

    def _write(self, confirm: bool) -> None:
        ind, name = self.store.indicators, self.indicator["name"][:12]
        if self.record:
            self.old_fields = run_change(
                self,
                self.tr("修改“{0}”{1}的观测值").format(name, self.record["period"]),
                lambda: ind.update_observation(
                    self.record["id"], self.value.text(), confirm_outlier=confirm, **self._fields()
                ),
            )
            self.saved_id = self.record["id"]
        else:
            self.saved_id = run_change(
                self,
                self.tr("新增“{0}”的观测值").format(name),
                lambda: ind.add_observation(
                    self.indicator["id"],
                    self.period.text(),
                    self.value.text(),
                    scope=self.scope.currentText(),
                    confirm_outlier=confirm,
                    future_reason=self.future_reason,
                    **self._fields(),
                ),
            )

    def save(self) -> None:
        """Save through the core's observation validator; a period still to come asks for a
        reason and an outlier for a confirmation, then tries again. The dialog stays open
        with what was typed when the value is refused."""
        confirm = False
        while True:
            try:
                self._write(confirm=confirm)
            except NeedsReason as question:
                reason, ok = QInputDialog.getText(self, self.tr("需要原因"), str(question))
                if not ok or not reason.strip():
                    return
                self.future_reason = reason.strip()
                continue
            except NeedsConfirmation as question:
                answer = QMessageBox.question(self, self.tr("请确认"), str(question) + self.tr("\n\n仍然保存？"))
                if answer != QMessageBox.Yes:
                    return
                confirm = True
                continue
            except UserError as exc:
                QMessageBox.warning(self, self.tr("无法保存"), str(exc))
                return
            break
        self.accept()
