"""Small frictions a user met: placeholders that suggest impossible values, and a 类别
filter that offered 十三五 categories under 十四五."""

from __future__ import annotations

from ui.dialogs.observation_dialog import ObservationDialog
from ui.tabs.indicators.model import ITEM
from ycdesk.errors import UserError


def test_placeholders_suggest_only_what_is_accepted(qtbot, seeded):
    shown = {}
    for code in ("FYP14-03", "FYP14-02", "FYP14-04"):
        indicator = seeded.indicators.by_code(code)
        dialog = ObservationDialog(seeded, indicator)
        qtbot.addWidget(dialog)
        shown[code] = dialog.value.placeholderText()
    assert shown["FYP14-03"] == "0–100 之间的数值（%），如 92.5"  # a % indicator: no words
    assert "文字" not in shown["FYP14-02"] and "μg/m³" in shown["FYP14-02"]
    assert "文字" in shown["FYP14-04"]  # met by words (完成)
    # What the placeholder says is what the validator does.
    try:
        seeded.indicators.add_observation(seeded.indicators.by_code("FYP14-03")["id"], "2024", "完成", scope="越城区")
    except UserError:
        refused = True
    else:
        refused = False
    assert refused


def test_category_filter_lists_only_the_chosen_plans_categories(main_window):
    tab = main_window.indicators_tab
    tab.plan.setCurrentIndex(tab.plan.findData("十四五"))
    fourteen = [tab.category.itemText(i) for i in range(1, tab.category.count())]
    assert "风险防控" in fourteen and "环境风险防控" not in fourteen  # the latter is 十三五's
    tab.plan.setCurrentIndex(tab.plan.findData("十三五"))
    thirteen = [tab.category.itemText(i) for i in range(1, tab.category.count())]
    assert "环境风险防控" in thirteen and "低碳发展" not in thirteen
    tab.category.setCurrentIndex(tab.category.findText("环境风险防控"))
    tab.plan.setCurrentIndex(tab.plan.findData("十四五"))  # that category is not in 十四五: back to all
    assert tab.category.currentIndex() == 0
    assert len([r for r in tab.model.rows if r["kind"] == ITEM]) == 12  # all 十四五 indicators shown
