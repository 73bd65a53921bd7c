"""A PDF shown as page images (rendered by PDFium), printable through Qt's print dialogs."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QRectF, Qt, Signal
from PySide6.QtGui import QImage, QPainter, QPixmap
from PySide6.QtPrintSupport import QPrintDialog, QPrinter, QPrintPreviewDialog
from PySide6.QtWidgets import QLabel, QProgressDialog, QScrollArea, QVBoxLayout, QWidget

from ui.operations import Operation


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


MAX_PRINT_DPI = 300  # beyond this a page image only costs memory: toner does not resolve it


def page_count(path: str | Path) -> int:
    import pypdfium2 as pdfium

    pdf = pdfium.PdfDocument(str(path))
    try:
        return len(pdf)
    finally:
        pdf.close()


def paint_pages(printer: QPrinter, path: str | Path, progress=None, cancelled=lambda: False) -> int:
    """Draw each page fitted to the printable area, one page at a time at the printer's
    resolution capped at 300 dpi, so memory holds one page image whatever the report's
    length (a 4-page report at 1200 dpi used to peak at 5.4 GB). ``progress(done, total)``
    reports each page; ``cancelled()`` stops between pages. Returns the pages drawn.
    Safe on a worker thread: QPainter may paint on a QPrinter outside the GUI thread."""
    import pypdfium2 as pdfium

    dpi = printer.resolution()
    scale = min(max(dpi, 72), MAX_PRINT_DPI) / 72
    pdf = pdfium.PdfDocument(str(path))
    painter = QPainter(printer)
    drawn = 0
    try:
        total = len(pdf)
        for i in range(total):
            if cancelled():
                break
            if i:
                printer.newPage()
            page = pdf[i]
            bitmap = page.render(scale=scale)
            pil = bitmap.to_pil().convert("RGB")
            image = QImage(pil.tobytes("raw", "RGB"), pil.width, pil.height, pil.width * 3, QImage.Format_RGB888)
            area = printer.pageLayout().paintRectPixels(dpi)
            size = image.size().scaled(area.size(), Qt.KeepAspectRatio)
            painter.drawImage(QRectF(0, 0, size.width(), size.height()), image)
            del image, pil
            bitmap.close()
            page.close()
            drawn += 1
            if progress is not None:
                progress(drawn, total)
    finally:
        painter.end()
        pdf.close()
    return drawn


class PdfPreview(QScrollArea):
    printed = Signal()
    print_failed = Signal(str)

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self._printing = None
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

    def print_dialog(self, parent=None) -> Operation | None:
        """Ask for a printer, then print on a worker thread with progress and cancel."""
        if self.path is None:
            return None
        printer = QPrinter(QPrinter.HighResolution)
        dialog = QPrintDialog(printer, parent or self)
        if dialog.exec() != QPrintDialog.Accepted:
            return None
        return self.print_to(printer, parent)

    def print_to(self, printer: QPrinter, parent=None) -> Operation:
        path = self.path
        progress = QProgressDialog(self.tr("正在打印…"), self.tr("取消"), 0, page_count(path), parent or self)
        progress.setWindowTitle(self.tr("打印"))
        progress.setWindowModality(Qt.WindowModal)
        progress.setMinimumDuration(300)

        def job(state):
            # A cancel stops between pages and prints what is drawn: not a failure.
            return paint_pages(printer, path, lambda done, total: state.cancelled or state.progress(done / total),
                               lambda: state.cancelled)

        task = Operation(job, self)
        progress.canceled.connect(task.cancel)
        task.progressed.connect(lambda fraction, _text: progress.setValue(round(fraction * progress.maximum())))
        task.succeeded.connect(lambda _n: (progress.reset(), self.printed.emit()))
        task.failed.connect(lambda exc, _tb: (progress.reset(), self.print_failed.emit(str(exc))))
        self._printing = (task, printer, progress)  # kept alive until it reports
        return task.start()

    def print_preview(self, parent=None) -> None:
        """Qt's print preview at screen resolution: a page image per page of the screen's
        size, not the printer's (printing itself renders at up to 300 dpi)."""
        if self.path is None:
            return
        printer = QPrinter(QPrinter.ScreenResolution)
        dialog = QPrintPreviewDialog(printer, parent or self)
        dialog.paintRequested.connect(lambda p: paint_pages(p, self.path))
        dialog.exec()
