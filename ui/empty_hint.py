"""What an empty page shows instead of an empty grid: what is missing and the next step —
import a spreadsheet, get its template, or add a record by hand."""

from __future__ import annotations

from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton


class EmptyHint(QFrame):
    """``kind`` is the import kind the page is filled from; ``extra`` is (text, slot) pairs
    for the page's own way of adding a record."""

    def __init__(self, text: str, kind: str, extra=(), parent=None) -> None:
        super().__init__(parent)
        self.kind = kind
        self.setObjectName("emptyHint")
        self.setStyleSheet("#emptyHint { background: #eef5ff; border: 1px solid #9cc0f0; }")
        self.label = QLabel(text)
        self.label.setWordWrap(True)
        self.import_button = QPushButton(self.tr("导入(&I)…"))
        self.template_button = QPushButton(self.tr("下载模板(&K)…"))
        self.import_button.clicked.connect(self.import_file)
        self.template_button.clicked.connect(self.save_template)
        layout = QHBoxLayout(self)
        layout.addWidget(self.label, 1)
        layout.addWidget(self.import_button)
        layout.addWidget(self.template_button)
        self.extra_buttons = []
        for caption, slot in extra:
            button = QPushButton(caption)
            button.clicked.connect(slot)
            layout.addWidget(button)
            self.extra_buttons.append(button)
        self.hide()

    def import_file(self) -> None:
        self.window().import_file()  # the wizard opens on this page's kind

    def save_template(self) -> None:
        from ui.first_steps import save_template

        save_template(self.window(), self.kind)
