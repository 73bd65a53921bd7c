"""Add and correct a finding, an audit or an enterprise; delete with a reason; restore.

Every value is judged by the core (the validators the importer uses); the dialogs only
collect text and show the core's refusal without closing (see FormDialog)."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QComboBox,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QSpinBox,
    QTabWidget,
)

from ui.dialogs.form_dialog import FormDialog
from ui.models.records import Col, RecordsModel
from ui.tabs.common import make_table
from ui.undo import run_change
from ycdesk.audits import LEVELS, RESULTS, ROLES
from ycdesk.errors import UserError
from ycdesk.history_text import local_time
from ycdesk.rules.dates import REPORT_YEARS
from ycdesk.rules.findings import SEVERITIES

DATE_HINT = "YYYY-MM-DD"


def text_of(widget) -> str | None:
    """A field's text, trimmed; empty is no value."""
    text = widget.toPlainText() if isinstance(widget, QPlainTextEdit) else widget.text()
    return text.strip() or None


def combo(items, current=None, blank: str | None = None) -> QComboBox:
    """A combo of (text, data) pairs, ``blank`` first (data None) if given."""
    box = QComboBox()
    if blank is not None:
        box.addItem(blank, None)
    for text, data in items:
        box.addItem(text, data)
    if current is not None:
        index = box.findData(current)
        if index < 0:  # a value no longer offered (a retired category) stays shown
            box.addItem(str(current), current)
            index = box.count() - 1
        box.setCurrentIndex(index)
    return box


def audit_label(a: dict) -> str:
    return f"{a['year']}年{a['level']}　{a['enterprise']}　{a['audit_date'] or ''}".rstrip()


class FindingDialog(FormDialog):
    """新增问题 (``finding`` None; ``audit_id`` preselects the audit) or 修改问题."""

    def __init__(self, store, finding: dict | None = None, audit_id: str | None = None, parent=None) -> None:
        super().__init__(self.tr("修改问题") if finding else self.tr("新增问题"), parent)
        self.store, self.finding = store, finding
        f = finding or {}
        if finding:
            self.audit = None
            self.form.addRow(self.tr("所属考核："), QLabel(audit_label(finding)))
        else:
            self.audit = combo([(audit_label(a), a["id"]) for a in store.audits.audits_of()], audit_id)
            self.form.addRow(self.tr("所属考核(&K)："), self.audit)
        self.category = combo([(c, c) for c in store.findings.categories()], f.get("category"))
        self.description = QPlainTextEdit(f.get("description") or "")
        self.description.setTabChangesFocus(True)
        self.description.setFixedHeight(70)
        self.severity = combo([(s, s) for s in SEVERITIES], f.get("severity"), blank=self.tr("（未定）"))
        self.requirement = QLineEdit(f.get("requirement") or "")
        self.deadline = QLineEdit(f.get("deadline") or "")
        self.deadline.setPlaceholderText(self.tr("{0}，可留空").format(DATE_HINT))
        self.responsible = QLineEdit(f.get("responsible") or "")
        self.note = QLineEdit(f.get("note") or "")
        for label, widget in (
            (self.tr("问题类别(&C)："), self.category),
            (self.tr("问题描述(&D)："), self.description),
            (self.tr("严重程度(&V)："), self.severity),
            (self.tr("整改要求(&Q)："), self.requirement),
            (self.tr("整改期限(&L)："), self.deadline),
            (self.tr("责任人(&P)："), self.responsible),
            (self.tr("备注(&N)："), self.note),
        ):
            self.form.addRow(label, widget)
        self.resize(560, self.sizeHint().height())

    def values(self) -> dict:
        return {
            "category": self.category.currentData(),
            "description": text_of(self.description),
            "severity": self.severity.currentData(),
            "requirement": text_of(self.requirement),
            "deadline": text_of(self.deadline),
            "responsible": text_of(self.responsible),
            "note": text_of(self.note),
        }

    def submit(self) -> str:
        values = self.values()
        if self.finding:
            finding_id = self.finding["id"]
            run_change(self.parent(), self.tr("修改问题"), lambda: self.store.findings.update(finding_id, values))
            return finding_id
        audit_id = self.audit.currentData()
        if audit_id is None:
            raise UserError(self.tr("请先选择所属考核（没有考核时，请在“企业”页新增考核）"))
        return run_change(
            self.parent(), self.tr("新增问题"), lambda: self.store.audits.add_finding({"audit_id": audit_id, **values})
        )


