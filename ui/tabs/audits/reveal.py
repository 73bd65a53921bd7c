"""A finding just added is shown even when the 问题清单's filters or search would hide it:
the ones hiding it are cleared (the others kept), and its row is selected."""

from __future__ import annotations

from PySide6.QtWidgets import QAbstractItemView

from ycdesk.findings import FindingFilter

FIND_PAGES = 50  # pages read to reach the row (10,000 rows): in a vast list it may sit far down


def controls(tab):
    """The filter controls: (combo, the FindingFilter field it sets, its name in a message)."""
    return (
        (tab.year, "year", tab.tr("年度")),
        (tab.level, "level", tab.tr("级别")),
        (tab.township, "township_id", tab.tr("镇街")),
        (tab.enterprise, "enterprise_id", tab.tr("企业")),
        (tab.category, "category", tab.tr("问题类别")),
        (tab.status, "status", tab.tr("整改状态")),
        (tab.due, "due", tab.tr("期限")),
    )


def unhide(tab, finding_id: str) -> list[str]:
    """Clear each filter (and the search) that alone would hide ``finding_id``; the names
    of those cleared. Signals are held: the caller applies the filter once (set_store)."""
    base = {"as_of": tab.as_of, "soon_days": tab.store.findings.soon_days}

    def hides(**one) -> bool:
        return not tab.store.findings.matches(FindingFilter(**base, **one), finding_id)

    cleared = []
    for combo, field, name in controls(tab):
        if combo.currentData() is not None and hides(**{field: combo.currentData()}):
            combo.blockSignals(True)
            combo.setCurrentIndex(0)
            combo.blockSignals(False)
            cleared.append(name)
    text = tab.search.text().strip()
    if text and hides(text=text):
        tab.search.blockSignals(True)
        tab.search.clear()
        tab.search.blockSignals(False)
        cleared.append(tab.tr("搜索"))
    return cleared


def select_finding(tab, finding_id: str) -> bool:
    """Select and scroll to ``finding_id``'s row, reading pages until it is loaded;
    False if it is not within FIND_PAGES pages (or not listed at all)."""
    key = tab.store.findings.get(finding_id)["rk"]
    model, start = tab.model, 0
    for _ in range(FIND_PAGES):
        try:
            row = model.keys.index(key, start)
        except ValueError:
            if not model.canFetchMore():
                return False
            start = len(model.keys)
            model.fetchMore()
            continue
        index = model.index(row, 0)
        tab.table.setCurrentIndex(index)
        tab.table.scrollTo(index, QAbstractItemView.PositionAtCenter)
        return True
    return False
