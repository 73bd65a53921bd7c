"""删除/移除 …: the one dialog that asks why (findings, audits, enterprises, evidence,
investment progress). The core refuses an empty reason; the dialog shows the refusal and
keeps what was typed (:class:`FormDialog`)."""

from __future__ import annotations

from PySide6.QtWidgets import QLabel, QLineEdit

from ui.dialogs.form_dialog import FormDialog


class ReasonDialog(FormDialog):
    """删除/移除 …: asks why, then runs ``action(reason)`` (the core refuses an empty reason)."""

    def __init__(
        self, title: str, what: str, action, parent=None, *, ok_text: str | None = None, example: str | None = None
    ) -> None:
        super().__init__(title, parent, ok_text=ok_text or self.tr("删除(&D)"))
        self.action = action
        text = QLabel(what)
        text.setWordWrap(True)
        self.form.addRow(text)
        self.reason = QLineEdit()
        self.reason.setPlaceholderText(example or self.tr("如：重复录入、录错企业"))
        self.form.addRow(self.tr("原因(&R)："), self.reason)
        self.resize(440, self.sizeHint().height())
        self.reason.setFocus()  # the one thing to type: the cursor starts there

    def submit(self):
        return self.action(self.reason.text())
