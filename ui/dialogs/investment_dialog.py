"""Add or edit one investment-progress record. The core validates; errors keep the dialog open."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
)

from ui.undo import run_change
from ycdesk.errors import UserError
from ycdesk.money import format_wan, read_amount


class InvestmentDialog(QDialog):
    def __init__(self, store, project: dict, record: dict | None = None, parent=None) -> None:
        super().__init__(parent)
        self.store = store
        self.project = project
        self.record = record
        self.saved_id: str | None = None
        self.setWindowTitle(self.tr("编辑投资进展") if record else self.tr("填报投资进展"))
        self.period = QLineEdit(record["period"] if record else "")
        self.period.setPlaceholderText(self.tr("如 2024 或 2024Q3"))
        self.amount = QLineEdit(format_wan(record["amount_yuan"]) if record else "")
        self.amount.setPlaceholderText(self.tr("本期完成投资，万元"))
        self.source = QLineEdit((record or {}).get("source") or "")
        self.note = QLineEdit((record or {}).get("note") or "")
        form = QFormLayout(self)
        form.addRow(QLabel(f"<b>{project['seq']}. {project['name']}</b>"))
        form.addRow(self.tr("期间(&P)："), self.period)
        form.addRow(self.tr("完成投资（万元）(&A)："), self.amount)
        form.addRow(self.tr("来源(&S)："), self.source)
        form.addRow(self.tr("备注(&N)："), self.note)
        buttons = QDialogButtonBox(QDialogButtonBox.Save | QDialogButtonBox.Cancel)
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)

    def save(self) -> None:
        try:
            amount = read_amount(self.amount.text(), "万元")  # the importer's reading too
            if amount is None:
                raise UserError(self.tr("请填写完成投资（万元）"))
            fields = dict(source=self.source.text().strip() or None, note=self.note.text().strip() or None)
            # A refusal first (nothing to confirm then), then the double-counting question.
            self.store.projects.check_investment(
                self.project["id"], self.period.text(), amount, investment_id=self.record and self.record["id"]
            )
            overlap = self.store.projects.period_overlap(
                self.project["id"], self.period.text(), amount, excluding=self.record and self.record["id"]
            )
            if overlap and not self.confirm_overlap(overlap):
                return  # back to the form, everything typed still there
            name = self.project["name"][:12]
            if self.record:
                run_change(
                    self,
                    self.tr("修改“{0}”{1}的投资进展").format(name, self.record["period"]),
                    lambda: self.store.projects.update_investment(
                        self.record["id"], self.period.text(), amount, **fields
                    ),
                )
                self.saved_id = self.record["id"]
            else:
                self.saved_id = run_change(
                    self,
                    self.tr("填报“{0}”的投资进展").format(name),
                    lambda: self.store.projects.add_investment(
                        self.project["id"], self.period.text(), amount, **fields
                    ),
                )
        except UserError as exc:
            QMessageBox.warning(self, self.tr("无法保存"), str(exc))
            return
        self.accept()

    def confirm_overlap(self, message: str) -> bool:
        """A quarter over a year's annual figure (or the reverse) would count that year
        twice: both figures are shown and the user decides."""
        box = QMessageBox(QMessageBox.Warning, self.tr("可能重复计算"), message, parent=self)
        box.setInformativeText(self.tr("确定仍要保存吗？"))
        save = box.addButton(self.tr("仍要保存(&Y)"), QMessageBox.AcceptRole)
        back = box.addButton(self.tr("返回修改(&B)"), QMessageBox.RejectRole)
        box.setDefaultButton(back)
        box.exec()
        return box.clickedButton() is save
