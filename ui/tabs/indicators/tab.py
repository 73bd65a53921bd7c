"""指标: where each plan indicator stands, its series and target, entering values, sign-off."""

from __future__ import annotations

import json

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
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

from ui.charts.indicators import SeriesChart
from ui.dialogs.observation_dialog import ObservationDialog
from ui.file_dialogs import save_file
from ui.history import HistoryView
from ui.models.records import Col, RecordsModel
from ui.settings import workspace_key
from ui.tabs.common import current_record, debounced, make_table
from ui.tabs.indicators.model import ITEM, IndicatorTableModel
from ui.undo import run_change
from ycdesk.errors import UserError
from ycdesk.indicators import PLANS, indicator_rows
from ycdesk.status import INDICATOR_STATUSES, effective_target
from ycdesk.townships import CITY, DISTRICT


class PeriodReasonDialog(QDialog):
    def __init__(self, title: str, reason_required: bool, parent=None) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.period = QLineEdit()
        self.period.setPlaceholderText(self.tr("如 2024Q3"))
        self.reason = QLineEdit()
        self.reason.setPlaceholderText(self.tr("必填") if reason_required else self.tr("可选"))
        form = QFormLayout(self)
        form.addRow(self.tr("季度(&P)："), self.period)
        form.addRow(self.tr("原因(&R)："), self.reason)
        buttons = QDialogButtonBox(QDialogButtonBox.Ok | QDialogButtonBox.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)


