"""文件 → 交换 in the app: enrol a township, import its package after a dry-run summary,
export a package, and the 报送情况 view (township × quarter, missing ones highlighted)."""

from __future__ import annotations

import shutil

from PySide6.QtWidgets import QMessageBox

from ycdesk.exchange import enrolment, packages
from ycdesk.store import Store

T1, T2 = "城南街道", "富盛镇"


def test_exchange_menu_enrol_import_status_export(main_window, qtbot, tmp_path, monkeypatch, _seeded_template):
    window = main_window
    titles = [a.text() for a in window.menuBar().actions()[0].menu().actions() if a.menu()]
    assert any("交换" in t for t in titles)
    status = window.exchange.show_status()
    qtbot.addWidget(status)
    monkeypatch.setattr(QMessageBox, "information", lambda *a, **k: QMessageBox.Ok)
    for name in (T1, T2):
        status.enrol(name, str(tmp_path / f"{name}.key"))
    assert {p["name"] for p in enrolment.enrolled(window.store)} == {T1, T2}

    township = tmp_path / "城南.ycdesk"
    shutil.copy(_seeded_template, township)
    with Store(township, operator="镇街") as t:
        enrolment.bind(t, tmp_path / f"{T1}.key")
        t.indicators.add_observation(t.indicators.by_code("FYP14-02")["id"], "2026Q3", 19, scope=T1)
        packages.export_package(t, tmp_path / "城南-1.ycx")

    asked = []

    def confirm(parent, title, text, *a, **k):
        asked.append(text)
        return QMessageBox.Yes

    monkeypatch.setattr(QMessageBox, "question", confirm)
    with qtbot.waitSignal(window.exchange.finished, timeout=60_000) as got:
        window.exchange.import_package(str(tmp_path / "城南-1.ycx"))
    assert "将写入" in asked[0] and got.args[0].applied == 1 and not got.args[0].dry_run
    assert window.store.scalar("SELECT value FROM observations WHERE scope = ? AND period = '2026Q3'", (T1,)) == 19

    status.refresh()
    quarter = status.table.columnCount() - 1
    rows = {status.table.verticalHeaderItem(r).text(): r for r in range(status.table.rowCount())}
    assert "第1号 1 条" in status.table.item(rows[T1], quarter).text()
    missing = status.table.item(rows[T2], quarter)
    assert missing.text() == "未报送" and missing.background().color().name() == "#f8d7da"
    assert status.missing >= 1

    out = tmp_path / "区-城南-1.ycx"
    with qtbot.waitSignal(window.exchange.finished, timeout=60_000) as got:
        window.exchange.export_package(str(out), T1)
    assert got.args[0]["seq"] == 1 and out.exists()

    status.revoke(T2)
    assert "已撤销" in status.table.verticalHeaderItem(rows[T2]).text()


def test_a_refused_package_shows_the_reason_and_writes_nothing(main_window, qtbot, tmp_path, monkeypatch):
    junk = tmp_path / "junk.ycx"
    junk.write_bytes(b"not a package")
    shown = []
    monkeypatch.setattr("ui.dialogs.exchange_dialog.show_user_error", lambda parent, exc: shown.append(str(exc)))
    before = main_window.store.scalar("SELECT COUNT(*) FROM history")
    with qtbot.waitSignal(main_window.exchange.finished, timeout=60_000):
        main_window.exchange.import_package(str(junk))
    assert "不是 ycdesk 交换包" in shown[0]
    assert main_window.store.scalar("SELECT COUNT(*) FROM history") == before


def test_a_township_workspace_says_so_in_the_status_bar(qtbot, tmp_path, settings, _seeded_template):
    from ui.main_window import MainWindow

    district = tmp_path / "区.ycdesk"
    shutil.copy(_seeded_template, district)
    with Store(district) as d:
        enrolment.enroll(d, T1, tmp_path / "k.key")
    township = tmp_path / "镇.ycdesk"
    shutil.copy(_seeded_template, township)
    with Store(township) as t:
        enrolment.bind(t, tmp_path / "k.key")
    window = MainWindow(Store(township, operator="镇街"), settings)
    qtbot.addWidget(window)
    assert f"{T1}的工作区" in window.workspace_label.text()


def test_an_applied_package_refreshes_only_the_tabs_showing_what_it_wrote(
    main_window, qtbot, tmp_path, monkeypatch, _seeded_template
):
    """A township's package of one observation: 指标 reloads; 重大工程, 危废考核 and 报告 keep
    what they show (the import used to reload every tab). The dry run reloads nothing."""
    window = main_window
    enrolment.enroll(window.store, T1, tmp_path / "t1.key")
    township = tmp_path / "城南.ycdesk"
    shutil.copy(_seeded_template, township)
    with Store(township, operator="镇街") as t:
        enrolment.bind(t, tmp_path / "t1.key")
        t.indicators.add_observation(t.indicators.by_code("FYP14-02")["id"], "2026Q3", 19, scope=T1)
        packages.export_package(t, tmp_path / "城南-1.ycx")
    reloads = {}
    for spec in window.tab_specs:
        tab = window.tab_for(spec.key)
        reloads[spec.key] = 0
        original = tab.set_store

        def counted(store, key=spec.key, original=original):
            reloads[key] += 1
            original(store)

        tab.set_store = counted
    seen_at_dry_run = []

    def confirm(*a, **k):
        seen_at_dry_run.append(dict(reloads))
        return QMessageBox.Yes

    monkeypatch.setattr(QMessageBox, "question", confirm)
    with qtbot.waitSignal(window.exchange.finished, timeout=60_000) as got:
        window.exchange.import_package(str(tmp_path / "城南-1.ycx"))
    outcome = got.args[0]
    assert outcome.applied == 1 and outcome.tables == ["observations"]
    assert "observations" in outcome.changed_tables and "findings" not in outcome.changed_tables
    assert seen_at_dry_run == [dict.fromkeys(reloads, 0)]
    assert reloads == {"indicators": 1, "projects": 0, "audits": 0, "reports": 0}


def test_a_dry_run_or_a_package_imported_before_changes_no_table():
    outcome = packages.ImportOutcome(T1, "township", 1, 1, applied=1, tables=["observations"], dry_run=True)
    assert outcome.changed_tables == frozenset()
    outcome.dry_run, outcome.already = False, True
    assert outcome.changed_tables == frozenset()
    outcome.already = False
    assert outcome.changed_tables == {"observations", *packages.ImportOutcome.RECORDS}
