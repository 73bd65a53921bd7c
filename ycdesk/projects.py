"""Major projects (附表4), their responsible units and investment progress; 附表1–3."""

from __future__ import annotations

from ycdesk.errors import UserError
from ycdesk.i18n import _
from ycdesk.money import format_wan, format_yi
from ycdesk.periods import parse_period
from ycdesk.rules import deletion_reason
from ycdesk.rules import investments as rules
from ycdesk.rules.investments import DOMAINS


class Projects:
    def __init__(self, store) -> None:
        self.store = store

    def list(self, domain: str | None = None) -> list[dict]:
        sql = "SELECT * FROM projects WHERE deleted_at IS NULL"
        params: list = []
        if domain:
            sql += " AND domain = ?"
            params.append(domain)
        rows = self.store.query(sql + " ORDER BY seq", params)
        units = self._units()
        for row in rows:
            row["units"] = units.get(row["id"], [])
        return rows

    def _units(self) -> dict[str, list[str]]:
        out: dict[str, list[str]] = {}
        for row in self.store.query(
            "SELECT project_id, unit FROM project_units WHERE deleted_at IS NULL ORDER BY position"
        ):
            out.setdefault(row["project_id"], []).append(row["unit"])
        return out

    def add(self, record: dict, units: list[str], *, row_id: str | None = None) -> str:
        rules.project(record, units)
        with self.store.transaction():
            row = dict(record)
            if row_id:
                row["id"] = row_id
            project_id = self.store.insert("projects", row)
            for position, unit in enumerate(units, 1):
                self.store.insert(
                    "project_units",
                    {"project_id": project_id, "unit": unit, "position": position, "is_demo": record.get("is_demo", 0)},
                )
        return project_id

    def rollup(self, domain: str | None = None, period=None, **filters) -> dict:
        """Projects with their figures for ``period`` and exact totals (integer 元)."""
        return self.rollups_by_domain(period, (domain,) if domain else DOMAINS, **filters)[1]

    def rollups_by_domain(self, period=None, domains=DOMAINS, **filters) -> tuple[dict[str, dict], dict]:
        """Per-domain rollups and their total from one pass over the projects (the tab and
        the summary need all of them at once)."""
        from ycdesk.progress import Progress, default_period

        progress = Progress(self.store)
        rows = [r for r in filter_projects(self.list(), **filters) if r["domain"] in domains]
        rows = progress.project_rows(period or default_period(), rows)
        per_domain = {}
        for domain in domains:
            part = [r for r in rows if r["domain"] == domain]
            per_domain[domain] = {"projects": part, **progress.rollup(part)}
        return per_domain, {"projects": rows, **progress.rollup(rows)}

    def update(self, project_id: str, changes: dict, units: list[str] | None = None) -> None:
        """Edit a project; every changed field lands in history."""
        current = self.store.get("projects", project_id)
        merged = {**current, **changes}
        current_units = self.units_of(project_id)
        rules.project(merged, units if units is not None else current_units)
        with self.store.transaction():
            self.store.update("projects", project_id, changes)
            if units is not None and units != current_units:
                for row in self.store.query(
                    "SELECT id FROM project_units WHERE project_id = ? AND deleted_at IS NULL",
                    (project_id,),
                ):
                    self.store.soft_delete("project_units", row["id"])
                for position, unit in enumerate(units, 1):
                    self.store.insert("project_units", {"project_id": project_id, "unit": unit, "position": position})

    def set_status(self, project_id: str, status: str | None) -> None:
        """Set a project's 状态 (None: 未填报), judged by the project validator."""
        self.update(project_id, {"status": status or None})

    def period_overlap(
        self, project_id: str, period: str, amount_yuan: int, *, excluding: str | None = None
    ) -> str | None:
        """When ``period`` is a quarter of a year that already has an annual figure, or a
        year that already has quarterly figures, the warning (with both figures) that saving
        would count that year twice; None otherwise. ``excluding``: the record being edited.
        Saving stays allowed: the user decides which figure is wrong."""
        p = parse_period(period)
        project = self.store.get("projects", project_id)
        same_year = [
            r for r in self.investments(project_id) if r["id"] != excluding and parse_period(r["period"]).year == p.year
        ]
        entered = _("本次填报{0}{1}万元").format(p.label, format_wan(amount_yuan))
        if p.quarter is not None:
            annual = [r for r in same_year if parse_period(r["period"]).quarter is None]
            if not annual:
                return None
            return _("项目“{0}”已有{1}全年完成投资{2}万元，{3}：两者都计入会重复计算这一年的投资。").format(
                project["name"], parse_period(annual[0]["period"]).label, format_wan(annual[0]["amount_yuan"]), entered
            )
        quarterly = [r for r in same_year if parse_period(r["period"]).quarter is not None]
        if not quarterly:
            return None
        listed = "、".join(f"{parse_period(r['period']).label}{format_wan(r['amount_yuan'])}万元" for r in quarterly)
        return _("项目“{0}”已有{1}的季度完成投资（{2}，合计{3}万元），{4}：两者都计入会重复计算这一年的投资。").format(
            project["name"], p.label, listed, format_wan(sum(r["amount_yuan"] for r in quarterly)), entered
        )

    def delete(self, project_id: str) -> None:
        self.store.soft_delete("projects", project_id)

    def units_of(self, project_id: str) -> list[str]:
        return self._units().get(project_id, [])

    def investments(self, project_id: str) -> list[dict]:
        """By year; within a year the whole-year entry first, then Q1..Q4 (the 投资进展
        table reads this order; by period end a year came after its Q3)."""
        rows = self.store.query("SELECT * FROM investments WHERE project_id = ? AND deleted_at IS NULL", (project_id,))
        return sorted(rows, key=lambda r: _year_first(parse_period(r["period"])))

    def completed_yuan(self, project_id: str) -> int:
        return self.store.scalar(
            "SELECT COALESCE(SUM(amount_yuan), 0) FROM investments WHERE project_id = ? AND deleted_at IS NULL",
            (project_id,),
        )

    def add_investment(
        self,
        project_id: str,
        period: str,
        amount_yuan: int,
        *,
        source: str | None = None,
        note: str | None = None,
        is_demo: bool = False,
        row_id: str | None = None,
    ) -> str:
        project = self.store.get("projects", project_id)
        p = self._check_investment(project, period, amount_yuan, replacing=0)
        record = {
            "project_id": project_id,
            "period": str(p),
            "amount_yuan": amount_yuan,
            "source": source,
            "operator": self.store.operator,
            "note": note,
            "is_demo": int(is_demo),
        }
        if row_id:
            record["id"] = row_id
        return self.store.insert("investments", record)

    def check_investment(
        self, project_id: str, period: str, amount_yuan: int, *, investment_id: str | None = None
    ) -> None:
        """Raise the reason :meth:`add_investment` (or, with ``investment_id``,
        :meth:`update_investment`) would refuse these values, writing nothing: a form
        shows a refusal before asking about anything merely unusual."""
        replacing = self.store.get("investments", investment_id)["amount_yuan"] if investment_id else 0
        self._check_investment(self.store.get("projects", project_id), period, amount_yuan, replacing)

    def _check_investment(self, project: dict, period: str, amount_yuan: int, replacing: int):
        return rules.investment(
            project,
            period,
            amount_yuan,
            today=self.store.today(),
            completed_other_yuan=self.completed_yuan(project["id"]) - replacing,
        )

    def update_investment(
        self, investment_id: str, period: str, amount_yuan: int, *, source: str | None = None, note: str | None = None
    ) -> None:
        record = self.store.get("investments", investment_id)
        project = self.store.get("projects", record["project_id"])
        p = self._check_investment(project, period, amount_yuan, replacing=record["amount_yuan"])
        self.store.update(
            "investments",
            investment_id,
            {
                "period": str(p),
                "amount_yuan": amount_yuan,
                "source": source,
                "note": note,
                "operator": self.store.operator,
            },
        )

    def delete_investment(self, investment_id: str, reason: str) -> None:
        """Soft-delete an investment-progress record, with why (kept on the row and in history)."""
        self.store.soft_delete("investments", investment_id, deletion_reason(reason, _("删除投资进展")))

    def warnings(self, project_id: str) -> list[str]:
        """Allowed but worth a look: completed within 十四五 above the 十四五 plan."""
        from ycdesk.progress import FYP_YEARS

        project = self.store.get("projects", project_id)
        within = sum(
            r["amount_yuan"] for r in self.investments(project_id) if parse_period(r["period"]).year in FYP_YEARS
        )
        if within > project["fyp_yuan"]:
            return [
                _("项目“{0}”十四五期间累计完成{1}亿元，已超过十四五计划投资{2}亿元").format(
                    project["name"], format_yi(within), format_yi(project["fyp_yuan"])
                )
            ]
        return []

    def initiatives(self, kind: str | None = None) -> list[dict]:
        sql = "SELECT * FROM initiatives WHERE deleted_at IS NULL"
        params: list = []
        if kind:
            sql += " AND kind = ?"
            params.append(kind)
        return self.store.query(sql + " ORDER BY kind, seq", params)

    def add_initiative_progress(self, initiative_id: str, period: str, note: str, status: str | None = None) -> str:
        item = self.store.get("initiatives", initiative_id)
        if not (note or "").strip():
            raise UserError(_("“{0}”的进展说明不能为空").format(item["name"]))
        p = parse_period(period)
        with self.store.transaction():
            row_id = self.store.insert(
                "initiative_progress",
                {
                    "initiative_id": initiative_id,
                    "period": str(p),
                    "note": note.strip(),
                    "status": status,
                    "operator": self.store.operator,
                },
            )
            if status and status != item["status"]:
                self.store.update("initiatives", initiative_id, {"status": status})
        return row_id

    def initiative_progress(self, initiative_id: str) -> list[dict]:
        rows = self.store.query(
            "SELECT * FROM initiative_progress WHERE initiative_id = ? AND deleted_at IS NULL",
            (initiative_id,),
        )
        return sorted(rows, key=lambda r: (parse_period(r["period"]).end, r["created_at"]))


def _year_first(p) -> tuple[int, int]:
    return (p.year, 0 if p.quarter is None else p.quarter)


def filter_projects(
    rows: list[dict],
    *,
    status: str | None = None,
    unit: str | None = None,
    township: str | None = None,
    text: str | None = None,
) -> list[dict]:
    """The filters of the 重大工程 tab; totals are computed over what remains."""
    out = []
    for r in rows:
        if status and (r["status"] or "未填报") != status:
            continue
        if unit and not any(unit in u for u in r["units"]):
            continue
        if township and r.get("township_id") != township:
            continue
        if text and text not in r["name"] and text not in (r["content"] or ""):
            continue
        out.append(r)
    return out
