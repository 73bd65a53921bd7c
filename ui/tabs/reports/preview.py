"""A PDF shown as page images (rendered by PDFium), printable through Qt's print dialogs."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QImage, QPainter, QPixmap
from PySide6.QtPrintSupport import QPrintDialog, QPrinter, QPrintPreviewDialog
from PySide6.QtWidgets import QLabel, QScrollArea, QVBoxLayout, QWidget


def render_pages(path: str | Path, scale: float = 1.3) -> list[QImage]:
    import pypdfium2 as pdfium

    pdf = pdfium.PdfDocument(str(path))
    try:
        images = []
        for page in pdf:
            pil = page.render(scale=scale).to_pil().convert("RGB")
            data = pil.tobytes("raw", "RGB")
            images.append(QImage(data, pil.width, pil.height, pil.width * 3, QImage.Format_RGB888).copy())
        return images
    finally:
        pdf.close()


def paint_pages(printer: QPrinter, path: str | Path) -> None:
    """Draw each page at the printer's resolution, fitted to the printable area."""
    dpi = printer.resolution()
    pages = render_pages(path, scale=max(dpi, 72) / 72)
    painter = QPainter(printer)
    try:
        for i, image in enumerate(pages):
            if i:
                printer.newPage()
            area = printer.pageLayout().paintRectPixels(dpi)
            target = QRectF(0, 0, area.width(), area.height())
            size = image.size().scaled(target.size().toSize(), Qt.KeepAspectRatio)
            painter.drawImage(QRectF(0, 0, size.width(), size.height()), image)
    finally:
        painter.end()


class PdfPreview(QScrollArea):
    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.path: Path | None = None
        self.page_labels: list[QLabel] = []
        self.inner = QWidget()
        self.column = QVBoxLayout(self.inner)
        self.column.setAlignment(Qt.AlignHCenter)
        self.setWidget(self.inner)
        self.setWidgetResizable(True)
        self.setStyleSheet("QScrollArea { background: #8a8f98; }")

    def show_pdf(self, path: str | Path) -> None:
        self.path = Path(path)
        for label in self.page_labels:
            label.deleteLater()
        self.page_labels = []
        for image in render_pages(path):
            label = QLabel()
            label.setPixmap(QPixmap.fromImage(image))
            label.setFixedSize(image.size())  # a page never shrinks to fit the window
            label.setStyleSheet("background: white; margin: 6px;")
            self.column.addWidget(label)
            self.page_labels.append(label)
        # The scroll area sizes its widget from the layout's hint, which lags behind the
        # fixed-size pages just added: state the room the pages need outright.
        spacing = self.column.spacing() + 12
        self.inner.setMinimumSize(
            max((l.width() for l in self.page_labels), default=0) + 40,
            sum(l.height() + spacing for l in self.page_labels) + 20)

    def print_dialog(self, parent=None) -> bool:
        if self.path is None:
            return False
        printer = QPrinter(QPrinter.HighResolution)
        dialog = QPrintDialog(printer, parent or self)
        if dialog.exec() != QPrintDialog.Accepted:
            return False
        paint_pages(printer, self.path)
        return True

    def print_preview(self, parent=None) -> None:
        if self.path is None:
            return
        printer = QPrinter(QPrinter.HighResolution)
        dialog = QPrintPreviewDialog(printer, parent or self)
        dialog.paintRequested.connect(lambda p: paint_pages(p, self.path))
        dialog.exec()
