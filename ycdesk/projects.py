"""Major projects (附表4), their responsible units and investment progress; 附表1–3."""

from __future__ import annotations

from ycdesk.errors import UserError
from ycdesk.i18n import _
from ycdesk.money import format_yi
from ycdesk.periods import parse_period

DOMAINS = ("应对气候变化", "治气", "治水", "治海", "治土", "治废", "生态保护")
STATUSES = ("储备", "未开工", "在建", "已完工", "延期", "取消")


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
        name = (record.get("name") or "").strip()
        if not name:
            raise UserError(_("项目名称不能为空"))
        if record.get("domain") not in DOMAINS:
            raise UserError(_("项目“{0}”的领域应为{1}之一").format(name, "、".join(DOMAINS)))
        if record["start_year"] > record["end_year"]:
            raise UserError(_("项目“{0}”的起始年份晚于结束年份").format(name))
        if record["fyp_yuan"] > record["total_yuan"]:
            raise UserError(
                _("项目“{0}”的十四五计划投资{1}亿元超过总投资{2}亿元").format(
                    name, format_yi(record["fyp_yuan"]), format_yi(record["total_yuan"])
                )
            )
        if record.get("status") not in (None, *STATUSES):
            raise UserError(_("项目状态应为{0}之一").format("、".join(STATUSES)))
        if not units:
            raise UserError(_("项目“{0}”至少需要一个责任单位").format(name))
        with self.store.transaction():
            row = dict(record)
            if row_id:
                row["id"] = row_id
            project_id = self.store.insert("projects", row)
            for position, unit in enumerate(units, 1):
                self.store.insert(
                    "project_units",
                    {"project_id": project_id, "unit": unit, "position": position,
                     "is_demo": record.get("is_demo", 0)},
                )
        return project_id

    def rollup(self, domain: str | None = None) -> dict:
        """Count and exact sums (integer 元) over the projects shown, for totals rows."""
        rows = self.list(domain)
        done = {
            r["project_id"]: r["done"]
            for r in self.store.query(
                "SELECT project_id, SUM(amount_yuan) AS done FROM investments "
                "WHERE deleted_at IS NULL GROUP BY project_id"
            )
        }
        for row in rows:
            row["completed_yuan"] = done.get(row["id"], 0)
        return {
            "projects": rows,
            "count": len(rows),
            "total_yuan": sum(r["total_yuan"] for r in rows),
            "fyp_yuan": sum(r["fyp_yuan"] for r in rows),
            "completed_yuan": sum(r["completed_yuan"] for r in rows),
        }

    def completed_yuan(self, project_id: str) -> int:
        return self.store.scalar(
            "SELECT COALESCE(SUM(amount_yuan), 0) FROM investments "
            "WHERE project_id = ? AND deleted_at IS NULL",
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
        p = parse_period(period)
        if amount_yuan < 0:
            raise UserError(_("项目“{0}”的完成投资不能为负数").format(project["name"]))
        done = self.completed_yuan(project_id) + amount_yuan
        if done > project["total_yuan"]:
            raise UserError(
                _("项目“{0}”累计完成投资{1}亿元将超过总投资{2}亿元").format(
                    project["name"], format_yi(done), format_yi(project["total_yuan"])
                )
            )
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

    def initiatives(self, kind: str | None = None) -> list[dict]:
        sql = "SELECT * FROM initiatives WHERE deleted_at IS NULL"
        params: list = []
        if kind:
            sql += " AND kind = ?"
            params.append(kind)
        return self.store.query(sql + " ORDER BY kind, seq", params)
