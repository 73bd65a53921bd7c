"""A form whose 保存 runs one core write. A refusal (the validator's Chinese reason) is
shown inside the dialog, which stays open with everything the user typed: retyping a
paragraph because one date was wrong is what users of the old dialogs complained about."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QVBoxLayout,
)

from ycdesk.errors import UserError


class FormDialog(QDialog):
    """Subclasses add rows to ``self.form`` and implement :meth:`submit`."""

    def __init__(self, title: str, parent=None, *, ok_text: str | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.result_value = None
        self.form = QFormLayout()
        self.error = QLabel()
        self.error.setObjectName("formError")
        self.error.setStyleSheet("#formError { color: #b00020; }")
        self.error.setWordWrap(True)
        self.error.hide()
        self.buttons = QDialogButtonBox(QDialogButtonBox.Ok | QDialogButtonBox.Cancel)
        self.ok_button = self.buttons.button(QDialogButtonBox.Ok)
        self.ok_button.setText(ok_text or self.tr("保存(&S)"))
        self.buttons.button(QDialogButtonBox.Cancel).setText(self.tr("取消"))
        self.buttons.accepted.connect(self.try_accept)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(self.form)
        layout.addWidget(self.error)
        layout.addWidget(self.buttons)

    def submit(self):
        """Do the write (through ``ui.undo.run_change``); raise UserError to refuse."""
        raise NotImplementedError

    def try_accept(self) -> None:
        try:
            self.result_value = self.submit()
        except UserError as exc:
            self.show_error(str(exc))
            return
        self.accept()

    def show_error(self, text: str) -> None:
        self.error.setText(text)
        self.error.show()
        # Grow to make room for the message: the fields above must not be squeezed (a
        # window manager does not do this for a dialog that is already on screen).
        self.layout().activate()
        needed = self.sizeHint().height()
        if self.height() < needed:
            self.resize(self.width(), needed)
