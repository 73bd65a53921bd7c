"""The import wizard driven page by page; the batch list undoes an import."""

import openpyxl
import pytest
from PySide6.QtCore import QMimeData, QPointF, QSettings, Qt, QUrl
from PySide6.QtGui import QDropEvent
from PySide6.QtWidgets import QMessageBox

from ui.dialogs.batches_dialog import BatchesDialog
from ui.dialogs.import_wizard import ImportWizard
from ui.main_window import MainWindow
from ui.settings import Settings


@pytest.fixture
def sheet(tmp_path):
    path = tmp_path / "问题.xlsx"
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["2024年区级考核问题清单"])
    ws.append(["单位名称", "年度", "级别", "问题类别", "存在问题", "整改情况", "整改时限", "奇怪的列"])
    ws.append(["示例壬企业（演示）", 2024, "区级", "识别标志", "标志缺失", "未整改", "2024年10月31日", "x"])
    ws.append(["示例壬企业（演示）", 2024, "区级", "转移联单", "联单未填", "没弄", "2024-10-31", "y"])
    wb.save(path)
    return path


def test_wizard_detects_header_dry_runs_imports_and_undoes(qtbot, seeded, sheet):
    wizard = ImportWizard(seeded, "findings", str(sheet))
    qtbot.addWidget(wizard)
    wizard.show()
    # The sheets are listed and the sheet is read in the background (never on the UI thread).
    qtbot.waitUntil(lambda: wizard.file_page.isComplete(), timeout=30_000)
    assert wizard.file_page.sheet.currentText() == "Sheet"
    wizard.next()
    page = wizard.mapping_page
    qtbot.waitUntil(lambda: page.isComplete(), timeout=30_000)
    assert "表头在第 2 行" in page.info.text()
    mapping = page.user_mapping()
    assert mapping["单位名称"] == "企业名称" and mapping["奇怪的列"] == ""
    qtmodel = page.preview
    assert qtmodel.item(1, 0).text() == "单位名称"
    before = seeded.scalar("SELECT COUNT(*) FROM findings")
    wizard.next()
    dry = wizard.dry_page
    qtbot.waitUntil(lambda: dry.result is not None, timeout=30_000)
    assert "试运行" in dry.summary.text() and dry.errors.rowCount() == 1
    assert "没弄" in dry.errors.item(0, 3).text()
    dry.valid_only.setCurrentIndex(1)
    wizard.next()
    run = wizard.run_page
    qtbot.waitUntil(lambda: run.result is not None, timeout=30_000)
    assert run.result.written and run.result.new == 1
    assert seeded.scalar("SELECT COUNT(*) FROM findings") == before + 1
    assert wizard.batch() == (run.result.batch_id, f"导入 1 行（{sheet.name}）")  # for 编辑 → 撤销
    run.undo.click()  # an operation too: its own Store, off the UI thread
    qtbot.waitUntil(lambda: "已撤销" in run.summary.text(), timeout=30_000)
    assert seeded.scalar("SELECT COUNT(*) FROM findings") == before
    assert wizard.batch() is None  # undone here: nothing for the window's stack


def test_wizard_refuses_a_hostile_file_in_the_background_and_stays_usable(qtbot, seeded, sheet, tmp_path):
    """Regression (issue #14): the wizard read the sheet on the UI thread, so a 2 KB file
    with cells at A1 and XFD1048576 took the whole app down. Now the read runs as a task,
    the page says it is busy, shows the reader's reason — and another file can be chosen."""
    import sys
    from pathlib import Path

    sys.path.insert(0, str(Path(__file__).parent / "bench"))
    import hostile_corpus

    hostile = hostile_corpus.write_xlsx(
        tmp_path / "sparse.xlsx",
        [hostile_corpus._header_row(), b'<row r="1048576"><c r="XFD1048576"><v>1</v></c></row>'],
    )
    wizard = ImportWizard(seeded, "findings", str(hostile))
    qtbot.addWidget(wizard)
    wizard.show()
    page = wizard.file_page
    # Listing the sheets reads only the workbook's index: this file passes that step …
    qtbot.waitUntil(lambda: page.isComplete(), timeout=30_000)
    wizard.next()
    mapping = wizard.mapping_page
    assert not mapping.isComplete()  # busy until the background read answers
    qtbot.waitUntil(lambda: "超出列数上限" in mapping.info.text(), timeout=30_000)
    assert "XFD1048576" in mapping.info.text() and mapping.busy.isHidden()
    assert not mapping.isComplete() and mapping.mapping.rowCount() == 0
    wizard.back()  # still usable: choose a good file and carry on
    folder = tmp_path / "a-folder.xlsx"
    folder.mkdir()
    page.path.setText(str(folder))
    qtbot.waitUntil(lambda: "文件夹" in page.message.text(), timeout=30_000)
    assert not page.isComplete()
    page.path.setText(str(sheet))
    qtbot.waitUntil(lambda: page.isComplete(), timeout=30_000)
    wizard.next()
    qtbot.waitUntil(lambda: mapping.isComplete(), timeout=30_000)
    assert "表头在第 2 行" in mapping.info.text()


def test_batches_dialog_undoes(qtbot, seeded, sheet, monkeypatch):
    from ycdesk.imports import import_file

    result = import_file(seeded, "findings", sheet, valid_only=True)
    dialog = BatchesDialog(seeded)
    qtbot.addWidget(dialog)
    dialog.table.setCurrentIndex(dialog.model.index(0, 0))
    monkeypatch.setattr("ui.dialogs.batches_dialog.QMessageBox.information", lambda *a: None)
    assert dialog.model.data(dialog.model.index(0, 1)) == "考核问题"  # the kind in Chinese
    shown_time = dialog.model.data(dialog.model.index(0, 0))
    assert "T" not in shown_time and len(shown_time) == 16  # local "YYYY-MM-DD HH:MM", not ISO
    asked = []
    monkeypatch.setattr(
        "ui.dialogs.batches_dialog.QMessageBox.question",
        lambda parent, title, text: asked.append(text) or QMessageBox.No,
    )
    dialog.undo_selected()  # asked first; No leaves the batch
    assert "撤销" in asked[0] and "考核问题" in asked[0] and not dialog.changed
    assert not dialog.model.record(0)["undone_at"]
    monkeypatch.setattr("ui.dialogs.batches_dialog.QMessageBox.question", lambda *a: QMessageBox.Yes)
    dialog.undo_selected()
    qtbot.waitUntil(lambda: dialog.changed, timeout=30_000)
    assert dialog.model.record(0)["undone_at"]
    assert not seeded.query("SELECT 1 FROM findings WHERE description = '标志缺失'")
    assert result.batch_id == dialog.model.record(0)["id"]


def test_dropping_a_spreadsheet_opens_the_wizard(qtbot, seeded, sheet, tmp_path, monkeypatch):
    window = MainWindow(seeded, Settings(QSettings(str(tmp_path / "s.ini"), QSettings.IniFormat)))
    qtbot.addWidget(window)
    window.tabs.setCurrentIndex(2)
    opened = []
    monkeypatch.setattr(
        "ui.dialogs.import_wizard.ImportWizard.exec", lambda self: opened.append((self.kind(), self.path())) or 0
    )
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(sheet))])
    event = QDropEvent(QPointF(10, 10), Qt.CopyAction, mime, Qt.LeftButton, Qt.NoModifier)
    window.dropEvent(event)
    assert opened == [("findings", str(sheet))]
