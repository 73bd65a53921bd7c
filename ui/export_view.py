"""Export a tab's current view (its filter and its order) off the UI thread, with a
cancellable progress dialog, as the whole-table export of the main window does."""

from __future__ import annotations

from PySide6.QtWidgets import QMainWindow

from ui.errors import show_user_error
from ui.file_dialogs import save_file
from ui.operations import Operation, report_failure
from ycdesk.errors import Cancelled, UserError

FILE_TYPES = "Excel 工作簿 (*.xlsx);;CSV 文件 (*.csv);;PDF 文件 (*.pdf)"


def ask_path(parent, default_name: str) -> str:
    return save_file(parent, parent.tr("导出当前视图"), default_name, FILE_TYPES)


def run_export(parent, store, title: str, path: str, write, *, on_done=None) -> Operation:
    """``write(store, path, progress)`` runs in a worker on its own connection to the
    workspace (sqlite connections belong to their thread) and returns the rows written;
    a cancelled export leaves no file. ``on_done(count)`` replaces the current-view
    message (the whole-table export of the main window says its own)."""
    db, operator = str(store.path), store.operator

    def work(state):
        from ycdesk.store import Store

        with Store(db, operator=operator) as own:
            return write(own, path, state.counter)

    def done(count) -> None:
        if on_done is not None:
            on_done(count)
            return
        parent.export_finished = (path, count)
        window = parent.window()
        if isinstance(window, QMainWindow):
            window.statusBar().showMessage(parent.tr("已导出当前视图 {0} 行到 {1}").format(count, path), 8000)

    def failed(exc) -> None:
        window = parent.window()
        if isinstance(exc, Cancelled) and isinstance(window, QMainWindow):
            window.statusBar().showMessage(parent.tr("已取消导出"), 8000)
        report_failure(parent, exc)

    parent._export_operation = Operation(work, parent).on_success(done).on_failure(failed)
    parent._export_operation.with_dialog(parent.tr("正在导出 {0}…").format(title), parent.tr("取消"))
    return parent._export_operation.start()


def export_model_view(parent, model, title: str, path: str | None = None) -> int | None:
    """Export a small table exactly as shown — its rows in their order, each cell's text —
    through the core's writer (all rows are in memory already: no worker needed)."""
    from ycdesk.export import export_rows

    path = path or ask_path(parent, parent.tr("{0}（当前视图）.xlsx").format(title))
    if not path:
        return None
    columns = range(model.columnCount())
    data = [[model.data(model.index(r, c)) or None for c in columns] for r in range(model.rowCount())]
    try:
        count = export_rows(path, model.headers(), data, title)
    except UserError as exc:
        show_user_error(parent, exc)
        return None
    parent.export_finished = (path, count)
    window = parent.window()
    if isinstance(window, QMainWindow):
        window.statusBar().showMessage(parent.tr("已导出当前视图 {0} 行到 {1}").format(count, path), 8000)
    return count
