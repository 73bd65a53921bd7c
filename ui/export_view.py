"""Export a tab's current view (its filter and its order) off the UI thread, with a
cancellable progress dialog, as the whole-table export of the main window does."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFileDialog, QMainWindow, QProgressDialog

from ui.errors import show_user_error
from ycdesk.errors import UserError

FILE_TYPES = "Excel 工作簿 (*.xlsx);;CSV 文件 (*.csv);;PDF 文件 (*.pdf)"


def ask_path(parent, default_name: str) -> str:
    path, _ = QFileDialog.getSaveFileName(parent, parent.tr("导出当前视图"), default_name, FILE_TYPES)
    return path


def run_export(parent, store, title: str, path: str, write) -> None:
    """``write(store, path, progress)`` runs in a worker on its own connection to the
    workspace (sqlite connections belong to their thread) and returns the rows written."""
    from ui.tasks import Task

    db, operator = str(store.path), store.operator

    def job(state):
        from ycdesk.store import Store

        def progress(done, total):
            if state.cancelled:
                raise UserError(parent.tr("已取消导出"))
            state.progress(done / max(total, 1), "")

        with Store(db, operator=operator) as own:
            return write(own, path, progress)

    dialog = QProgressDialog(parent.tr("正在导出 {0}…").format(title), parent.tr("取消"), 0, 100, parent)
    dialog.setWindowModality(Qt.WindowModal)
    task = Task(job)
    dialog.canceled.connect(task.cancel)
    task.signals.progress.connect(lambda f, _t: dialog.setValue(int(f * 100)))

    def done(count):
        dialog.reset()
        parent.export_finished = (path, count)
        window = parent.window()
        if isinstance(window, QMainWindow):
            window.statusBar().showMessage(parent.tr("已导出当前视图 {0} 行到 {1}").format(count, path), 8000)

    def failed(exc, _tb):
        dialog.reset()
        if isinstance(exc, UserError):
            show_user_error(parent, exc)
        else:
            raise exc

    task.signals.done.connect(done)
    task.signals.failed.connect(failed)
    parent._export_task = task  # keep it alive until it reports
    task.start()


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
