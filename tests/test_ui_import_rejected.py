"""The wizard's file label is a real mnemonic, and its rejected rows can be saved with 原因
(the same writer as ``ycdesk import --rejected``)."""

import openpyxl
from PySide6.QtWidgets import QFileDialog, QLabel

from ui.dialogs.import_wizard import ImportWizard


def test_the_file_label_has_a_buddy_not_a_literal_ampersand(qtbot, seeded):
    wizard = ImportWizard(seeded, "findings")
    qtbot.addWidget(wizard)
    label = next(w for w in wizard.file_page.findChildren(QLabel) if w.text() == "文件(&F)：")
    assert label.buddy() is wizard.file_page.path  # shown as 文件(F), Alt+F moves to the path


def test_rejected_rows_are_exported_with_their_reason(qtbot, seeded, tmp_path, monkeypatch):
    sheet = tmp_path / "问题.xlsx"
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["单位名称", "年度", "级别", "问题类别", "存在问题", "整改情况", "整改时限"])
    ws.append(["示例壬企业（演示）", 2024, "区级", "识别标志", "标志缺失", "未整改", "2024年10月31日"])
    ws.append(["示例壬企业（演示）", 2024, "区级", "转移联单", "联单未填", "没弄", "2024-10-31"])
    wb.save(sheet)
    wizard = ImportWizard(seeded, "findings", str(sheet))
    qtbot.addWidget(wizard)
    wizard.show()
    qtbot.waitUntil(lambda: wizard.file_page.isComplete(), timeout=30_000)
    wizard.next()
    qtbot.waitUntil(lambda: wizard.mapping_page.isComplete(), timeout=30_000)
    wizard.next()
    dry = wizard.dry_page
    qtbot.waitUntil(lambda: dry.result is not None, timeout=30_000)
    assert dry.export_rejected.isVisible()
    target = tmp_path / "被拒绝.xlsx"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(target), ""))
    dry.export_rejected.click()
    rows = list(openpyxl.load_workbook(target).active.iter_rows(values_only=True))
    header = [h for h in rows[0] if h]
    assert header[-1] == "原因" and "存在问题" in header
    data = [r for r in rows[1:] if any(r)]
    assert len(data) == 1 and "联单未填" in data[0] and "没弄" in str(data[0][-1])
    assert str(target) in dry.summary.text()
