"""危废考核: findings to closure — overdue panel, lazy findings table, editor, enterprises, charts."""

from __future__ import annotations

import json
from datetime import date

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMainWindow,
    QPushButton,
    QSplitter,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from ui.charts.audits import GroupedBars, tr
from ui.export_view import ask_path, run_export
from ui.file_dialogs import save_file
from ui.models.records import Col, RecordsModel
from ui.settings import workspace_key
from ui.tabs.audits import reveal
from ui.tabs.audits.actions import EditActions
from ui.tabs.audits.editor import FindingEditor
from ui.tabs.audits.model import FindingsModel
from ui.tabs.common import debounced, make_table
from ycdesk import stats
from ycdesk.audits import FINDING_STATUSES, LEVELS
from ycdesk.findings import FindingFilter
from ycdesk.stats import AGE_BUCKETS


class AuditsTab(QWidget):
    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.store = None
        self.as_of = date.today()
        self._build_panel()
        self._build_filters()
        self.model = FindingsModel(self)
        self.table = make_table(self.model)
        for column, width in (
            (0, 210),
            (1, 80),
            (2, 50),
            (3, 50),
            (4, 130),
            (5, 300),
            (6, 90),
            (7, 70),
            (8, 70),
            (9, 70),
        ):
            self.table.setColumnWidth(column, width)
        # Widths, sort and filters are remembered per workspace (restore_state/set_store);
        # a workspace with none saved gets these.
        self._default_header = self.table.horizontalHeader().saveState()
        self.settings, self._workspace = None, None
        self.count = QLabel()
        self.editor = FindingEditor()
        self.editor.changed.connect(self._finding_changed)
        self.table.selectionModel().currentRowChanged.connect(self._select)

        self.enterprise_model = RecordsModel(
            [
                Col(self.tr("企业名称"), "name"),
                Col(self.tr("统一社会信用代码"), "uscc"),
                Col(self.tr("镇街"), "township"),
                Col(self.tr("类型"), "role"),
                Col(self.tr("行业"), "industry"),
                Col(self.tr("代码提示"), "uscc_warning"),
            ]
        )
        self.enterprises = make_table(self.enterprise_model)
        self.enterprise_audits = RecordsModel(
            [
                Col(self.tr("年度"), "year"),
                Col(self.tr("级别"), "level"),
                Col(self.tr("检查日期"), "audit_date"),
                Col(self.tr("得分"), "score"),
                Col(self.tr("结果"), "result"),
                Col(self.tr("问题数"), "found"),
                Col(self.tr("未销号"), "open"),
            ]
        )
        self.enterprise_detail = QLabel()
        self.enterprise_detail.setWordWrap(True)
        self.enterprises.selectionModel().currentRowChanged.connect(lambda *_: self.show_enterprise())

        self.year_level_model = RecordsModel(
            [
                Col(self.tr("年度"), "year"),
                Col(self.tr("级别"), "level"),
                Col(self.tr("考核单位数"), "units", align_right=True),
                Col(self.tr("发现问题"), "found", align_right=True),
                Col(self.tr("已整改"), "rectified", align_right=True),
                Col(self.tr("规划所报（单位/发现/整改）"), "plan"),
            ]
        )
        self.year_level = make_table(self.year_level_model)
        self.found_chart = GroupedBars(tr("各年度、级别发现与整改问题数"))
        self.township_chart = GroupedBars(tr("各镇街未销号问题"))
        self.ageing_chart = GroupedBars(tr("逾期问题账龄"))
        self.export_button = QPushButton(self.tr("导出图表 PNG…"))
        self.export_button.clicked.connect(self.export_chart)
        self.enterprise_audits_view = make_table(self.enterprise_audits)
        # Named for screen readers and for 帮助 → 快捷键 (where Ins/F2/Del work).
        self.table.setAccessibleName(self.tr("问题列表"))
        self.enterprises.setAccessibleName(self.tr("企业列表"))
        self.enterprise_audits_view.setAccessibleName(self.tr("考核列表"))
        self.edit_actions = EditActions(self)
        self._layout()

    # -- layout ---------------------------------------------------------------------------

    def _build_panel(self) -> None:
        self.panel = QLabel()
        self.panel.setObjectName("overduePanel")
        self.panel.setStyleSheet("#overduePanel { background: #fff4e5; border: 1px solid #f0c36d; padding: 6px; }")
        from PySide6.QtWidgets import QSpinBox

        self.soon_days = QSpinBox()
        self.soon_days.setRange(0, 365)
        self.soon_days.setSuffix(self.tr(" 天内到期提醒"))
        self.soon_days.editingFinished.connect(self._set_soon_days)
        self.show_overdue = QPushButton(self.tr("只看逾期(&O)"))
        self.show_due = QPushButton(self.tr("只看即将到期(&S)"))
        self.show_overdue.clicked.connect(lambda: self._set_due("overdue"))
        self.show_due.clicked.connect(lambda: self._set_due("due_soon"))

    def _build_filters(self) -> None:
        self.year = QComboBox()
        self.level = QComboBox()
        self.level.addItem(self.tr("全部级别"), None)
        for lv in LEVELS:
            self.level.addItem(lv, lv)
        self.township = QComboBox()
        self.enterprise = QComboBox()
        self.category = QComboBox()
        self.status = QComboBox()
        self.status.addItem(self.tr("全部状态"), None)
        for s in FINDING_STATUSES:
            self.status.addItem(s, s)
        self.due = QComboBox()
        for text, data in (
            (self.tr("全部期限"), None),
            (self.tr("逾期"), "overdue"),
            (self.tr("7天内到期"), "due_soon"),
        ):
            self.due.addItem(text, data)
        self.search = QLineEdit()
        self.search.setPlaceholderText(self.tr("搜索问题描述或企业名称"))
        self.search.setClearButtonEnabled(True)
        for combo in (self.year, self.level, self.township, self.enterprise, self.category, self.status, self.due):
            combo.currentIndexChanged.connect(self.apply_filter)
        self.search_timer = debounced(self.search, self.apply_filter)  # live, once typing pauses
        self.export_view_button = QPushButton(self.tr("导出当前视图(&V)…"))
        self.export_view_button.setToolTip(self.tr("按当前的筛选、搜索和排序导出列表中的问题"))
        self.export_view_button.clicked.connect(lambda: self.export_view())

    def _layout(self) -> None:
        top = QHBoxLayout()
        top.addWidget(self.panel, 1)
        top.addWidget(self.soon_days)
        top.addWidget(self.show_overdue)
        top.addWidget(self.show_due)
        bar = QHBoxLayout()
        for widget in (self.year, self.level, self.township, self.enterprise, self.category, self.status, self.due):
            bar.addWidget(widget)
        bar.addWidget(self.search, 1)
        bar.addWidget(self.export_view_button)
        findings_page = QWidget()
        fl = QVBoxLayout(findings_page)
        fl.addLayout(bar)
        from ui.empty_hint import EmptyHint

        self.empty_hint = EmptyHint(
            self.tr(
                "<b>还没有考核问题。</b>把考核问题清单（Excel/WPS 表格）导入进来；没有现成表格的，先下载模板按格式填写；也可以点下面的“新增问题”逐条录入。"
            ),
            "findings",
        )
        fl.addWidget(self.empty_hint)
        split = QSplitter(Qt.Vertical)
        upper = QWidget()
        ul = QVBoxLayout(upper)
        ul.setContentsMargins(0, 0, 0, 0)
        ul.addLayout(self.edit_actions.findings_row())
        ul.addWidget(self.table)
        ul.addWidget(self.count)
        split.addWidget(upper)
        split.addWidget(self.editor)
        split.setSizes([400, 280])
        fl.addWidget(split)

        ent_page = QSplitter(Qt.Horizontal)
        left = QWidget()
        ll = QVBoxLayout(left)
        ll.addLayout(self.edit_actions.enterprises_row())
        ll.addWidget(self.enterprises)
        ent_page.addWidget(left)
        right = QWidget()
        rl = QVBoxLayout(right)
        rl.addWidget(self.enterprise_detail)
        rl.addLayout(self.edit_actions.audits_row())
        rl.addWidget(self.enterprise_audits_view)
        ent_page.addWidget(right)

        self.charts = QTabWidget()
        self.charts.addTab(self.found_chart, self.tr("发现与整改"))
        self.charts.addTab(self.township_chart, self.tr("镇街未销号"))
        self.charts.addTab(self.ageing_chart, self.tr("逾期账龄"))
        chart_page = QSplitter(Qt.Vertical)
        chart_page.addWidget(self.year_level)
        box = QWidget()
        bl = QVBoxLayout(box)
        bl.setContentsMargins(0, 0, 0, 0)
        bl.addWidget(self.charts)
        bl.addWidget(self.export_button, 0, Qt.AlignRight)
        chart_page.addWidget(box)

        self.pages = QTabWidget()
        self.pages.addTab(findings_page, self.tr("问题清单"))
        self.pages.addTab(ent_page, self.tr("企业"))
        self.pages.addTab(chart_page, self.tr("统计图表"))
        self.pages.currentChanged.connect(lambda _: self.refresh_page())
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.pages)

    # -- data -----------------------------------------------------------------------------

    def set_store(self, store) -> None:
        if self.store is not None:
            # The workspace being left keeps its own filters and widths; the same workspace
            # again (its data changed: an import, an undo) keeps the view on show, which
            # _recall below puts back.
            self._remember()
        self.model.set_filter(None, FindingFilter())  # let go of the old one (it may be closed already)
        self.store = store
        self._workspace = workspace_key(store)
        self.editor.set_store(store)
        self.soon_days.blockSignals(True)
        self.soon_days.setValue(store.findings.soon_days)
        self.soon_days.blockSignals(False)
        combos = (
            (self.year, self.tr("全部年度"), [(f"{y}年", y) for y in store.findings.years()]),
            (self.township, self.tr("全部镇街"), [(t["name"], t["id"]) for t in store.townships.list()]),
            (self.enterprise, self.tr("全部企业"), [(e["name"], e["id"]) for e in store.audits.enterprises()]),
            (self.category, self.tr("全部类别"), [(c, c) for c in store.findings.categories()]),
        )
        self.empty_hint.setVisible(not combos[0][2])  # no year: no finding at all
        for combo, first, items in combos:
            combo.blockSignals(True)
            combo.clear()
            combo.addItem(first, None)
            for text, data in items:
                combo.addItem(text, data)
            combo.blockSignals(False)
        self._recall()
        self.refresh()

    def refresh(self) -> None:
        if self.store is None:
            return
        self.refresh_panel()
        self.apply_filter()
        self._stale = {1, 2}
        self.refresh_page()

    def refresh_page(self) -> None:
        """The enterprise and chart pages are rebuilt only when shown (and out of date)."""
        page = self.pages.currentIndex()
        if page not in getattr(self, "_stale", set()):
            return
        self._stale.discard(page)
        if page == 1:
            self.refresh_enterprises()
        elif page == 2:
            self.refresh_charts()

    def refresh_panel(self) -> None:
        cut = stats.Cut(as_of=self.as_of)
        deadlines = stats.open_deadlines(self.store, cut)  # read once for both figures
        due = stats.due(self.store, cut, self.store.findings.soon_days, deadlines)
        ageing = stats.ageing(self.store, cut, deadlines)
        self.panel.setText(
            self.tr("截至 {0}：逾期未整改 <b>{1}</b> 处（{2}）；{3}天内到期 <b>{4}</b> 处").format(
                self.as_of.isoformat(),
                due["overdue"],
                "，".join(f"{b} {ageing[b]}" for b in AGE_BUCKETS),
                self.store.findings.soon_days,
                due["due_soon"],
            )
        )

    def current_filter(self) -> FindingFilter:
        return FindingFilter(
            year=self.year.currentData(),
            level=self.level.currentData(),
            township_id=self.township.currentData(),
            enterprise_id=self.enterprise.currentData(),
            category=self.category.currentData(),
            status=self.status.currentData(),
            due=self.due.currentData(),
            text=self.search.text().strip() or None,
            as_of=self.as_of,
            soon_days=self.store.findings.soon_days,
        )

    def apply_filter(self) -> None:
        if self.store is None:
            return
        flt = self.current_filter()
        self.model.set_filter(self.store, flt)
        self.count.setText(self.tr("符合条件 {0} 条").format(self.store.findings.count(flt)))
        self.editor.show_finding(None)

    # -- the current view: exported, and remembered per workspace -------------------------

    def export_view(self, path: str | None = None) -> None:
        """Export exactly the findings listed: this filter and search, in this order."""
        if self.store is None:
            return
        path = path or ask_path(self, self.tr("考核问题（当前视图）.xlsx"))
        if not path:
            return
        from ycdesk.export import export_findings_view

        flt, order, descending = self.current_filter(), self.model.order, self.model.descending
        run_export(
            self,
            self.store,
            self.tr("考核问题（当前视图）"),
            path,
            lambda store, target, progress: export_findings_view(
                store, target, flt, order=order, descending=descending, progress=progress
            ),
        )

    FILTERS = ("year", "level", "township", "enterprise", "category", "status", "due")

    def restore_state(self, settings) -> None:
        self.settings = settings
        if self.store is not None:
            self._recall()
            self.apply_filter()

    def save_state(self, settings) -> None:
        self.settings = settings
        self._remember()

    def _remember(self) -> None:
        if self.settings is None or self._workspace is None:
            return
        self.settings.set("findings/header", self.table.horizontalHeader().saveState(), self._workspace)
        filters = {name: getattr(self, name).currentData() for name in self.FILTERS}
        self.settings.set(
            "findings/filters",
            json.dumps({**filters, "search": self.search.text()}, ensure_ascii=False),
            self._workspace,
        )

    def _recall(self) -> None:
        """This workspace's widths, sort and filters, or the defaults: never another's."""
        if self.settings is None:
            return
        header = self.table.horizontalHeader()
        if not header.restoreState(self.settings.get("findings/header", self._workspace) or self._default_header):
            header.restoreState(self._default_header)
        try:
            filters = json.loads(self.settings.get("findings/filters", self._workspace) or "{}")
        except ValueError:
            filters = {}
        for name in self.FILTERS:
            combo = getattr(self, name)
            combo.blockSignals(True)
            combo.setCurrentIndex(max(combo.findData(filters.get(name)), 0) if filters.get(name) is not None else 0)
            combo.blockSignals(False)
        self.search.blockSignals(True)
        self.search.setText(filters.get("search", ""))
        self.search.blockSignals(False)
        self.model.sort(header.sortIndicatorSection(), header.sortIndicatorOrder())

    def _set_soon_days(self) -> None:
        if self.store is None or self.soon_days.value() == self.store.findings.soon_days:
            return
        self.store.findings.set_soon_days(self.soon_days.value())  # a workspace setting, shared by all
        self.refresh()

    def _set_due(self, due: str) -> None:
        self.due.setCurrentIndex(self.due.findData(due))
        self.pages.setCurrentIndex(0)

    def _select(self, current, _previous) -> None:
        if current.isValid():
            self.editor.show_finding(self.model.row(current.row())["id"])

    def _finding_changed(self, finding_id: str) -> None:
        self.model.reload_row(finding_id)
        self.refresh_panel()
        self._stale = {1, 2}

    def refresh_enterprises(self) -> None:
        names = {t["id"]: t["name"] for t in self.store.townships.list()}
        rows = self.store.audits.enterprises()
        for r in rows:
            r["township"] = names.get(r["township_id"], "")
        self.enterprise_model.set_records(rows)
        self.show_enterprise()

    def show_enterprise(self) -> None:
        index = self.enterprises.currentIndex()
        if not index.isValid():
            self.enterprise_detail.setText(self.tr("选择一家企业查看历年考核与重复问题"))
            self.enterprise_audits.set_records([])
            return
        ent = self.enterprise_model.record(index.row())
        audits = stats.enterprise_audits(self.store, ent["id"], self.as_of)
        self.enterprise_audits.set_records(audits)
        repeats = self.store.findings.repeat_ids(enterprise_id=ent["id"])
        categories = sorted({self.store.findings.get(i)["category"] for i in repeats})
        self.enterprise_detail.setText(
            self.tr("<b>{0}</b>　{1}<br>重复出现的问题类别：{2}").format(
                ent["name"], ent["uscc"] or "", "、".join(categories) or self.tr("无")
            )
        )

    def refresh_charts(self) -> None:
        reported = {(r["year"], r["level"]): r for r in self.store.audits.reported_aggregates()}
        cut = stats.Cut(as_of=self.as_of)
        rows = []
        views = stats.audit_views(self.store, cut)  # one read for both charts and the table
        for r in views["by_year_level"]:
            plan = reported.get((r["year"], r["level"]))
            rows.append(
                {**r, "plan": "" if plan is None else f"{plan['units']} / {plan['found']} / {plan['rectified']}"}
            )
        self.year_level_model.set_records(rows)
        self.found_chart.set_data(
            [f"{r['year']}{r['level']}" for r in rows],
            {tr("发现问题"): [r["found"] for r in rows], tr("已整改"): [r["rectified"] for r in rows]},
        )
        towns = views["by_township"]
        self.township_chart.set_data(
            [t["township"].removesuffix("街道") for t in towns],
            {tr("未销号"): [t["open"] for t in towns], tr("其中逾期"): [t["overdue"] for t in towns]},
        )
        ageing = stats.ageing(self.store, cut)
        self.ageing_chart.set_data(list(AGE_BUCKETS), {tr("逾期问题"): [ageing[b] for b in AGE_BUCKETS]})

    def export_chart(self) -> None:
        path = save_file(self, self.tr("导出图表"), "考核图表.png", "PNG 图片 (*.png)")
        if path:
            self.charts.currentWidget().export_png(path)

    # -- after an edit (see actions.py) ---------------------------------------------------

    def findings_written(self, finding_id: str | None) -> None:
        """A finding was added or deleted: the list, counts and panel read again; a new
        finding is shown in the editor. Through set_store (same workspace: the view is kept) so
        that the filter lists and the empty-page hint follow a first finding or a new year.
        A new finding the filters or the search would hide is uncovered: those are cleared
        (and the status bar says so), and its row is selected."""
        cleared = reveal.unhide(self, finding_id) if finding_id else []
        self.search_timer.stop()  # a search typed just before: applied now, not again over the selection
        self.set_store(self.store)
        if not finding_id:
            return
        self.editor.show_finding(finding_id)
        shown = reveal.select_finding(self, finding_id)
        if cleared:
            message = self.tr("已新增问题（可用 Ctrl+Z 撤销）。它不符合当前的筛选，已清除{0}以显示它").format(
                "、".join(f"“{name}”" for name in cleared)
            )
            if not shown:
                message += self.tr("；它排在列表较后，详情见下方")
            self._status(message)

    def _status(self, message: str) -> None:
        window = self.window()
        if isinstance(window, QMainWindow):
            window.statusBar().showMessage(message, 15_000)

    def audits_written(self) -> None:
        """An audit or enterprise changed (or came back): every page reads again, the
        enterprise page at once when it is showing."""
        current = self.enterprises.currentIndex().row()
        self.set_store(self.store)  # the 企业 and 年度 filters list a new enterprise or audit
        if self.pages.currentIndex() == 1 and 0 <= current < self.enterprise_model.rowCount():
            self.enterprises.setCurrentIndex(self.enterprise_model.index(current, 0))
