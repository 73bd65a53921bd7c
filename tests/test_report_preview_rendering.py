"""The report preview renders its pages off the UI thread, each shown when ready, and stops
when the preview is closed or shows another document (issue #15)."""

import threading

import pytest
from PySide6.QtGui import QPageSize, QPainter, QPdfWriter

from ui.tabs.reports import preview as preview_module
from ui.tabs.reports.preview import PdfPreview
from ycdesk.errors import Cancelled


def pdf_with_pages(path, count):
    writer = QPdfWriter(str(path))
    writer.setPageSize(QPageSize(QPageSize.A4))
    painter = QPainter(writer)
    for number in range(1, count + 1):
        if number > 1:
            writer.newPage()
        painter.drawText(200, 200, f"第 {number} 页")
    painter.end()
    return path


@pytest.fixture
def gated(monkeypatch):
    """Page 1 onwards waits until the test opens the gate; records the rendering threads."""
    gate = threading.Event()
    threads = []
    original = preview_module.render_page

    def render_page(pdf, index, scale=preview_module.PREVIEW_SCALE):
        threads.append(threading.current_thread())
        if index >= 1:
            gate.wait(30)  # bounded: a broken test must not hang the suite
        return original(pdf, index, scale)

    monkeypatch.setattr(preview_module, "render_page", render_page)
    return gate, threads


def drawn(preview):
    return [not label.pixmap().isNull() for label in preview.page_labels]


def test_pages_are_laid_out_at_once_and_drawn_off_the_ui_thread(qtbot, tmp_path, gated):
    gate, threads = gated
    preview = PdfPreview()
    qtbot.addWidget(preview)
    preview.show()
    task = preview.show_pdf(pdf_with_pages(tmp_path / "r.pdf", 4))
    # Every page has its place straight away (the tab can say how many); none drawn yet.
    assert len(preview.page_labels) == 4 and drawn(preview) == [False] * 4
    assert "正在显示第 1 页" in preview.page_labels[0].text()
    qtbot.waitUntil(lambda: preview.pages_ready == 1, timeout=30_000)
    assert drawn(preview) == [True, False, False, False]  # the first page shows while the rest render
    with qtbot.waitSignal(preview.pages_shown, timeout=30_000) as shown:
        gate.set()
    assert shown.args == [4] and drawn(preview) == [True] * 4
    assert task.done and task.error is None
    assert threads and threading.main_thread() not in threads
    width = preview.page_labels[0].width()
    assert width == preview.page_labels[0].pixmap().width() and width > 500  # A4 at 1.3 × 72 dpi


def test_closing_the_preview_cancels_the_rendering(qtbot, tmp_path, gated):
    gate, _threads = gated
    preview = PdfPreview()
    qtbot.addWidget(preview)
    preview.show()
    task = preview.show_pdf(pdf_with_pages(tmp_path / "r.pdf", 5))
    qtbot.waitUntil(lambda: preview.pages_ready == 1, timeout=30_000)
    preview.close()
    gate.set()
    qtbot.waitUntil(lambda: task.done, timeout=30_000)
    assert isinstance(task.error, Cancelled)
    assert drawn(preview) == [True, False, False, False, False]  # nothing drawn after the close


def test_a_newer_document_supersedes_the_one_rendering(qtbot, tmp_path, gated):
    gate, _threads = gated
    preview = PdfPreview()
    qtbot.addWidget(preview)
    preview.show()
    first = preview.show_pdf(pdf_with_pages(tmp_path / "a.pdf", 5))
    qtbot.waitUntil(lambda: preview.pages_ready == 1, timeout=30_000)
    gate.set()
    with qtbot.waitSignal(preview.pages_shown, timeout=30_000) as shown:
        preview.show_pdf(pdf_with_pages(tmp_path / "b.pdf", 2))
    qtbot.waitUntil(lambda: first.done, timeout=30_000)
    assert isinstance(first.error, Cancelled) or first.error is None  # it may have finished first
    assert shown.args == [2] and len(preview.page_labels) == 2 and drawn(preview) == [True, True]
