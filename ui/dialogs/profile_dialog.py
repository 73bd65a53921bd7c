"""Edit a project's planned 十四五 investment per year (the profile the S-curve and 滞后 use)."""

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
from ycdesk.money import format_yi, parse_amount
from ycdesk.progress import Progress, fyp_years


class ProfileDialog(QDialog):
    def __init__(self, store, project: dict, parent=None) -> None:
        super().__init__(parent)
        self.store, self.project = store, project
        self.setWindowTitle(self.tr("年度计划投资"))
        current = Progress(store).profiles().get(project["id"], {})
        form = QFormLayout(self)
        form.addRow(
            QLabel(
                self.tr("<b>{0}</b><br>十四五计划投资 {1} 亿元，各年合计须相等").format(
                    project["name"], format_yi(project["fyp_yuan"])
                )
            )
        )
        self.edits: dict[int, QLineEdit] = {}
        for year in fyp_years(project):
            edit = QLineEdit(format_yi(current.get(year, 0)))
            form.addRow(self.tr("{0}年（亿元）：").format(year), edit)
            self.edits[year] = edit
        buttons = QDialogButtonBox(QDialogButtonBox.Save | QDialogButtonBox.Cancel)
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)

    def save(self) -> None:
        try:
            amounts = {year: parse_amount(edit.text() or "0") for year, edit in self.edits.items()}
            run_change(
                self,
                self.tr("修改“{0}”的年度计划").format(self.project["name"][:12]),
                lambda: Progress(self.store).set_profile(self.project["id"], amounts),
            )
        except UserError as exc:
            QMessageBox.warning(self, self.tr("无法保存"), str(exc))
            return
        self.accept()
