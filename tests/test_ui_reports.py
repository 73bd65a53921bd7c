"""The 报告 tab: generate off the UI thread with progress, preview pages, save, refusals."""

import pytest

from ui.tabs.reports import tab as tab_module


@pytest.fixture
def tab(main_window):
    main_window.tabs.setCurrentIndex(3)
    return main_window.reports_tab


def test_generate_quarterly_preview_and_save(tab, qtbot, tmp_path, monkeypatch):
    tab.period.setCurrentIndex(tab.period.findData("2025Q4"))
    tab.notes.setPlainText("季度会议材料")
    with qtbot.waitSignal(tab.generated, timeout=60_000) as blocker:
        tab.generate_button.click()
    assert blocker.args[0].endswith(".pdf")
    assert len(tab.preview.page_labels) >= 3
    assert tab.progress.value() == 100 and "数据指纹" in tab.status.text()
    assert tab.save_button.isEnabled() and tab.print_button.isEnabled()
    target = tmp_path / "saved.pdf"
    monkeypatch.setattr("ui.file_dialogs.QFileDialog.getSaveFileName", lambda *a, **k: (str(target), ""))
    tab.save_as()
    assert target.read_bytes()[:5] == b"%PDF-"


def test_notice_for_a_chosen_audit(tab, qtbot):
    tab.kind.setCurrentIndex(tab.kind.findData("notice"))
    assert tab.audit.count() > 0
    with qtbot.waitSignal(tab.generated, timeout=60_000):
        tab.generate_button.click()
    assert len(tab.preview.page_labels) >= 1


def test_refused_report_shows_message_and_no_preview(tab, qtbot, monkeypatch):
    messages = []
    monkeypatch.setattr(tab_module.QMessageBox, "warning", lambda parent, title, text: messages.append(text))
    tab.scope.addItem("西湖街道")  # not a 越城区 township: the core refuses it
    tab.scope.setCurrentText("西湖街道")
    tab.generate_button.click()
    qtbot.waitUntil(lambda: bool(messages), timeout=60_000)
    assert "不在越城区镇街名单中" in messages[0]
    assert tab.output is None and not tab.save_button.isEnabled()


def test_print_paints_every_page(tab, qtbot, tmp_path):
    from PySide6.QtPrintSupport import QPrinter

    from ui.tabs.reports.preview import paint_pages

    tab.period.setCurrentIndex(tab.period.findData("2024Q2"))
    with qtbot.waitSignal(tab.generated, timeout=60_000) as blocker:
        tab.generate_button.click()
    printer = QPrinter(QPrinter.ScreenResolution)
    printer.setOutputFormat(QPrinter.PdfFormat)
    out = tmp_path / "printed.pdf"
    printer.setOutputFileName(str(out))
    paint_pages(printer, blocker.args[0])
    from pypdf import PdfReader

    assert len(PdfReader(str(out)).pages) == len(PdfReader(blocker.args[0]).pages)


def test_printing_runs_off_the_ui_thread_page_by_page_and_can_be_cancelled(tab, qtbot, tmp_path):
    from pypdf import PdfReader
    from PySide6.QtPrintSupport import QPrinter

    tab.period.setCurrentIndex(tab.period.findData("2024Q2"))
    with qtbot.waitSignal(tab.generated, timeout=60_000) as blocker:
        tab.generate_button.click()
    pages = len(PdfReader(blocker.args[0]).pages)
    printer = QPrinter(QPrinter.HighResolution)  # 1200 dpi: drawn at 300
    printer.setOutputFormat(QPrinter.PdfFormat)
    printer.setOutputFileName(str(tmp_path / "all.pdf"))
    with qtbot.waitSignal(tab.preview.printed, timeout=60_000):
        tab.preview.print_to(printer)
    assert len(PdfReader(str(tmp_path / "all.pdf")).pages) == pages

    printer = QPrinter(QPrinter.HighResolution)
    printer.setOutputFormat(QPrinter.PdfFormat)
    printer.setOutputFileName(str(tmp_path / "part.pdf"))
    task = tab.preview.print_to(printer)
    task.progressed.connect(lambda *_: task.cancel())  # cancel once the first page is out
    with qtbot.waitSignal(task.succeeded, timeout=60_000) as done:
        pass
    assert 1 <= done.args[0] < pages
    assert len(PdfReader(str(tmp_path / "part.pdf")).pages) == done.args[0]


def test_issue_from_the_tab_then_reprint_the_same_bytes(tab, qtbot, tmp_path, monkeypatch, qtmodeltester):
    monkeypatch.setattr(tab_module.QMessageBox, "question", lambda *a: tab_module.QMessageBox.Yes)
    tab.period.setCurrentIndex(tab.period.findData("2024Q3"))
    with qtbot.waitSignal(tab.generated, timeout=60_000):
        tab.generate_button.click()
    assert tab.issue_button.isEnabled()
    with qtbot.waitSignal(tab.register.loaded, timeout=60_000):
        tab.issue_button.click()
    model = tab.register.model
    qtmodeltester.check(model, force_py=True)
    assert model.rowCount() == 1
    row = model.record(0)
    assert (row["kind"], row["period"], row["state"]) == ("quarterly", "2024Q3", "有效")
    assert "已签发" in tab.status.text()
    tab.register.view.selectRow(0)
    assert "与签发时一致" in tab.register.changes.text()
    target = tmp_path / "重印.pdf"
    monkeypatch.setattr("ui.file_dialogs.QFileDialog.getSaveFileName", lambda *a, **k: (str(target), ""))
    with qtbot.waitSignal(tab.register.reprinted, timeout=10_000):
        tab.register.reprint_button.click()
    from ycdesk.reports import register

    stored = tab.store.conn.execute("SELECT pdf FROM issued_report_files").fetchone()[0]
    assert target.read_bytes() == stored
    assert register.issued(tab.store)[0]["pdf_sha256"] == row["pdf_sha256"]
    assert tab.right.currentWidget() is tab.preview and not tab.issue_button.isEnabled()


def test_drafted_sections_can_be_prefilled_edited_and_printed(tab, qtbot, tmp_path):
    from pypdf import PdfReader

    tab.period.setCurrentIndex(tab.period.findData("2024Q3"))
    tab.prefill_buttons[0].click()
    qtbot.waitUntil(lambda: bool(tab.texts["problems"].toPlainText()), timeout=60_000)
    assert "逾期未整改" in tab.texts["problems"].toPlainText()
    tab.texts["next_steps"].setPlainText("1. 十月底前完成全部逾期问题的督办。")
    with qtbot.waitSignal(tab.generated, timeout=60_000) as blocker:
        tab.generate_button.click()
    text = "".join(p.extract_text() for p in PdfReader(blocker.args[0]).pages).replace("\n", "")
    assert "十月底前完成全部逾期问题的督办" in text
    assert tab.texts["problems"].toPlainText().splitlines()[0][3:12] in text
