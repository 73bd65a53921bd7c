"""What a new user needs from the menus, not the command line: an import template for each
kind (文件 → 导入模板) and removing the demo data (文件 → 删除演示数据, backed up first)."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QMessageBox

from ui.errors import show_user_error
from ui.file_dialogs import save_file
from ycdesk.errors import UserError
from ycdesk.imports.kinds import IMPORT_KINDS


def template_name(kind: str) -> str:
    return f"{IMPORT_KINDS[kind].label}导入模板.xlsx"


def save_template(window, kind: str) -> str | None:
    """Ask where, write the blank template for ``kind`` (comments and drop-down lists),
    and say where it went; the saved path, or None."""
    from ycdesk.imports.template import write_template

    path = save_file(window, window.tr("保存导入模板"), template_name(kind), "Excel 工作簿 (*.xlsx)")
    if not path:
        return None
    if not path.lower().endswith(".xlsx"):
        path += ".xlsx"
    try:
        write_template(window.store, kind, path)
    except (UserError, OSError) as exc:
        show_user_error(
            window, exc if isinstance(exc, UserError) else UserError(window.tr("无法保存模板：{0}").format(exc))
        )
        return None
    window.statusBar().showMessage(window.tr("已保存导入模板 {0}，填好后用 文件 → 导入").format(path), 10_000)
    return path


def remove_demo_data(window) -> int:
    """Confirm with the count, back the workspace up, delete every demo record; the number
    removed (0 when there was nothing to do or the user said no)."""
    from ycdesk.seed import demo_count, remove_demo

    store = window.store
    title = window.tr("删除演示数据")
    try:
        store.check_writable()
    except UserError as exc:
        show_user_error(window, exc)
        return 0
    count = demo_count(store)
    if not count:
        QMessageBox.information(window, title, window.tr("工作区中没有演示数据。"))
        return 0
    answer = QMessageBox.question(
        window,
        title,
        window.tr(
            "将删除工作区中的全部演示数据（{0} 条），规划指标、重大工程和您录入或导入的数据不受影响。\n\n"
            "删除前会自动备份，需要时可在 文件 → 从备份恢复 中找回。确定删除吗？"
        ).format(count),
        QMessageBox.Yes | QMessageBox.No,
        QMessageBox.No,
    )
    if answer != QMessageBox.Yes:
        return 0
    QApplication.setOverrideCursor(Qt.WaitCursor)
    try:
        backup = store.backup(reason="before-demo-removal")
        removed = remove_demo(store)
    except UserError as exc:
        QApplication.restoreOverrideCursor()
        show_user_error(window, exc)
        return 0
    QApplication.restoreOverrideCursor()
    window.set_store(store)  # every tab shows the workspace without them
    window.statusBar().showMessage(
        window.tr("已删除演示数据 {0} 条；删除前的备份：{1}").format(removed, backup), 15_000
    )
    return removed
