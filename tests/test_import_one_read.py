"""The sheet is read once for the wizard's preview, dry run and import (issue #15); a file
changed on disk between two steps is read again, and the user is told."""

import os

import openpyxl
import pytest
import python_calamine

from tests.test_undo import findings_csv
from ui.dialogs.import_wizard import ImportWizard
from ycdesk.imports import SheetRead, import_file
from ycdesk.imports import sheet_read as sheet_read_module


@pytest.fixture
def reads(monkeypatch):
    """Every read of a sheet through the reader, as (file name, sheet)."""
    seen = []
    original = sheet_read_module.read_sheet

    def counted(path, sheet=None, limits=None):
        seen.append((path.name, sheet))
        return original(path, sheet, limits)

    monkeypatch.setattr(sheet_read_module, "read_sheet", counted)
    return seen


@pytest.fixture
def calamine_opens(monkeypatch):
    """Every workbook calamine opens (listing the sheets opens one too)."""
    opened = []
    real = python_calamine.CalamineWorkbook

    class Counting:
        @staticmethod
        def from_path(path, *a, **k):
            opened.append(os.path.basename(str(path)))
            return real.from_path(path, *a, **k)

    monkeypatch.setattr(python_calamine, "CalamineWorkbook", Counting)
    return opened


def findings_xlsx(path, rows=6):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "问题"
    ws.append(["单位名称", "年度", "级别", "检查日期", "问题类别", "存在问题", "整改时限", "整改情况"])
    for i in range(rows):
        ws.append(
            [f"示例企业{i % 2}（演示）", 2021, "区级", "2021-06-01", "识别标志", f"问题{i}", "2021-09-30", "待整改"]
        )
    wb.save(path)
    return path


def rewrite_later(path, write) -> None:
    """Write the file again, with a modification time surely different from the first."""
    before = path.stat().st_mtime_ns
    write(path)
    os.utime(path, ns=(before + 2_000_000_000, before + 2_000_000_000))


def test_a_prepared_read_serves_the_dry_run_and_the_import(seeded, tmp_path, reads):
    path = findings_csv(tmp_path / "f.csv")
    read = SheetRead(path)
    dry = import_file(seeded, "findings", path, dry_run=True, read=read)
    real = import_file(seeded, "findings", path, read=read)
    assert (dry.new, real.new, real.written) == (6, 6, True)
    assert not dry.reread and not real.reread
    assert reads == [("f.csv", None)]


def test_a_file_changed_after_the_dry_run_is_read_again(seeded, tmp_path, reads):
    path = findings_csv(tmp_path / "f.csv")
    read = SheetRead(path)
    assert import_file(seeded, "findings", path, dry_run=True, read=read).new == 6
    rewrite_later(path, lambda p: findings_csv(p, rows=9))
    real = import_file(seeded, "findings", path, read=read)
    assert real.reread and real.new == 9  # what is written is what the file holds now
    assert len(reads) == 2


def test_a_read_of_another_file_is_refused(seeded, tmp_path):
    read = SheetRead(findings_csv(tmp_path / "a.csv"))
    with pytest.raises(ValueError):
        import_file(seeded, "findings", findings_csv(tmp_path / "b.csv"), read=read)


def test_the_command_line_path_reads_once_and_is_unchanged(seeded, tmp_path, reads):
    result = import_file(seeded, "findings", findings_xlsx(tmp_path / "f.xlsx"), sheet="问题")
    assert result.written and result.new == 6 and not result.reread and result.sheet == "问题"
    assert reads == [("f.xlsx", "问题")]


def run_wizard(qtbot, wizard, before_import=None):
    wizard.show()
    qtbot.waitUntil(wizard.file_page.isComplete, timeout=30_000)
    wizard.next()
    qtbot.waitUntil(wizard.mapping_page.isComplete, timeout=30_000)
    wizard.next()
    qtbot.waitUntil(lambda: wizard.dry_page.result is not None, timeout=30_000)
    if before_import is not None:
        before_import()
    wizard.next()
    qtbot.waitUntil(lambda: wizard.run_page.result is not None, timeout=30_000)
    return wizard.dry_page.result, wizard.run_page.result


def test_the_wizard_reads_the_sheet_once_for_preview_dry_run_and_import(qtbot, seeded, tmp_path, reads, calamine_opens):
    path = findings_xlsx(tmp_path / "问题.xlsx")
    wizard = ImportWizard(seeded, "findings", str(path))
    qtbot.addWidget(wizard)
    listed = []
    dry, real = run_wizard(qtbot, wizard, lambda: listed.append(len(calamine_opens)))
    assert dry.new == 6 and real.written and real.new == 6
    assert reads == [("问题.xlsx", "问题")]
    # calamine opened the workbook to list its sheets and once to read the sheet; the dry
    # run and the import opened nothing.
    assert listed == [2] and len(calamine_opens) == 2
    assert "重新读取" not in wizard.run_page.summary.text()
    assert wizard.sheet_read is None  # the rows are let go once imported


def test_the_wizard_reads_a_file_changed_before_the_import_again_and_says_so(qtbot, seeded, tmp_path, reads):
    path = findings_csv(tmp_path / "f.csv")
    wizard = ImportWizard(seeded, "findings", str(path))
    qtbot.addWidget(wizard)
    dry, real = run_wizard(qtbot, wizard, lambda: rewrite_later(path, lambda p: findings_csv(p, rows=9)))
    assert dry.new == 6 and real.reread and real.new == 9
    assert len(reads) == 2
    assert "文件在上一步之后被修改过" in wizard.run_page.summary.text()
    assert "已导入" in wizard.run_page.summary.text()


def test_going_back_to_the_preview_keeps_the_read(qtbot, seeded, tmp_path, reads):
    wizard = ImportWizard(seeded, "findings", str(findings_csv(tmp_path / "f.csv")))
    qtbot.addWidget(wizard)
    wizard.show()
    qtbot.waitUntil(wizard.file_page.isComplete, timeout=30_000)
    wizard.next()
    qtbot.waitUntil(wizard.mapping_page.isComplete, timeout=30_000)
    wizard.back()
    wizard.next()
    qtbot.waitUntil(wizard.mapping_page.isComplete, timeout=30_000)
    assert "表头在第 1 行" in wizard.mapping_page.info.text()
    assert len(reads) == 1
