"""重大工程: projects grouped by domain with subtotals, progress entry, charts, 附表1–3."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QSplitter,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from ui.charts.projects import DomainBars, SCurve
from ui.dialogs.investment_dialog import InvestmentDialog
from ui.file_dialogs import save_file
from ui.history import HistoryView
from ui.models.records import Col, RecordsModel
from ui.settings import workspace_key
from ui.tabs.common import current_record, debounced, fit_columns, make_table
from ui.tabs.projects.initiatives import InitiativesView
from ui.tabs.projects.model import PROJECT, ProjectTableModel, grouped_rows
from ui.undo import run_change
from ycdesk.errors import UserError
from ycdesk.money import format_wan, format_yi
from ycdesk.periods import Period
from ycdesk.progress import Progress, default_period, quarters
from ycdesk.projects import DOMAINS
from ycdesk.rules.investments import PROJECT_STATUSES


class ProjectsTab(QWidget):
    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.store = None
        self._build_filters()
        self.model = ProjectTableModel(self)
        self.table = make_table(self.model)
        self.table.doubleClicked.connect(lambda _: self.add_progress())
        # Widths and sort are remembered per workspace; one with none saved gets these.
        self._default_header = self.table.horizontalHeader().saveState()
        self.settings, self._workspace, self._sized = None, None, False
        self.totals = QLabel()
        self.totals.setObjectName("projectTotals")
        self.totals.setTextInteractionFlags(Qt.TextSelectableByMouse)

        self.progress_model = RecordsModel(
            [
                Col(self.tr("期间"), "period"),
                Col(self.tr("完成投资（万元）"), "amount_yuan", format_wan, True),
                Col(self.tr("来源"), "source"),
                Col(self.tr("填报人"), "operator"),
                Col(self.tr("备注"), "note"),
            ]
        )
        self.progress_table = make_table(self.progress_model)
        self.history = HistoryView()  # 修改记录, with 恢复
        self.history.restored.connect(self.refresh)
        self.history_model = self.history.model
        self.detail_title = QLabel(self.tr("选择一个项目查看详情"))
        self.detail_title.setWordWrap(True)
        self.add_button = QPushButton(self.tr("填报进展(&A)…"))
        self.edit_button = QPushButton(self.tr("修改(&M)…"))
        self.delete_button = QPushButton(self.tr("删除(&D)"))
        self.profile_button = QPushButton(self.tr("年度计划(&Y)…"))
        self.profile_button.clicked.connect(self.edit_profile)
        self.status_edit = QComboBox()  # the selected project's 状态, set here (None: 未填报)
        self.status_edit.addItem(self.tr("未填报"), None)
        for s in PROJECT_STATUSES:
            self.status_edit.addItem(s, s)
        self.status_edit.activated.connect(lambda _index: self.set_status())
        self.status_label = QLabel(self.tr("项目状态(&T)："))
        self.status_label.setBuddy(self.status_edit)
        self.add_button.clicked.connect(self.add_progress)
        self.edit_button.clicked.connect(self.edit_progress)
        self.delete_button.clicked.connect(self.delete_progress)

        self.bars = DomainBars()
        self.curve = SCurve()
        self.export_button = QPushButton(self.tr("导出图表 PNG…"))
        self.export_button.clicked.connect(self.export_chart)
        self.charts = QTabWidget()
        self.charts.addTab(self.bars, self.tr("按领域"))
        self.charts.addTab(self.curve, self.tr("S 曲线"))

        self.initiatives = InitiativesView()
        self._layout()
        self.table.selectionModel().currentRowChanged.connect(lambda *_: self.show_detail())

    # -- layout ---------------------------------------------------------------------------

    def _build_filters(self) -> None:
        self.domain = QComboBox()
        self.domain.addItem(self.tr("全部领域"), None)
        for d in DOMAINS:
            self.domain.addItem(d, d)
        self.status = QComboBox()
        self.status.addItem(self.tr("全部状态"), None)
        for s in (*PROJECT_STATUSES, "未填报"):
            self.status.addItem(s, s)
        self.unit = QLineEdit()
        self.unit.setPlaceholderText(self.tr("责任单位"))
        self.township = QComboBox()
        self.township.addItem(self.tr("全部镇街"), None)
        self.search = QLineEdit()
        self.search.setPlaceholderText(self.tr("搜索项目名称或内容"))
        self.search.setClearButtonEnabled(True)
        self.period = QComboBox()
        for p in [*(Period(y) for y in range(2021, 2026)), *quarters()]:
            self.period.addItem(p.label, str(p))
        for widget in (self.domain, self.status, self.township, self.period):
            widget.currentIndexChanged.connect(self.refresh)
        for widget in (self.unit, self.search):
            debounced(widget, self.refresh)  # live, once typing pauses

    def _layout(self) -> None:
        bar = QHBoxLayout()
        for label, widget in (
            (self.tr("领域："), self.domain),
            (self.tr("状态："), self.status),
            (self.tr("镇街："), self.township),
            (self.tr("截至："), self.period),
        ):
            bar.addWidget(QLabel(label))
            bar.addWidget(widget)
        bar.addWidget(self.unit)
        bar.addWidget(self.search, 1)

        buttons = QHBoxLayout()
        for b in (self.add_button, self.edit_button, self.delete_button, self.profile_button):
            buttons.addWidget(b)
        buttons.addStretch(1)
        buttons.addWidget(self.status_label)
        buttons.addWidget(self.status_edit)
        detail = QWidget()
        dl = QVBoxLayout(detail)
        dl.setContentsMargins(0, 0, 0, 0)
        dl.addWidget(self.detail_title)
        dl.addLayout(buttons)
        inner = QTabWidget()
        inner.addTab(self.progress_table, self.tr("投资进展"))
        inner.addTab(self.history, self.tr("修改记录"))
        dl.addWidget(inner)

        chart_box = QWidget()
        cl = QVBoxLayout(chart_box)
        cl.setContentsMargins(0, 0, 0, 0)
        cl.addWidget(self.charts)
        cl.addWidget(self.export_button, 0, Qt.AlignRight)

        lower = QSplitter(Qt.Horizontal)
        lower.addWidget(detail)
        lower.addWidget(chart_box)
        lower.setSizes([500, 600])
        upper = QWidget()
        ul = QVBoxLayout(upper)
        ul.setContentsMargins(0, 0, 0, 0)
        ul.addWidget(self.table)
        ul.addWidget(self.totals)
        split = QSplitter(Qt.Vertical)
        split.addWidget(upper)
        split.addWidget(lower)
        split.setSizes([420, 300])

        projects_page = QWidget()
        pl = QVBoxLayout(projects_page)
        pl.addLayout(bar)
        from ui.empty_hint import EmptyHint

        self.empty_hint = EmptyHint(
            self.tr(
                "<b>还没有填报投资进展</b>，各项目显示“未填报”。选中项目后点“填报进展”逐项填写，"
                "或把投资进展表格导入进来（可先下载模板）。"
            ),
            "investments",
        )
        pl.addWidget(self.empty_hint)
        pl.addWidget(split)
        self.pages = QTabWidget()
        self.pages.addTab(projects_page, self.tr("重大工程（附表4）"))
        self.pages.addTab(self.initiatives, self.tr("改革·政策·平台（附表1–3）"))
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.pages)

    # -- data -----------------------------------------------------------------------------

    def set_store(self, store) -> None:
        if self.store is not None and self.store is not store:
            self.save_state(self.settings)  # the workspace being left keeps its widths and sort
        self.store = store
        self._workspace = workspace_key(store)
        self.restore_state(self.settings)
        self.township.blockSignals(True)
        self.township.clear()
        self.township.addItem(self.tr("全部镇街"), None)
        for t in store.townships.list():
            self.township.addItem(t["name"], t["id"])
        self.township.blockSignals(False)
        index = self.period.findData(str(default_period()))
        self.period.blockSignals(True)
        self.period.setCurrentIndex(max(index, 0))
        self.period.blockSignals(False)
        self.initiatives.set_store(store)
        self.refresh()

    def export_view(self, path: str | None = None) -> None:
        """文件 → 导出表格 → 当前视图: the table as filtered and sorted here."""
        from ui.export_view import export_model_view

        export_model_view(self, self.model, self.tr("重大工程"), path)

    def save_state(self, settings) -> None:
        self.settings = settings
        if settings is not None and self._workspace is not None:
            settings.set("projects/header", self.table.horizontalHeader().saveState(), self._workspace)

    def restore_state(self, settings) -> None:
        """This workspace's column widths and sort, or the defaults: never another's."""
        self.settings = settings
        if settings is None or self._workspace is None:
            return
        header = self.table.horizontalHeader()
        saved = settings.get("projects/header", self._workspace)
        self._sized = bool(saved) and header.restoreState(saved)
        if not self._sized:
            header.restoreState(self._default_header)
        self.model.sort(header.sortIndicatorSection(), header.sortIndicatorOrder())

    def filters(self) -> dict:
        return {
            "status": self.status.currentData(),
            "unit": self.unit.text().strip() or None,
            "township": self.township.currentData(),
            "text": self.search.text().strip() or None,
        }

    def current_period(self) -> Period:
        from ycdesk.periods import parse_period

        return parse_period(self.period.currentData())

    def refresh(self) -> None:
        if self.store is None:
            return
        selected = self.selected_project()
        period = self.current_period()
        domain = self.domain.currentData()
        domains = [domain] if domain else list(DOMAINS)
        by_domain, total = self.store.projects.rollups_by_domain(period, tuple(domains), **self.filters())
        per_domain = [by_domain[d] for d in domains]
        self.model.set_rows(grouped_rows(domains, per_domain, total))
        if not self._sized:  # until the user sizes columns (remembered per workspace), fit the text
            fit_columns(self.table)
            # Names are long (full name in the tooltip): capped so that 状态 and 滞后 stay on
            # screen in a 1200-pixel-wide window.
            self.table.setColumnWidth(1, min(self.table.columnWidth(1), 250))
            self._sized = True
        self.totals.setText(
            self.tr(
                "截至{0}：{1} 项，总投资 {2} 亿元，十四五计划 {3} 亿元，计划至今 {4} 亿元，累计完成 {5} 亿元（{6}），"
                "尚余 {7} 亿元，滞后 {8} 项"
            ).format(
                period.label,
                total["count"],
                format_yi(total["total_yuan"]),
                format_yi(total["fyp_yuan"]),
                format_yi(total["planned_to_date_yuan"]),
                format_yi(total["completed_yuan"]),
                "—" if total["rate"] is None else f"{total['rate']}%",
                format_yi(total["remaining_yuan"]),
                self.model.rows[-1]["lagging"],
            )
            + (
                self.tr("，未填报 {0} 项").format(self.model.rows[-1]["unreported"])
                if self.model.rows[-1]["unreported"]
                else ""
            )
        )
        self.empty_hint.setVisible(not Progress(self.store).records())  # nothing entered in the workspace
        shown = [d for d, r in zip(domains, per_domain) if r["count"]]
        self.bars.set_data(shown, [r for r in per_domain if r["count"]])
        if selected:
            row = self.model.project_row(selected["id"])
            if row is not None:
                self.table.selectRow(row)
        self.show_detail()

    def selected_project(self) -> dict | None:
        index = self.table.currentIndex()
        if not index.isValid():
            return None
        row = self.model.row(index.row())
        return row if row["kind"] == PROJECT else None

    def show_detail(self) -> None:
        project = self.selected_project()
        for b in (self.add_button, self.edit_button, self.delete_button, self.profile_button, self.status_edit):
            b.setEnabled(project is not None)
        self.status_edit.setCurrentIndex(max(self.status_edit.findData(project and project["status"]), 0))
        progress = Progress(self.store)
        if project is None:
            ids = [r["id"] for r in self.model.rows if r["kind"] == PROJECT]
            self.curve.set_data(progress.s_curve(ids), self.tr("所选项目合计：计划与实际累计投资（亿元）"))
            self.detail_title.setText(self.tr("选择一个项目查看详情；图表显示当前筛选的全部项目"))
            self.progress_model.set_records([])
            self.history.set_history(self.store, [])
            return
        self.curve.set_data(
            progress.s_curve([project["id"]]), self.tr("{0}：计划与实际累计投资（亿元）").format(project["name"][:18])
        )
        self.detail_title.setText(f"<b>{project['seq']}. {project['name']}</b><br>{project['content'] or ''}")
        self.progress_model.set_records(self.store.projects.investments(project["id"]))
        fit_columns(self.progress_table)  # 完成投资（万元） was cut at the default width
        self.history.set_history(
            self.store, self.store.history_with_children("projects", project["id"], (("investments", "project_id"),))
        )

    # -- actions --------------------------------------------------------------------------

    def add_progress(self) -> None:
        project = self.selected_project()
        if project is None:
            return
        dialog = InvestmentDialog(self.store, project, parent=self)
        # The dialog saves (and keeps its input on a refusal), on the window's undo stack.
        if dialog.exec() and dialog.saved_id:
            self.refresh()
            self._warn(project["id"])

    def _selected_record(self) -> dict | None:
        return current_record(self.progress_table)

    def edit_progress(self) -> None:
        project, record = self.selected_project(), self._selected_record()
        if project is None or record is None:
            QMessageBox.information(self, self.tr("编辑"), self.tr("请先在“投资进展”中选择一条记录"))
            return
        dialog = InvestmentDialog(self.store, project, record, parent=self)
        if dialog.exec():
            self.refresh()
            self._warn(project["id"])

    def delete_progress(self) -> None:
        record = self._selected_record()
        if record is None:
            QMessageBox.information(self, self.tr("删除"), self.tr("请先在“投资进展”中选择一条记录"))
            return
        from ui.dialogs.reason_dialog import ReasonDialog

        project = self.selected_project() or {"name": ""}
        label = self.tr("删除“{0}”{1}的投资进展").format(project["name"][:12], record["period"])
        dialog = ReasonDialog(
            self.tr("删除投资进展"),
            self.tr("删除“{0}”{1}的这条投资进展？可用 编辑 → 撤销（Ctrl+Z）恢复。").format(
                project["name"], record["period"]
            ),
            lambda reason: run_change(self, label, lambda: self.store.projects.delete_investment(record["id"], reason)),
            self,
            example=self.tr("如：与全年数重复、金额录错"),
        )
        if dialog.exec():
            self.refresh()

    def set_status(self) -> None:
        """The 状态 combo was changed by the user: saved through the project validator."""
        project = self.selected_project()
        status = self.status_edit.currentData()
        if project is None or status == project["status"]:
            return
        try:
            run_change(
                self,
                self.tr("{0} 状态改为“{1}”").format(project["name"][:12], status or self.tr("未填报")),
                lambda: self.store.projects.set_status(project["id"], status),
            )
        except UserError as exc:
            QMessageBox.warning(self, self.tr("无法设置状态"), str(exc))
        self.refresh()

    def edit_profile(self) -> None:
        from ui.dialogs.profile_dialog import ProfileDialog

        project = self.selected_project()
        if project is not None and ProfileDialog(self.store, project, self).exec():
            self.refresh()

    def _warn(self, project_id: str) -> None:
        for message in self.store.projects.warnings(project_id):
            QMessageBox.warning(self, self.tr("请注意"), message)

    def export_chart(self) -> None:
        chart = self.charts.currentWidget()
        path = save_file(self, self.tr("导出图表"), "图表.png", "PNG 图片 (*.png)")
        if path:
            chart.export_png(path)
