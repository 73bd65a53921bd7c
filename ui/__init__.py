"""The Qt (PySide6 Widgets) application over the ycdesk core. Never writes SQL."""

import os

# pyqtgraph must bind to PySide6 even if another Qt binding is installed.
os.environ.setdefault("PYQTGRAPH_QT_LIB", "PySide6")
