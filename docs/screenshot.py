"""Grab the main window offscreen into docs/*.png (the README's screenshots), at the size
of a 1366×768 laptop screen, plus the first-run dialog and an empty workspace's hint.

Usage: QT_QPA_PLATFORM=offscreen python docs/screenshot.py
"""

import os
import sys
import tempfile
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
os.environ["YCDESK_HOME"] = tempfile.mkdtemp()

from PySide6.QtCore import QSettings  # noqa: E402

from ui.app import create_app  # noqa: E402
from ui.main_window import MainWindow  # noqa: E402
from ui.settings import Settings  # noqa: E402
from ycdesk.workspace import create_workspace, open_workspace  # noqa: E402

app = create_app()
store = open_workspace(
    create_workspace(Path(os.environ["YCDESK_HOME"]) / "demo.ycdesk", "演示用户"), operator="演示用户"
)
settings = Settings(QSettings(str(Path(os.environ["YCDESK_HOME"]) / "s.ini"), QSettings.IniFormat))
window = MainWindow(store, settings)
window.resize(1366, 768)
window.show()
ind = window.indicators_tab
ind.table.setCurrentIndex(ind.model.index(ind.model.find(store.indicators.by_code("FYP14-03")["id"]), 1))
for index, name in enumerate(["indicators", "projects"]):
    window.tabs.setCurrentIndex(index)
    app.processEvents()
    window.grab().save(str(HERE / f"screenshot-{name}.png"))
# The audits tab with an open finding selected, and its charts page.
window.tabs.setCurrentIndex(2)
audits = window.audits_tab
audits.status.setCurrentIndex(audits.status.findData("整改中"))
audits.table.setCurrentIndex(audits.model.index(0, 0))
app.processEvents()
window.grab().save(str(HERE / "screenshot-audits.png"))
audits.pages.setCurrentIndex(2)
app.processEvents()
window.grab().save(str(HERE / "screenshot-audits-charts.png"))

# The projects tab with a lagging project selected and its S-curve.
window.tabs.setCurrentIndex(1)
tab = window.projects_tab
row = next(i for i, r in enumerate(tab.model.rows) if r.get("seq") == 3)
tab.table.setCurrentIndex(tab.model.index(row, 1))
tab.charts.setCurrentIndex(1)
app.processEvents()
window.grab().save(str(HERE / "screenshot-projects-detail.png"))
# The reports tab with a generated quarterly report.
window.tabs.setCurrentIndex(3)
reports = window.reports_tab
reports.period.setCurrentIndex(reports.period.findData("2025Q4"))
done = []
reports.generated.connect(done.append)
reports.generate()
while not done or reports.preview.rendering is not None:  # the pages render in the background
    app.processEvents()
app.processEvents()
window.grab().save(str(HERE / "screenshot-reports.png"))
window.close()


# The first start: the dialog asking operator, unit and demo or blank.
from ui.dialogs.first_run import FirstRunDialog  # noqa: E402

first = FirstRunDialog()
first.name.setText("张三")
first.show()
app.processEvents()
first.grab().save(str(HERE / "screenshot-first-run.png"))
first.close()

# A blank workspace: the audits page says what to do next instead of showing an empty grid.
blank = open_workspace(
    create_workspace(Path(os.environ["YCDESK_HOME"]) / "blank.ycdesk", "张三", demo=False), operator="张三"
)
window = MainWindow(blank, settings)
window.resize(1366, 768)
window.show()
window.tabs.setCurrentIndex(2)
window.audits_tab.pages.setCurrentIndex(0)
for _ in range(3):
    app.processEvents()
window.grab().save(str(HERE / "screenshot-audits-empty.png"))
window.close()

# Page images of every report kind: docs/report_pages.py.
