"""The window fits the screen it opens on, key columns are in view, and a project nobody
has reported on reads 未填报 rather than 滞后 at 0 %."""

from __future__ import annotations

import pytest
from PySide6.QtGui import QGuiApplication

from ui.tabs.projects.model import COLUMNS, PROJECT


def test_the_default_window_fits_the_usable_area(qtbot, seeded, settings):
    from ui.main_window import MainWindow

    window = MainWindow(seeded, settings)  # nothing saved: the default size
    qtbot.addWidget(window)
    area = QGuiApplication.primaryScreen().availableGeometry()
    assert window.width() <= area.width() - MainWindow.FRAME_MARGINS[0]
    assert window.height() <= area.height() - MainWindow.FRAME_MARGINS[1]
    assert area.contains(window.geometry())


def test_a_size_saved_on_a_larger_monitor_is_fitted(qtbot, seeded, settings):
    from ui.main_window import MainWindow

    big = MainWindow(seeded, settings)
    qtbot.addWidget(big)
    big.setGeometry(0, 0, 2400, 1400)  # as if saved on a 2560×1440 monitor
    settings.set("window/geometry", big.saveGeometry())
    window = MainWindow(seeded, settings)
    qtbot.addWidget(window)
    area = QGuiApplication.primaryScreen().availableGeometry()
    assert window.width() < 2400 and area.contains(window.geometry())


def lag_column() -> int:
    return [key for _h, key in COLUMNS].index("lagging")


@pytest.fixture
def app_font(qapp):
    """The app's bundled font, as the app runs (its glyphs are wider than the fallback's)."""
    from ui.fonts import install_font

    before = qapp.font()
    install_font(qapp)
    yield
    qapp.setFont(before)


def test_the_lagging_column_is_in_view_at_1200_pixels(app_font, qtbot, seeded, settings):
    from ui.main_window import MainWindow

    window = MainWindow(seeded, settings)
    qtbot.addWidget(window)
    window.show()
    window.resize(1200, 700)
    window.tabs.setCurrentIndex(1)
    tab = window.projects_tab
    qtbot.waitUntil(lambda: tab.table.viewport().width() > 1000)
    tab.refresh()
    header = tab.table.horizontalHeader()
    right = header.sectionViewportPosition(lag_column()) + header.sectionSize(lag_column())
    assert right <= tab.table.viewport().width()


@pytest.fixture
def blank(tmp_path):
    from ycdesk.seed import init_workspace
    from ycdesk.store import Store

    s = Store(tmp_path / "blank.ycdesk", operator="测试员")
    init_workspace(s, demo=False)
    yield s
    s.close()


def test_projects_without_progress_read_unreported(qtbot, blank, settings):
    from ui.main_window import MainWindow

    window = MainWindow(blank, settings)
    qtbot.addWidget(window)
    window.show()
    window.tabs.setCurrentIndex(1)
    tab = window.projects_tab
    tab.period.setCurrentIndex(tab.period.findData("2025"))
    texts = [tab.model.index(i, lag_column()).data() for i, r in enumerate(tab.model.rows) if r["kind"] == PROJECT]
    assert "未填报" in texts and "滞后" not in texts
    total = tab.model.index(len(tab.model.rows) - 1, lag_column()).data()
    assert total.startswith("未填报") and "未填报" in tab.totals.text()