class IndicatorsTab(QWidget):
    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.store = None
        self._sized = False
        self.settings, self._workspace = None, None  # remembered state, per workspace
        self._build_filters()
        self.model = IndicatorTableModel(self)
        self.table = make_table(self.model)
        self.table.doubleClicked.connect(lambda _: self.add_observation())
        self.chart = SeriesChart()
        self.detail = QLabel(self.tr("选择一个指标查看趋势与观测值"))
        self.detail.setWordWrap(True)
        self.obs_model = RecordsModel(
            [
                Col(self.tr("期间"), "period"),
                Col(self.tr("范围"), "scope"),
                Col(self.tr("值"), "shown"),
                Col(self.tr("来源"), "source"),
                Col(self.tr("填报人"), "operator"),
                Col(self.tr("备注"), "note"),
                Col(self.tr("佐证材料"), "evidence_path"),
            ]
        )
        self.obs_table = make_table(self.obs_model)
        self.history = HistoryView()  # 修改记录, with 恢复
        self.history.restored.connect(self.refresh)
        self.history_model = self.history.model
        self.completeness = QLabel()
        self.completeness.setWordWrap(True)
        self.completeness.setAlignment(Qt.AlignTop)
        self.locks = QLabel()
        self.buttons = {}
        for key, text, slot in (
            ("add", self.tr("新增观测值(&A)…"), self.add_observation),
            ("edit", self.tr("修改(&M)…"), self.edit_observation),
            ("delete", self.tr("删除(&D)"), self.delete_observation),
            ("assign", self.tr("录入下达目标…"), self.assign_target),
            ("lock", self.tr("签收锁定季度…"), self.lock_quarter),
            ("unlock", self.tr("解锁…"), self.unlock_quarter),
            ("png", self.tr("导出图表 PNG…"), self.export_chart),
        ):
            button = QPushButton(text)
            button.clicked.connect(slot)
            self.buttons[key] = button
        self._layout()
        self.table.selectionModel().currentRowChanged.connect(lambda *_: self.show_detail())

    # -- layout ---------------------------------------------------------------------------

    def _build_filters(self) -> None:
        self.plan = QComboBox()
        self.plan.addItem(self.tr("全部规划"), None)
        for plan in PLANS:
            self.plan.addItem(plan, plan)
        self.plan.setCurrentIndex(1)
        self.plan.currentIndexChanged.connect(self._plan_changed)  # its own 类别 only
        self.category = QComboBox()
        self.status = QComboBox()
        self.status.addItem(self.tr("全部状态"), None)
        for s in INDICATOR_STATUSES:
            self.status.addItem(s, s)
        self.scope = QComboBox()
        self.scope.addItem(DISTRICT)
        self.search = QLineEdit()
        self.search.setPlaceholderText(self.tr("按指标名称搜索"))
        self.search.setClearButtonEnabled(True)
        for combo in (self.plan, self.category, self.status, self.scope):
            combo.currentIndexChanged.connect(self.refresh)
        self.search_timer = debounced(self.search, self.refresh)  # live, once typing pauses

    def _layout(self) -> None:
        bar = QHBoxLayout()
        for label, widget in (
            (self.tr("规划(&L)："), self.plan),
            (self.tr("类别："), self.category),
            (self.tr("状态："), self.status),
            (self.tr("范围："), self.scope),
        ):
            caption = QLabel(label)
            caption.setBuddy(widget)
            bar.addWidget(caption)
            bar.addWidget(widget)
        bar.addWidget(self.search, 1)
        row = QHBoxLayout()
        for key in ("add", "edit", "delete", "assign", "lock", "unlock"):
            row.addWidget(self.buttons[key])
        row.addStretch(1)
        row.addWidget(self.locks)
        tabs = QTabWidget()
        tabs.addTab(self.obs_table, self.tr("观测值"))
        tabs.addTab(self.history, self.tr("修改记录"))
        tabs.addTab(self.completeness, self.tr("镇街填报情况"))
        left = QWidget()
        ll = QVBoxLayout(left)
        ll.setContentsMargins(0, 0, 0, 0)
        ll.addWidget(self.detail)
        ll.addLayout(row)
        ll.addWidget(tabs)
        right = QWidget()
        rl = QVBoxLayout(right)
        rl.setContentsMargins(0, 0, 0, 0)
        rl.addWidget(self.chart)
        rl.addWidget(self.buttons["png"], 0, Qt.AlignRight)
        lower = QSplitter(Qt.Horizontal)
        lower.addWidget(left)
        lower.addWidget(right)
        lower.setSizes([600, 600])
        split = QSplitter(Qt.Vertical)
        split.addWidget(self.table)
        split.addWidget(lower)
        split.setSizes([380, 340])
        layout = QVBoxLayout(self)
        layout.addLayout(bar)
        layout.addWidget(split)

    # -- data -----------------------------------------------------------------------------

    def set_store(self, store) -> None:
        if self.store is not None and self.store is not store:
            self._remember()  # the workspace being left keeps its own filters and widths
        self.store = store
        self._workspace = workspace_key(store)
        for combo, items in (
            (self.scope, [DISTRICT, *store.townships.names()]),
            (self.category, self.plan_categories(store)),
        ):
            current = combo.currentText()
            combo.blockSignals(True)
            combo.clear()
            if combo is self.category:
                combo.addItem(self.tr("全部类别"), None)
                for c in items:
                    combo.addItem(c, c)
            else:
                combo.addItems(items)
            index = combo.findText(current)
            combo.setCurrentIndex(max(index, 0))
            combo.blockSignals(False)
        self._recall()
        self.refresh()

    def plan_categories(self, store) -> list[str]:
        """The 类别 of the chosen plan only (十三五's categories are not 十四五's)."""
        plan = self.plan.currentData()
        return sorted({i["category"] for i in store.indicators.list() if i["category"] and plan in (None, i["plan"])})

    def _plan_changed(self) -> None:
        if self.store is None:
            return
        current = self.category.currentData()
        self.category.blockSignals(True)
        self.category.clear()
        self.category.addItem(self.tr("全部类别"), None)
        for c in self.plan_categories(self.store):
            self.category.addItem(c, c)
        self.category.setCurrentIndex(max(self.category.findData(current), 0))
        self.category.blockSignals(False)
        if self.category.currentData() != current:  # the old one is not in this plan
            self.refresh()

    def run(self, action) -> bool:
        """Run a core call; a refusal is shown as a message and changes nothing."""
        try:
            action()
        except UserError as exc:
            QMessageBox.warning(self, self.tr("无法完成"), str(exc))
            return False
        finally:
            self.refresh()
        return True

    def refresh(self) -> None:
        if self.store is None:
            return
        current = self.current()
        text = self.search.text().strip()
        rows = [
            r
            for r in indicator_rows(self.store, self.plan.currentData(), self.scope.currentText())
            if (not text or text in r["name"])
            and (self.category.currentData() in (None, r["category"]))
            and (self.status.currentData() in (None, r["status"]))
        ]
        self.model.set_indicators(rows)
        self.table.clearSpans()
        for i, r in enumerate(self.model.rows):
            if r["kind"] != ITEM:
                self.table.setSpan(i, 0, 1, self.model.columnCount())
        if not self._sized:
            # Until the user sizes columns (remembered in settings), fit them to the text.
            self.table.resizeColumnsToContents()
            self.table.setColumnWidth(1, min(max(self.table.columnWidth(1), 200), 460))
            self._sized = True
        if current is not None:
            index = self.model.find(current["id"])
            if index is not None:
                self.table.selectRow(index)
        locked = [lock["period"] for lock in self.store.indicators.locked_periods()]
        self.locks.setText(self.tr("已锁定：{0}").format("、".join(locked)) if locked else "")
        self.show_detail()

    def current(self) -> dict | None:
        index = self.table.currentIndex()
        if not index.isValid():
            return None
        row = self.model.row(index.row())
        return row if row["kind"] == ITEM else None

    def show_detail(self) -> None:
        ind = self.current()
        for key in ("add", "edit", "delete", "assign"):
            self.buttons[key].setEnabled(ind is not None)
        if ind is None:
            self.obs_model.set_records([])
            self.history.set_history(self.store, [])
            self.completeness.setText("")
            return
        self.buttons["assign"].setEnabled(ind["target_kind"] == "deferred")
        target = effective_target(ind)
        status = ind["status"] or "—"
        path = "" if ind["expected"] is None else self.tr("；按线性进度应为 {0}").format(ind["expected"])
        self.detail.setText(
            f"<b>{ind['name']}</b>　{ind['plan']} {ind['nature'] or ''} {ind['category'] or ''}<br>"
            + self.tr("2020年现状值：{0}　目标：{1}　最新：{2}（{3}）　状态：{4}{5}").format(
                ind["baseline_text"] or "—",
                ind["effective_target"] or "—",
                ind["latest_value"] or "—",
                ind["latest_period"] or "—",
                status,
                path,
            )
        )
        observations = self.store.indicators.observations(ind["id"])
        for o in observations:
            o["shown"] = o["value_text"] or ("" if o["value"] is None else f"{o['value']:g}")
        self.obs_model.set_records(observations)
        series: dict[str, list[dict]] = {}
        scopes = [DISTRICT, CITY]
        if self.scope.currentText() != DISTRICT:
            scopes.append(self.scope.currentText())
        for o in observations:
            if o["scope"] in scopes and o["value"] is not None:
                series.setdefault(o["scope"], []).append(o)
        self.chart.set_series(ind, series, target.value if target.kind in ("numeric", "range") else None)
        self.history.set_history(
            self.store, self.store.history_with_children("indicators", ind["id"], (("observations", "indicator_id"),))
        )
        self._show_completeness(ind, observations)

    def _show_completeness(self, ind: dict, observations: list[dict]) -> None:
        quarters = sorted({o["period"] for o in observations if "Q" in o["period"] and o["township_id"]})
        if not quarters:
            self.completeness.setText(self.tr("该指标没有按镇街填报的季度数据"))
            return
        lines = []
        for q in quarters[-4:]:
            c = self.store.indicators.completeness(ind["id"], q)
            lines.append(
                self.tr("<b>{0}</b>：已填报 {1} 个，未填报 {2} 个：{3}").format(
                    q, len(c["reported"]), len(c["missing"]), "、".join(c["missing"]) or "—"
                )
            )
        self.completeness.setText("<br>".join(lines))

    # -- actions --------------------------------------------------------------------------

    def _selected_observation(self) -> dict | None:
        return current_record(self.obs_table)

    def add_observation(self) -> None:
        ind = self.current()
        if ind is None:
            return
        scope = self.scope.currentText()
        dialog = ObservationDialog(self.store, ind, scope=scope, parent=self)
        if dialog.exec() and dialog.saved_id:  # the dialog saves, on the window's undo stack
            self.refresh()

    def edit_observation(self) -> None:
        ind, record = self.current(), self._selected_observation()
        if ind is None or record is None:
            QMessageBox.information(self, self.tr("编辑"), self.tr("请先在“观测值”中选择一条记录"))
            return
        dialog = ObservationDialog(self.store, ind, record, parent=self)
        if dialog.exec() and dialog.old_fields is not None:
            self.refresh()

    def delete_observation(self) -> None:
        record = self._selected_observation()
        if record is None:
            QMessageBox.information(self, self.tr("删除"), self.tr("请先在“观测值”中选择一条记录"))
            return
        if (
            QMessageBox.question(
                self, self.tr("删除"), self.tr("删除 {0} {1} 的观测值？").format(record["period"], record["scope"])
            )
            == QMessageBox.Yes
        ):
            label = self.tr("删除{0} {1}的观测值").format(record["period"], record["scope"])
            self.run(lambda: run_change(self, label, lambda: self.store.indicators.delete_observation(record["id"])))

    def assign_target(self) -> None:
        ind = self.current()
        if ind is None:
            return
        dialog = PeriodReasonDialog(self.tr("录入下达目标"), True, self)
        dialog.period.setPlaceholderText(self.tr("下达的目标值，如 ≥92"))
        dialog.reason.setPlaceholderText(self.tr("下达文件名称和文号"))
        form = dialog.layout()
        form.labelForField(dialog.period).setText(self.tr("目标值(&T)："))
        form.labelForField(dialog.reason).setText(self.tr("下达文件(&S)："))
        if dialog.exec():
            self.run(
                lambda: run_change(
                    self,
                    self.tr("录入“{0}”的下达目标").format(ind["name"][:12]),
                    lambda: self.store.indicators.assign_target(ind["id"], dialog.period.text(), dialog.reason.text()),
                )
            )

    def lock_quarter(self) -> None:
        dialog = PeriodReasonDialog(self.tr("签收锁定季度"), False, self)
        if dialog.exec():
            self.run(
                lambda: run_change(
                    self,
                    self.tr("锁定 {0}").format(dialog.period.text()),
                    lambda: self.store.indicators.lock_period(dialog.period.text(), dialog.reason.text() or None),
                )
            )

    def unlock_quarter(self) -> None:
        dialog = PeriodReasonDialog(self.tr("解锁季度"), True, self)
        if dialog.exec():
            self.run(
                lambda: run_change(
                    self,
                    self.tr("解锁 {0}").format(dialog.period.text()),
                    lambda: self.store.indicators.unlock_period(dialog.period.text(), dialog.reason.text()),
                )
            )

    def export_chart(self) -> None:
        path = save_file(self, self.tr("导出图表"), "指标趋势.png", "PNG 图片 (*.png)")
        if path:
            self.chart.export_png(path)

    # -- remembered state -----------------------------------------------------------------

    def export_view(self, path: str | None = None) -> None:
        """文件 → 导出表格 → 当前视图: the table as filtered and sorted here."""
        from ui.export_view import export_model_view

        export_model_view(self, self.model, self.tr("指标"), path)

    def save_state(self, settings) -> None:
        self.settings = settings
        self._remember()

    def restore_state(self, settings) -> None:
        self.settings = settings
        if self.store is not None:
            self._recall()
            self.refresh()

    def _remember(self) -> None:
        if self.settings is None or self._workspace is None:
            return
        self.settings.set("indicators/header", self.table.horizontalHeader().saveState(), self._workspace)
        self.settings.set(
            "indicators/filters",
            json.dumps(
                {
                    "plan": self.plan.currentIndex(),
                    "category": self.category.currentText(),
                    "status": self.status.currentIndex(),
                    "scope": self.scope.currentText(),
                    "search": self.search.text(),
                },
                ensure_ascii=False,
            ),
            self._workspace,
        )

    def _recall(self) -> None:
        """This workspace's widths, sort and filters, or the defaults: never another's."""
        if self.settings is None:
            return
        header = self.table.horizontalHeader()
        saved = self.settings.get("indicators/header", self._workspace)
        if saved and header.restoreState(saved):
            self._sized = True
        else:
            header.setSortIndicator(-1, Qt.AscendingOrder)
            self._sized = False  # fitted to the text again at the next refresh
        self.model.sort(header.sortIndicatorSection(), header.sortIndicatorOrder())
        try:
            filters = json.loads(self.settings.get("indicators/filters", self._workspace) or "{}")
        except ValueError:
            filters = {}
        widgets = (self.plan, self.category, self.status, self.scope, self.search)
        for w in widgets:
            w.blockSignals(True)
        self.plan.setCurrentIndex(filters.get("plan", 1))
        self.category.setCurrentIndex(max(self.category.findText(filters.get("category", "")), 0))
        self.status.setCurrentIndex(filters.get("status", 0))
        self.scope.setCurrentIndex(max(self.scope.findText(filters.get("scope", "")), 0))
        self.search.setText(filters.get("search", ""))
        for w in widgets:
            w.blockSignals(False)
