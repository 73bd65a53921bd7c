"""The 危废考核 tab's editing actions: add, correct, delete and restore findings, audits
and enterprises. Each is a button, an entry of the table's context menu and a key
(Insert / F2 / Delete on the table); the writes go through the core (see dialogs.py)."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QHBoxLayout, QMessageBox, QPushButton

from ui.dialogs.reason_dialog import ReasonDialog
from ui.tabs.audits.dialogs import (
    AuditDialog,
    DeletedDialog,
    EnterpriseDialog,
    FindingDialog,
)
from ui.undo import run_change


class EditActions:
    def __init__(self, tab) -> None:
        self.tab = tab
        t = tab.tr
        self.new_finding = self._action(t("新增问题(&N)…"), self.add_finding, tab.table, "Ins")
        self.edit_finding = self._action(t("修改问题(&M)…"), self.change_finding, tab.table, "F2")
        self.delete_finding = self._action(t("删除问题(&D)…"), self.remove_finding, tab.table, QKeySequence.Delete)
        self.new_audit = self._action(t("新增考核(&G)…"), self.add_audit, tab.table)
        self.edit_audit = self._action(t("修改所属考核(&J)…"), self.change_finding_audit, tab.table)
        self.deleted = self._action(t("已删除记录(&B)…"), lambda: self.show_deleted("findings"), tab.table)

        self.new_enterprise = self._action(t("新增企业(&N)…"), self.add_enterprise, tab.enterprises, "Ins")
        self.edit_enterprise = self._action(t("修改企业(&M)…"), self.change_enterprise, tab.enterprises, "F2")
        self.delete_enterprise = self._action(
            t("删除企业(&D)…"), self.remove_enterprise, tab.enterprises, QKeySequence.Delete
        )
        self.audit_table = tab.enterprise_audits_view
        self.new_audit_of = self._action(t("新增考核(&G)…"), self.add_audit_of_enterprise, self.audit_table, "Ins")
        self.edit_audit_of = self._action(t("修改考核(&J)…"), self.change_audit, self.audit_table, "F2")
        self.delete_audit_of = self._action(
            t("删除考核(&L)…"), self.remove_audit, self.audit_table, QKeySequence.Delete
        )
        self.deleted_enterprises = self._action(
            t("已删除记录(&B)…"), lambda: self.show_deleted("enterprises"), tab.enterprises
        )
        tab.table.doubleClicked.connect(lambda _index: self.change_finding())
        tab.enterprises.doubleClicked.connect(lambda _index: self.change_enterprise())
        self.audit_table.doubleClicked.connect(lambda _index: self.change_audit())

    def _action(self, text: str, slot, view, key=None) -> QAction:
        action = QAction(text, view)
        action.triggered.connect(lambda _checked=False: slot())
        if key:
            action.setShortcut(QKeySequence(key))
            action.setShortcutContext(Qt.WidgetShortcut)  # only while that table has focus
        view.addAction(action)
        view.setContextMenuPolicy(Qt.ActionsContextMenu)
        return action

    def buttons(self, actions) -> QHBoxLayout:
        """A row of buttons for ``actions`` (a button's mnemonic is the action's)."""
        row = QHBoxLayout()
        for action in actions:
            if action is None:
                row.addSpacing(12)
                continue
            button = QPushButton(action.text())
            button.clicked.connect(action.trigger)
            row.addWidget(button)
        row.addStretch(1)
        return row

    def findings_row(self) -> QHBoxLayout:
        return self.buttons(
            [
                self.new_finding,
                self.edit_finding,
                self.delete_finding,
                None,
                self.new_audit,
                self.edit_audit,
                None,
                self.deleted,
            ]
        )

    def enterprises_row(self) -> QHBoxLayout:
        return self.buttons(
            [self.new_enterprise, self.edit_enterprise, self.delete_enterprise, None, self.deleted_enterprises]
        )

    def audits_row(self) -> QHBoxLayout:
        return self.buttons([self.new_audit_of, self.edit_audit_of, self.delete_audit_of])

    # -- what is selected -------------------------------------------------------------------

    @property
    def store(self):
        return self.tab.store

    def selected_finding(self) -> dict | None:
        index = self.tab.table.currentIndex()
        return self.tab.model.row(index.row()) if index.isValid() else None

    def selected_enterprise(self) -> dict | None:
        index = self.tab.enterprises.currentIndex()
        return self.tab.enterprise_model.record(index.row()) if index.isValid() else None

    def selected_audit(self) -> dict | None:
        index = self.audit_table.currentIndex()
        return self.tab.enterprise_audits.record(index.row()) if index.isValid() else None

    def _need(self, what: str) -> None:
        QMessageBox.information(self.tab, self.tab.tr("请先选择"), self.tab.tr("请先在列表中选择一条{0}").format(what))

    # -- findings ---------------------------------------------------------------------------

    def add_finding(self) -> None:
        if self.store is None:
            return
        current = self.selected_finding()
        dialog = FindingDialog(self.store, audit_id=current and current["audit_id"], parent=self.tab)
        if dialog.exec():
            self.tab.findings_written(dialog.result_value)

    def change_finding(self) -> None:
        current = self.selected_finding()
        if current is None:
            return self._need(self.tab.tr("问题"))
        dialog = FindingDialog(self.store, self.store.findings.get(current["id"]), parent=self.tab)
        if dialog.exec():
            self.tab._finding_changed(current["id"])
            self.tab.editor.show_finding(current["id"])

    def remove_finding(self) -> None:
        current = self.selected_finding()
        if current is None:
            return self._need(self.tab.tr("问题"))
        finding_id = current["id"]
        dialog = ReasonDialog(
            self.tab.tr("删除问题"),
            self.tab.tr("删除“{0}”的问题：{1}<br>删除后可在“已删除记录”中恢复。").format(
                current["enterprise"], current["description"]
            ),
            lambda reason: run_change(
                self.tab, self.tab.tr("删除问题"), lambda: self.store.findings.delete(finding_id, reason)
            ),
            self.tab,
        )
        if dialog.exec():
            self.tab.findings_written(None)

    def change_finding_audit(self) -> None:
        current = self.selected_finding()
        if current is None:
            return self._need(self.tab.tr("问题"))
        if AuditDialog(self.store, self.store.audits.get_audit(current["audit_id"]), parent=self.tab).exec():
            self.tab.audits_written()

    # -- audits -----------------------------------------------------------------------------

    def add_audit(self, enterprise_id: str | None = None) -> None:
        if self.store is None:
            return
        if enterprise_id is None and self.selected_finding():
            enterprise_id = self.selected_finding()["enterprise_id"]
        if AuditDialog(self.store, enterprise_id=enterprise_id, parent=self.tab).exec():
            self.tab.audits_written()

    def add_audit_of_enterprise(self) -> None:
        ent = self.selected_enterprise()
        self.add_audit(ent and ent["id"])

    def change_audit(self) -> None:
        audit = self.selected_audit()
        if audit is None:
            return self._need(self.tab.tr("考核"))
        if AuditDialog(self.store, self.store.audits.get_audit(audit["id"]), parent=self.tab).exec():
            self.tab.audits_written()

    def remove_audit(self) -> None:
        audit = self.selected_audit()
        if audit is None:
            return self._need(self.tab.tr("考核"))
        audit_id = audit["id"]
        dialog = ReasonDialog(
            self.tab.tr("删除考核"),
            self.tab.tr("删除{0}年{1}考核（检查日期 {2}）及其 {3} 条问题？删除后可在“已删除记录”中恢复。").format(
                audit["year"], audit["level"], audit["audit_date"] or "—", audit["found"]
            ),
            lambda reason: run_change(
                self.tab, self.tab.tr("删除考核"), lambda: self.store.audits.delete_audit(audit_id, reason)
            ),
            self.tab,
        )
        if dialog.exec():
            self.tab.audits_written()

    # -- enterprises ------------------------------------------------------------------------

    def add_enterprise(self) -> None:
        if self.store is not None and EnterpriseDialog(self.store, parent=self.tab).exec():
            self.tab.audits_written()

    def change_enterprise(self) -> None:
        ent = self.selected_enterprise()
        if ent is None:
            return self._need(self.tab.tr("企业"))
        if EnterpriseDialog(self.store, ent, parent=self.tab).exec():
            self.tab.audits_written()

    def remove_enterprise(self) -> None:
        ent = self.selected_enterprise()
        if ent is None:
            return self._need(self.tab.tr("企业"))
        enterprise_id = ent["id"]
        dialog = ReasonDialog(
            self.tab.tr("删除企业"),
            self.tab.tr("删除企业“{0}”？删除后可在“已删除记录”中恢复。").format(ent["name"]),
            lambda reason: run_change(
                self.tab, self.tab.tr("删除企业"), lambda: self.store.audits.delete_enterprise(enterprise_id, reason)
            ),
            self.tab,
        )
        if dialog.exec():
            self.tab.audits_written()

    def show_deleted(self, kind: str) -> None:
        if self.store is None:
            return
        dialog = DeletedDialog(self.store, self.tab, kind)
        dialog.exec()
        if dialog.restored:
            self.tab.audits_written()
