"""A PDF shown as page images (rendered by PDFium), printable through Qt's print dialogs.

Rendering runs off the UI thread: the preview lays out a blank page of the right size for
each page at once, then an :class:`~ui.operations.Operation` renders the pages one by one
and each appears as soon as it is ready. A newer document, closing the preview or deleting
it cancels the rendering between two pages.
"""

from __future__ import annotations

import threading
from collections import deque
from pathlib import Path

from PySide6.QtCore import QRectF, QSize, Qt, Signal
from PySide6.QtGui import QImage, QPainter, QPixmap
from PySide6.QtPrintSupport import QPrintDialog, QPrinter, QPrintPreviewDialog
from PySide6.QtWidgets import QLabel, QProgressDialog, QScrollArea, QVBoxLayout, QWidget

from ui.operations import Operation

PREVIEW_SCALE = 1.3
# PDFium is not thread-safe: the preview's renderer, printing and the UI thread's page
# counts take turns in it.
PDFIUM = threading.RLock()


def _open(path: str | Path):
    import pypdfium2 as pdfium

    return pdfium.PdfDocument(str(path))


def page_sizes(path: str | Path, scale: float = PREVIEW_SCALE) -> list[QSize]:
    """Each page's size in pixels at ``scale``, from the document's page table (quick: no
    page is loaded or rendered)."""
    with PDFIUM:
        pdf = _open(path)
        try:
            return [QSize(round(w * scale), round(h * scale)) for w, h in map(pdf.get_page_size, range(len(pdf)))]
        finally:
            pdf.close()


def render_page(pdf, index: int, scale: float = PREVIEW_SCALE) -> QImage:
    """Page ``index`` of the open document as an image (safe off the UI thread: QImage,
    unlike QPixmap, may be made on any thread)."""
    with PDFIUM:
        page = pdf[index]
        try:
            bitmap = page.render(scale=scale)
            pil = bitmap.to_pil().convert("RGB")
            bitmap.close()
        finally:
            page.close()
    return QImage(pil.tobytes("raw", "RGB"), pil.width, pil.height, pil.width * 3, QImage.Format_RGB888).copy()


def render_pages(path: str | Path, scale: float = PREVIEW_SCALE, ready=None, check=lambda: None) -> int:
    """Render every page in turn, handing each ``ready(index, image)``; ``check()`` is called
    before each page and raises to stop (an operation's cancel). Returns the pages rendered."""
    with PDFIUM:
        pdf = _open(path)
        total = len(pdf)
    try:
        for index in range(total):
            check()
            ready(index, render_page(pdf, index, scale))
        return total
    finally:
        with PDFIUM:
            pdf.close()


MAX_PRINT_DPI = 300  # beyond this a page image only costs memory: toner does not resolve it


def page_count(path: str | Path) -> int:
    with PDFIUM:
        pdf = _open(path)
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
    dpi = printer.resolution()
    scale = min(max(dpi, 72), MAX_PRINT_DPI) / 72
    with PDFIUM:
        pdf = _open(path)
        total = len(pdf)
    painter = QPainter(printer)
    drawn = 0
    try:
        for i in range(total):
            if cancelled():
                break
            if i:
                printer.newPage()
            image = render_page(pdf, i, scale)
            area = printer.pageLayout().paintRectPixels(dpi)
            size = image.size().scaled(area.size(), Qt.KeepAspectRatio)
            painter.drawImage(QRectF(0, 0, size.width(), size.height()), image)
            del image
            drawn += 1
            if progress is not None:
                progress(drawn, total)
    finally:
        painter.end()
        with PDFIUM:
            pdf.close()
    return drawn


