"""Adding an area goes through the registries alone: a throwaway 固体废物台账 (tab, import
kind, report kind, export table) declared here, in the test, shows up in the CLI, the
import wizard, the main window (tab, shortcut, drop routing) and the export menu, and is
gone again once unregistered."""

import pytest
from PySide6.QtCore import QMimeData, QPointF, QSettings, Qt, QUrl
from PySide6.QtGui import QDropEvent, QKeySequence
from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from ui.dialogs.help_dialog import plain
from ui.tabs import registry as tabs
from ycdesk.export import tables as export_tables
from ycdesk.imports import kinds as import_kinds
from ycdesk.reports import kinds as report_kinds


class LedgerTab(QWidget):
    """The throwaway area's tab: what any tab offers the window (set_store)."""

    def __init__(self) -> None:
        super().__init__()
        self.label = QLabel()
        QVBoxLayout(self).addWidget(self.label)
        self.stores = []

    def set_store(self, store) -> None:
        self.stores.append(store)
        self.label.setText(f"{store.path.name}")


@pytest.fixture
def ledger_area():
    """The new area: one declaration per registry, nothing else."""
    base = import_kinds.IMPORT_KINDS["enterprises"]
    import_kinds.register(
        import_kinds.ImportKind("ledger", "固体废物台账", base.fields, base.handler, ("enterprises",))
    )
    report_kinds.register(
        "ledger",
        lambda: report_kinds.ReportKind(
            "ledger",
            "固体废物台账月报",
            (report_kinds.Param("month", "月份，如 2025-06", required=True),),
            gather=lambda store, p: {},
            build=lambda store, p, path, progress=None: {},
            period=lambda p: p["month"],
            scope=lambda p: "",
        ),
    )
    sludge = export_tables.TABLES["sludge"]
    export_tables.register(export_tables.TableSpec("ledger", "固体废物台账", sludge.sql, sludge.columns))
    tabs.register(
        tabs.TabSpec(
            "ledger", "固体废物台账", __name__, "LedgerTab", "ledger", frozenset({"enterprises", "sludge"}), ("ledger",)
        )
    )
    yield
    tabs.unregister("ledger")
    export_tables.unregister("ledger")
    report_kinds.unregister("ledger")
    import_kinds.unregister("ledger")


def _help(capsys, *argv) -> str:
    import os

    from ui.launcher import main

    saved = os.environ.get("COLUMNS")
    os.environ["COLUMNS"] = "400"  # argparse wraps Chinese text mid-word at the terminal's width
    try:
        with pytest.raises(SystemExit):
            main([*argv, "--help"])
    finally:
        os.environ.pop("COLUMNS") if saved is None else os.environ.__setitem__("COLUMNS", saved)
    return capsys.readouterr().out


def test_a_new_area_shows_in_the_cli(ledger_area, capsys):
    assert "ledger" in _help(capsys, "import") and "ledger" in _help(capsys, "template")
    report = _help(capsys, "report")
    assert "ledger" in report and "固体废物台账月报" in report
    assert "--month" in _help(capsys, "report", "ledger")
    assert "ledger" in _help(capsys, "export")


def test_a_new_area_shows_in_the_wizard_window_and_export_menu(ledger_area, qtbot, seeded, tmp_path, monkeypatch):
    from ui.dialogs.import_wizard import ImportWizard
    from ui.main_window import MainWindow
    from ui.settings import Settings

    wizard = ImportWizard(seeded, "ledger")
    qtbot.addWidget(wizard)
    kinds = [wizard.file_page.kind.itemData(i) for i in range(wizard.file_page.kind.count())]
    assert kinds[-1] == "ledger" and wizard.kind() == "ledger"
    assert wizard.file_page.kind.currentText() == "固体废物台账"

    window = MainWindow(seeded, Settings(QSettings(str(tmp_path / "s.ini"), QSettings.IniFormat)))
    qtbot.addWidget(window)
    window.show()
    titles = [window.tabs.tabText(i) for i in range(window.tabs.count())]
    assert titles == ["指标", "重大工程", "危废考核", "报告", "固体废物台账"]
    assert window.tab_actions[4].shortcuts() == [QKeySequence("Ctrl+5"), QKeySequence("Alt+5")]
    window.tab_actions[4].trigger()
    assert window.tabs.currentIndex() == 4
    assert isinstance(window.ledger_tab, LedgerTab) and window.ledger_tab.stores == [seeded]

    # A file dropped on the new tab opens the wizard on the new kind.
    opened = []
    monkeypatch.setattr(ImportWizard, "exec", lambda self: opened.append(self.kind()) or 0)
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(tmp_path / "台账.xlsx"))])
    window.dropEvent(QDropEvent(QPointF(10, 10), Qt.CopyAction, mime, Qt.LeftButton, Qt.NoModifier))
    assert opened == ["ledger"]

    # An operation that changed the area's table reloads its tab (and the others showing it).
    window.tables_changed({"sludge"})
    assert window.ledger_tab.stores == [seeded, seeded]

    window.export_menu.aboutToShow.emit()
    actions = window.export_menu.actions()
    entries = [plain(a.text()) for a in actions]
    # the new table's entry gets a letter of its own (the built-in ones keep theirs)
    assert actions[entries.index("固体废物台账")].text() == "固体废物台账(&B)"
    # in the new tab's own section, after the tabs before it (the tables no tab claims come last)
    assert entries.index("固体废物台账") > entries.index("印染污泥台账")
    assert actions[entries.index("固体废物台账") - 1].isSeparator()
    exported = []
    monkeypatch.setattr(window, "export", lambda name: exported.append(name))
    actions[entries.index("固体废物台账")].trigger()
    assert exported == ["ledger"]


def test_unregistering_takes_the_area_away_again(qtbot, seeded, tmp_path, capsys):
    from ui.main_window import MainWindow
    from ui.settings import Settings

    assert "ledger" not in import_kinds.IMPORT_KINDS and "ledger" not in report_kinds.kinds()
    assert "ledger" not in _help(capsys, "report")
    window = MainWindow(seeded, Settings(QSettings(str(tmp_path / "s.ini"), QSettings.IniFormat)))
    qtbot.addWidget(window)
    assert window.tabs.count() == len(tabs.TABS) == 4
    assert "固体废物台账" not in [plain(a.text()) for a in window.export_menu.actions()]
    with pytest.raises(AttributeError):
        window.ledger_tab


def test_a_key_is_declared_once():
    spec = tabs.TABS[0]
    with pytest.raises(ValueError):
        tabs.register(spec)
    with pytest.raises(ValueError):
        export_tables.register(export_tables.TABLES["sludge"])