class AuditDialog(FormDialog):
    """新增考核 or 修改考核 (one inspection of one enterprise in one year)."""

    def __init__(self, store, audit: dict | None = None, enterprise_id: str | None = None, parent=None) -> None:
        super().__init__(self.tr("修改考核") if audit else self.tr("新增考核"), parent)
        self.store, self.audit = store, audit
        a = audit or {}
        self.enterprise = combo(
            [(e["name"], e["id"]) for e in store.audits.enterprises()], a.get("enterprise_id") or enterprise_id
        )
        self.year = QSpinBox()
        self.year.setRange(REPORT_YEARS[0], REPORT_YEARS[-1])
        self.year.setValue(a.get("year") or min(store.today().year, REPORT_YEARS[-1]))
        self.level = combo([(lv, lv) for lv in LEVELS], a.get("level"))
        self.audit_date = QLineEdit(a.get("audit_date") or "")
        self.audit_date.setPlaceholderText(self.tr("{0}，可留空").format(DATE_HINT))
        self.auditors = QLineEdit(a.get("auditors") or "")
        self.score = QLineEdit("" if a.get("score") is None else f"{a['score']:g}")
        self.score.setPlaceholderText(self.tr("0–100，可留空"))
        self.result_box = combo([(r, r) for r in RESULTS], a.get("result"), blank=self.tr("（未定）"))
        for label, widget in (
            (self.tr("企业(&Q)："), self.enterprise),
            (self.tr("考核年度(&Y)："), self.year),
            (self.tr("考核级别(&L)："), self.level),
            (self.tr("检查日期(&D)："), self.audit_date),
            (self.tr("考核人员(&P)："), self.auditors),
            (self.tr("得分(&G)："), self.score),
            (self.tr("考核结果(&R)："), self.result_box),
        ):
            self.form.addRow(label, widget)
        self.resize(480, self.sizeHint().height())

    def values(self) -> dict:
        score = text_of(self.score)
        try:
            score = None if score is None else float(score)
            score = int(score) if score is not None and score.is_integer() else score
        except ValueError:
            pass  # the validator names the text it could not read
        return {
            "enterprise_id": self.enterprise.currentData(),
            "year": self.year.value(),
            "level": self.level.currentData(),
            "audit_date": text_of(self.audit_date),
            "auditors": text_of(self.auditors),
            "score": score,
            "result": self.result_box.currentData(),
        }

    def submit(self) -> str:
        values = self.values()
        if values["enterprise_id"] is None:
            raise UserError(self.tr("请先选择企业（没有企业时，请先新增企业）"))
        if self.audit:
            audit_id = self.audit["id"]
            run_change(self.parent(), self.tr("修改考核"), lambda: self.store.audits.update_audit(audit_id, values))
            return audit_id
        return run_change(self.parent(), self.tr("新增考核"), lambda: self.store.audits.add_audit(values))


class EnterpriseDialog(FormDialog):
    """新增企业 or 修改企业; the credit code is checked (GB 32100) as on import."""

    def __init__(self, store, enterprise: dict | None = None, parent=None) -> None:
        super().__init__(self.tr("修改企业") if enterprise else self.tr("新增企业"), parent)
        self.store, self.enterprise = store, enterprise
        e = enterprise or {}
        self.name = QLineEdit(e.get("name") or "")
        self.uscc = QLineEdit(e.get("uscc") or "")
        self.uscc.setPlaceholderText(self.tr("18位，可留空"))
        self.township = combo(
            [(t["name"], t["id"]) for t in store.townships.list()], e.get("township_id"), blank=self.tr("（未填）")
        )
        self.role = combo([(r, r) for r in ROLES], e.get("role"), blank=self.tr("（未填）"))
        self.industry = QLineEdit(e.get("industry") or "")
        self.contact = QLineEdit(e.get("contact") or "")
        for label, widget in (
            (self.tr("企业名称(&N)："), self.name),
            (self.tr("统一社会信用代码(&U)："), self.uscc),
            (self.tr("所属镇街(&T)："), self.township),
            (self.tr("企业类型(&K)："), self.role),
            (self.tr("行业(&I)："), self.industry),
            (self.tr("联系人(&P)："), self.contact),
        ):
            self.form.addRow(label, widget)
        self.resize(480, self.sizeHint().height())

    def values(self) -> dict:
        return {
            "name": text_of(self.name),
            "uscc": text_of(self.uscc),
            "township_id": self.township.currentData(),
            "role": self.role.currentData(),
            "industry": text_of(self.industry),
            "contact": text_of(self.contact),
        }

    def submit(self) -> str:
        values = self.values()
        if self.enterprise:
            enterprise_id = self.enterprise["id"]
            run_change(
                self.parent(), self.tr("修改企业"), lambda: self.store.audits.update_enterprise(enterprise_id, values)
            )
            return enterprise_id
        return run_change(self.parent(), self.tr("新增企业"), lambda: self.store.audits.add_enterprise(values))


