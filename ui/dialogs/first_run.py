"""The first start: who is working (operator and unit) and whether to begin on the demo
data or on an empty workspace — asked once, before the default workspace exists.

The name is what history records every change under and what reports print as 编制; the
unit is the workspace's 编制单位 (its issuer). Without this dialog both fell back to the
computer's login name ("编制：root") and the app opened straight onto demo data."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QButtonGroup,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QRadioButton,
    QVBoxLayout,
)

from ycdesk.reports import profile


class FirstRunDialog(QDialog):
    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("欢迎使用 ycdesk"))
        intro = QLabel(
            self.tr(
                "<b>越城区生态环境“十四五”规划工作台</b><p>第一次使用，请填写您的姓名和单位："
                "修改记录按姓名记录，报告上署为“编制”和“编制单位”。姓名以后可在 文件 → 操作人姓名 中修改。</p>"
            )
        )
        intro.setWordWrap(True)
        self.name = QLineEdit()
        self.name.setPlaceholderText(self.tr("如：张三"))
        self.name.setMaxLength(40)
        self.unit = QLineEdit(profile.FIELDS["issuer"][1])
        self.unit.setPlaceholderText(self.tr("全称，与印章一致，如：绍兴市生态环境局越城分局"))
        self.unit.setMaxLength(80)
        self.demo = QRadioButton(self.tr("从演示数据开始(&D)——熟悉功能用，报告带“演示数据”水印，可随时删除"))
        self.blank = QRadioButton(self.tr("空白工作区(&K)——只含规划指标和重大工程，直接录入或导入本单位数据"))
        self.demo.setChecked(True)
        self.choice = QButtonGroup(self)
        self.choice.addButton(self.demo)
        self.choice.addButton(self.blank)
        form = QFormLayout()
        name_label, unit_label = QLabel(self.tr("姓名(&N)：")), QLabel(self.tr("单位(&U)："))
        name_label.setBuddy(self.name)
        unit_label.setBuddy(self.unit)
        form.addRow(name_label, self.name)
        form.addRow(unit_label, self.unit)
        self.buttons = QDialogButtonBox(QDialogButtonBox.Ok | QDialogButtonBox.Cancel)
        self.ok = self.buttons.button(QDialogButtonBox.Ok)
        self.ok.setText(self.tr("开始使用(&S)"))
        self.buttons.button(QDialogButtonBox.Cancel).setText(self.tr("退出(&Q)"))
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(form)
        layout.addWidget(QLabel(self.tr("从哪里开始：")))
        layout.addWidget(self.demo)
        layout.addWidget(self.blank)
        layout.addWidget(self.buttons)
        self.name.textChanged.connect(self._update)
        self.unit.textChanged.connect(self._update)
        self._update()
        self.resize(560, self.sizeHint().height())

    def _update(self) -> None:
        # Both are printed on official reports: neither may be left empty.
        self.ok.setEnabled(bool(self.operator and self.unit_name))

    @property
    def operator(self) -> str:
        return self.name.text().strip()

    @property
    def unit_name(self) -> str:
        return self.unit.text().strip()

    @property
    def with_demo(self) -> bool:
        return self.demo.isChecked()


def first_start(settings, parent=None):
    """Ask, create the default workspace as chosen, record operator and unit, and return
    the opened store — or None when the user chose to quit (nothing is created then)."""
    from ycdesk.workspace import create_workspace, open_workspace

    dialog = FirstRunDialog(parent)
    if dialog.exec() != QDialog.Accepted:
        return None
    operator = dialog.operator
    path = create_workspace(None, operator, demo=dialog.with_demo)
    store = open_workspace(path, operator)
    apply_choices(store, settings, operator, dialog.unit_name)
    return store


def apply_choices(store, settings, operator: str, unit: str) -> None:
    """Operator for this computer (every later start), preparer and issuer for the
    workspace (what its reports print, whoever opens it)."""
    settings.set("operator", operator)
    store.operator = operator
    profile.set_value(store, "preparer", operator)
    profile.set_value(store, "issuer", unit)
