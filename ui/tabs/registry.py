"""The tabs of the main window, declared once (after Picard's option registry).

A tab is its key, title, the module and class that build it (imported when the tab is first
shown: pyqtgraph and numpy alone take over a second), the import kind a file dropped on it
means, the tables it shows (an operation that changed none of them leaves the tab alone) and
the export tables its area offers in 文件 → 导出表格. The main window, its shortcuts
(Ctrl/Alt + the tab's number), drag-and-drop, the export menu and the GUI self-test read
this list; a new area is one ``register`` call.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class TabSpec:
    key: str  # the window's ``<key>_tab`` attribute
    title: str
    module: str
    cls: str
    import_kind: str  # the kind the import wizard starts on from this tab
    tables: frozenset[str] = field(default_factory=frozenset)  # what it shows
    exports: tuple[str, ...] = ()  # ycdesk.export.tables names offered for this area

    def build(self):
        from importlib import import_module

        return getattr(import_module(self.module), self.cls)()


TABS: list[TabSpec] = []


def register(spec: TabSpec, index: int | None = None) -> TabSpec:
    """Declare a tab (last, or at ``index``). A second declaration of a key is an error."""
    if any(t.key == spec.key for t in TABS):
        raise ValueError(f"tab {spec.key!r} declared twice")
    TABS.insert(len(TABS) if index is None else index, spec)
    return spec


def unregister(key: str) -> None:
    """For tests that declare a throwaway tab."""
    TABS[:] = [t for t in TABS if t.key != key]


def titles() -> list[str]:
    return [t.title for t in TABS]


_FINDINGS = frozenset(
    {
        "findings",
        "finding_events",
        "finding_categories",
        "audits",
        "enterprises",
        "townships",
        "audit_aggregates",
        "sludge",
        "attachments",
    }
)

for _spec in (
    TabSpec(
        "indicators",
        "指标",
        "ui.tabs.indicators.tab",
        "IndicatorsTab",
        "observations",
        frozenset({"indicators", "observations", "townships", "period_locks"}),
        ("indicators", "observations"),
    ),
    TabSpec(
        "projects",
        "重大工程",
        "ui.tabs.projects.tab",
        "ProjectsTab",
        "investments",
        frozenset(
            {
                "projects",
                "project_units",
                "project_plan_years",
                "investments",
                "initiatives",
                "initiative_progress",
                "townships",
            }
        ),
        ("projects", "investments", "initiatives"),
    ),
    TabSpec(
        "audits",
        "危废考核",
        "ui.tabs.audits.tab",
        "AuditsTab",
        "findings",
        _FINDINGS,
        ("audits", "findings", "enterprises", "audit_aggregates", "sludge"),
    ),
    # The reports read everything, but what they list up front are the audits (整改通知书)
    # and the register of issued reports.
    TabSpec("reports", "报告", "ui.tabs.reports.tab", "ReportsTab", "findings", _FINDINGS | {"issued_reports"}, ()),
):
    register(_spec)
