"""Start-up to the first painted main window, for ``run_all.py``.

Two scripts, each run as a fresh process and timed from launch to its exit: ``APP`` starts
ycdesk the way ``ycdesk gui --db`` does; ``BARE`` shows an empty PySide6 QMainWindow. Both
exit at the first paint event of their main window, so interpreter start, imports, building
the window and the first paint are counted, and nothing after it.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time

# Exit (without tearing anything down) at the first paint of a QMainWindow: an event
# filter on each main window shown when the event loop starts. On the windows only, not
# the application: an application-wide Python filter is handed every event of every
# widget, and building the Python type of each new kind of event (with the Qt namespace's
# enums) cost a window with children ~50-80 ms that the bare window, without children,
# never paid — the measurement's cost, not the app's.
_ON_FIRST_PAINT = """
import os, sys
from PySide6.QtCore import QEvent, QObject
from PySide6.QtWidgets import QApplication, QMainWindow

class _FirstPaint(QObject):
    def eventFilter(self, obj, event):
        if event.type() == QEvent.Paint:
            os.write(1, b"painted\\n")
            os._exit(0)
        return False

_exec = QApplication.exec
def _exec_until_paint(self):
    self._first_paint = _FirstPaint()
    for window in QApplication.topLevelWidgets():
        if isinstance(window, QMainWindow):
            window.installEventFilter(self._first_paint)
    return _exec()
QApplication.exec = _exec_until_paint
"""

BARE = (
    _ON_FIRST_PAINT
    + """
app = QApplication(sys.argv[:1])
window = QMainWindow()
window.resize(1200, 760)
window.show()
app.exec()
"""
)

# argv: workspace, ROOT.
APP = (
    _ON_FIRST_PAINT
    + """
sys.path.insert(0, sys.argv[2])
from ui.app import run
run(db=sys.argv[1])
"""
)


def run(code: str, *args: str, home: str) -> float:
    """Seconds from launching ``code`` to its first paint. Both run with compiled bytecode,
    as an installed app does (PyInstaller ships it compiled): with PYTHONDONTWRITEBYTECODE
    set, as on the development machines, every start would compile all of ycdesk's sources
    (0.3 s for ui/main_window.py alone) and the bare window none. The caches go to a folder
    under ``home`` (PYTHONPYCACHEPREFIX), never next to the sources; warm them with one
    untimed run first."""
    env = {
        **os.environ,
        "QT_QPA_PLATFORM": "offscreen",
        "YCDESK_HOME": home,
        "XDG_CONFIG_HOME": home,
        "PYTHONPYCACHEPREFIX": os.path.join(home, "pycache"),
    }
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    start = time.perf_counter()
    out = subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True, env=env, timeout=120)
    elapsed = time.perf_counter() - start
    if "painted" not in out.stdout:
        raise RuntimeError(f"no first paint: {out.stderr[-2000:]}")
    return elapsed