class DeletedDialog(FormDialog):
    """已删除的问题、考核和企业, each with why and when; 恢复 brings the selected one back."""

    KINDS = ("findings", "audits", "enterprises")

    def __init__(self, store, parent=None, kind: str = "findings") -> None:
        super().__init__(self.tr("已删除的记录"), parent, ok_text=self.tr("恢复所选(&H)"))
        self.store = store
        self.buttons.button(self.buttons.StandardButton.Cancel).setText(self.tr("关闭"))
        self.restored: list[tuple[str, str]] = []
        when, why = Col(self.tr("删除时间"), "deleted_at", local_time), Col(self.tr("原因"), "deleted_reason")
        self.models = {
            "findings": RecordsModel(
                [
                    Col(self.tr("企业"), "enterprise"),
                    Col(self.tr("年度"), "year"),
                    Col(self.tr("类别"), "category"),
                    Col(self.tr("问题描述"), "description"),
                    when,
                    why,
                ]
            ),
            "audits": RecordsModel(
                [
                    Col(self.tr("企业"), "enterprise"),
                    Col(self.tr("年度"), "year"),
                    Col(self.tr("级别"), "level"),
                    Col(self.tr("检查日期"), "audit_date"),
                    when,
                    why,
                ]
            ),
            "enterprises": RecordsModel(
                [Col(self.tr("企业名称"), "name"), Col(self.tr("统一社会信用代码"), "uscc"), when, why]
            ),
        }
        self.tables = {k: make_table(m) for k, m in self.models.items()}
        self.pages = QTabWidget()
        for kind_, title in zip(self.KINDS, (self.tr("问题"), self.tr("考核"), self.tr("企业"))):
            self.pages.addTab(self.tables[kind_], title)
            self.tables[kind_].doubleClicked.connect(lambda _index: self.try_accept())
        self.form.addRow(self.pages)
        self.pages.setCurrentIndex(self.KINDS.index(kind))
        self.reload()
        self.resize(760, 420)

    def reload(self) -> None:
        self.models["findings"].set_records(self.store.findings.deleted())
        self.models["audits"].set_records(self.store.audits.deleted("audits"))
        self.models["enterprises"].set_records(self.store.audits.deleted("enterprises"))
        for table in self.tables.values():
            table.resizeColumnsToContents()
            for column in range(table.model().columnCount()):
                table.setColumnWidth(column, min(table.columnWidth(column), 260))

    def try_accept(self) -> None:
        # Restoring keeps the list open: several records may come back in one visit.
        try:
            self.submit()
        except UserError as exc:
            self.show_error(str(exc))
            return
        self.error.hide()
        self.reload()

    def submit(self) -> None:
        kind = self.KINDS[self.pages.currentIndex()]
        index = self.tables[kind].currentIndex()
        if not index.isValid():
            raise UserError(self.tr("请先选择要恢复的记录"))
        row_id = self.models[kind].record(index.row())["id"]
        restore = {
            "findings": self.store.findings.restore,
            "audits": self.store.audits.restore_audit,
            "enterprises": self.store.audits.restore_enterprise,
        }[kind]
        label = {"findings": self.tr("恢复问题"), "audits": self.tr("恢复考核"), "enterprises": self.tr("恢复企业")}[
            kind
        ]
        run_change(self.parent(), label, lambda: restore(row_id))
        self.restored.append((kind, row_id))