class PdfPreview(QScrollArea):
    printed = Signal()
    print_failed = Signal(str)
    pages_shown = Signal(int)  # every page of the document on show is drawn (the count)

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self._printing = None
        self.rendering: Operation | None = None
        self.path: Path | None = None
        self.page_labels: list[QLabel] = []
        self.pages_ready = 0  # pages of the document on show drawn so far
        self.inner = QWidget()
        self.column = QVBoxLayout(self.inner)
        self.column.setAlignment(Qt.AlignHCenter)
        self.setWidget(self.inner)
        self.setWidgetResizable(True)
        self.setStyleSheet("QScrollArea { background: #8a8f98; }")

    def show_pdf(self, path: str | Path) -> Operation:
        """Lay out a blank page per page of ``path`` now and render them in the background,
        each drawn as it is ready. Returns the rendering operation."""
        self.stop()
        self.path = Path(path)
        for label in self.page_labels:
            label.deleteLater()
        self.page_labels = []
        self.pages_ready = 0
        for number, size in enumerate(page_sizes(path), 1):
            label = QLabel(self.tr("正在显示第 {0} 页…").format(number))
            label.setAlignment(Qt.AlignCenter)
            label.setFixedSize(size)  # a page never shrinks to fit the window
            label.setStyleSheet("background: white; margin: 6px; color: #8a8f98;")
            self.column.addWidget(label)
            self.page_labels.append(label)
        self._fit()
        ready: deque = deque()  # (index, image) from the worker, drawn on the UI thread
        total = len(self.page_labels)

        def job(state):
            def one(index, image):
                ready.append((index, image))
                state.progress((index + 1) / total)  # the UI draws what is ready; raises if cancelled

            return render_pages(path, PREVIEW_SCALE, one, state.check)

        task = self.rendering = Operation(job, self)
        task.progressed.connect(lambda _f, _t: self._draw(task, ready))
        task.succeeded.connect(lambda _n: self._rendered(task, ready))
        task.failed.connect(lambda exc, tb: self._render_failed(task, exc, tb))
        self.destroyed.connect(task.cancel)  # the preview (its dialog) is gone: stop
        return task.start()

    def clear(self) -> None:
        """Show nothing (the document shown belonged to a workspace left)."""
        self.stop()
        self.path = None
        for label in self.page_labels:
            label.hide()  # gone from view now, not when the event loop gets to deleting it
            label.deleteLater()
        self.page_labels = []
        self.pages_ready = 0
        self._fit()

    def stop(self) -> None:
        """Cancel the rendering under way (it stops before its next page)."""
        if self.rendering is not None:
            self.rendering.cancel()
            self.rendering = None

    def closeEvent(self, event) -> None:
        self.stop()
        super().closeEvent(event)

    def _draw(self, task: Operation, ready: deque) -> None:
        if task is not self.rendering:
            return  # cancelled, or an older document's pages
        while ready:
            index, image = ready.popleft()
            label = self.page_labels[index]
            label.setText("")
            label.setPixmap(QPixmap.fromImage(image))
            label.setFixedSize(image.size())
            self.pages_ready += 1
        self._fit()

    def _rendered(self, task: Operation, ready: deque) -> None:
        self._draw(task, ready)
        if task is self.rendering:
            self.rendering = None
            self.pages_shown.emit(self.pages_ready)

    def _render_failed(self, task: Operation, exc, tb) -> None:
        if task is not self.rendering:
            return
        self.rendering = None
        import logging

        logging.getLogger("ycdesk").error("报告页面显示失败\n%s", tb)
        for label in self.page_labels[self.pages_ready :]:
            label.setText(self.tr("无法显示此页：{0}").format(exc))

    def _fit(self) -> None:
        # The scroll area sizes its widget from the layout's hint, which lags behind the
        # fixed-size pages just added: state the room the pages need outright.
        spacing = self.column.spacing() + 12
        self.inner.setMinimumSize(
            max((label.width() for label in self.page_labels), default=0) + 40,
            sum(label.height() + spacing for label in self.page_labels) + 20,
        )

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
            return paint_pages(
                printer,
                path,
                lambda done, total: state.cancelled or state.progress(done / total),
                lambda: state.cancelled,
            )

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
