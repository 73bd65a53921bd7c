"""What travels each way: the tables of a package and which of their rows.

District → township carries the township's slice (plan data, targets, its enterprises'
audits and findings with the district's decisions, observations of 全区 and of the
township). Township → district carries the township's own scope — the same rows
:mod:`ycdesk.rules.scope` lets it write. Filters are SQL over the workspace attached as
``{s}``, with the township's id bound as ``:t``.
"""

from __future__ import annotations

_TOWNSHIP_FIRMS = "SELECT id FROM {s}.enterprises WHERE township_id = :t"
_TOWNSHIP_AUDITS = f"SELECT id FROM {{s}}.audits WHERE enterprise_id IN ({_TOWNSHIP_FIRMS})"
_TOWNSHIP_FINDINGS = f"SELECT id FROM {{s}}.findings WHERE audit_id IN ({_TOWNSHIP_AUDITS})"

# Parents before children, so a package applies in dependency order.
TO_TOWNSHIP: dict[str, str] = {
    "townships": "1",
    "indicators": "1",
    "observations": "township_id IS NULL OR township_id = :t",
    "projects": "township_id IS NULL OR township_id = :t",
    "project_units": "project_id IN (SELECT id FROM {s}.projects WHERE township_id IS NULL OR township_id = :t)",
    "project_plan_years": "project_id IN (SELECT id FROM {s}.projects WHERE township_id IS NULL OR township_id = :t)",
    "investments": "project_id IN (SELECT id FROM {s}.projects WHERE township_id IS NULL OR township_id = :t)",
    "initiatives": "1",
    "initiative_progress": "1",
    "finding_categories": "1",
    "period_locks": "1",
    "audit_aggregates": "1",
    "sludge": "1",
    "enterprises": "township_id = :t",
    "audits": f"id IN ({_TOWNSHIP_AUDITS})",
    "findings": f"id IN ({_TOWNSHIP_FINDINGS})",
    "finding_events": f"finding_id IN ({_TOWNSHIP_FINDINGS})",
    "attachments": f"finding_id IN ({_TOWNSHIP_FINDINGS})",
}

TO_DISTRICT: dict[str, str] = {
    "observations": "township_id = :t",
    "investments": "project_id IN (SELECT id FROM {s}.projects WHERE township_id = :t)",
    "findings": TO_TOWNSHIP["findings"],
    "finding_events": TO_TOWNSHIP["finding_events"],
    "attachments": TO_TOWNSHIP["attachments"],
}


def tables(to_district: bool) -> dict[str, str]:
    return TO_DISTRICT if to_district else TO_TOWNSHIP
