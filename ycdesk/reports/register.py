"""The register of issued reports (签发).

Issuing keeps the PDF itself (by its SHA-256), the data it was built from, its
fingerprint, period, scope, operator and time in the workspace. Reprinting gives back
those very bytes. Because a report's data is everything as of its cut-off
(:mod:`ycdesk.stats`), data entered later for later periods never touches it; a
correction of the past (a late-entered 2023 finding, a changed observation) does, and the
register shows such a report as 数据已变更 with the figures that moved.
"""

from __future__ import annotations

import hashlib
import json
import tempfile
from pathlib import Path

from ycdesk.errors import NotFoundError, UserError
from ycdesk.i18n import _
from ycdesk.reports.base import canonical_json, data_hash
from ycdesk.reports.kinds import kind

VALID, CHANGED = "有效", "数据已变更"

# How the parts of a report's data read in a list of changes.
LABELS = {
    "indicators": "指标",
    "projects": "重大工程",
    "audits": "危废考核",
    "series": "趋势图",
    "this_period": "本季度",
    "to_date": "累计",
    "year": "本年",
    "by_township": "按镇街",
    "by_year_level": "各年度级别",
    "overdue": "逾期问题",
    "overdue_total": "逾期问题总数",
    "domains": "各领域",
    "total": "合计",
    "lagging": "滞后项目",
    "findings": "问题",
    "found": "发现问题",
    "rectified": "已整改",
    "units": "考核单位",
    "audits_count": "考核次数",
    "rate": "整改率",
    "value": "最新值",
    "period": "期间",
    "status": "状态",
    "on_track": "进度",
    "completed": "累计完成",
    "planned": "计划至今",
    "open": "未销号",
    "notes": "备注",
    "rectification_rate": "整改率",
    "points": "数据点",
    "target": "目标",
}


# Text written from the figures: when it moves, the figures it was written from are listed.
PROSE = ("summary", "overall", "conclusion", "recommendations", "problems", "next_steps")


def issue(store, key: str, params: dict, progress=None) -> dict:
    """Build the report now and keep it. Returns its register row."""
    report = kind(key)
    with tempfile.TemporaryDirectory(prefix="ycdesk-issue-") as tmp:
        path = Path(tmp) / "report.pdf"
        result = report.build(store, params, path, progress)
        pdf = path.read_bytes()
    sha = hashlib.sha256(pdf).hexdigest()
    content = result["content"]
    with store.transaction():
        store.conn.execute("INSERT OR IGNORE INTO issued_report_files (sha256, pdf) VALUES (?, ?)", (sha, pdf))
        row_id = store.insert(
            "issued_reports",
            {
                "kind": key,
                "title": report.title_for(params),
                "period": report.period(params),
                "scope": report.scope(params) or content.get("enterprise", ""),
                "params": json.dumps(params, ensure_ascii=False, sort_keys=True),
                "as_of": content.get("as_of") or store.today().isoformat(),
                "fingerprint": result["hash"],
                "content": canonical_json(content),
                "pdf_sha256": sha,
                "operator": store.operator,
                "issued_at": store.now(),
            },
        )
    return store.get("issued_reports", row_id)


def issued(store, *, check: bool = True) -> list[dict]:
    """The register, newest first. With ``check``, each row says whether its data as of its
    cut-off still reads the same (``state``) and lists what moved (``changes``)."""
    rows = store.query("SELECT * FROM issued_reports WHERE deleted_at IS NULL ORDER BY issued_at DESC, rowid DESC")
    for row in rows:
        row["changes"] = changes(store, row) if check else []
        row["state"] = CHANGED if row["changes"] else VALID
    return rows


def changes(store, row: dict) -> list[str]:
    """What differs between the data a report was issued with and the same data now."""
    try:
        now = kind(row["kind"]).gather(store, json.loads(row["params"]))
    except UserError as exc:  # e.g. the audit of a notice was deleted
        return [str(exc)]
    if data_hash(now) == row["fingerprint"]:
        return []
    then = _flatten(json.loads(row["content"]))
    current = _flatten(json.loads(canonical_json(now)))
    out = []
    for path in sorted(set(then) | set(current)):
        old, new = then.get(path, "—"), current.get(path, "—")
        if old != new:
            out.append(f"{path}：{old} → {new}")
    return out or [_("数据指纹不同")]


def reprint(store, report_id: str, dest: str | Path) -> Path:
    """Write the issued document, byte for byte, to ``dest``."""
    row = _row(store, report_id)
    pdf = store.conn.execute("SELECT pdf FROM issued_report_files WHERE sha256 = ?", (row["pdf_sha256"],)).fetchone()
    if pdf is None or hashlib.sha256(pdf[0]).hexdigest() != row["pdf_sha256"]:
        raise UserError(_("签发的报告文件已损坏或缺失（{0}）").format(row["pdf_sha256"][:12]))
    dest = Path(dest)
    dest.write_bytes(pdf[0])
    return dest


def _row(store, report_id: str) -> dict:
    rows = store.query(
        "SELECT * FROM issued_reports WHERE (id = ? OR substr(id, 1, ?) = ?) AND deleted_at IS NULL",
        (report_id, len(report_id), report_id),
    )
    if len(rows) != 1:
        raise NotFoundError(_("签发记录不存在：{0}").format(report_id))
    return rows[0]


def _flatten(value, path: str = "") -> dict[str, str]:
    """``{"audits": {"to_date": {"found": 88}}}`` → ``{"危废考核·累计·发现问题": "88"}``."""
    out: dict[str, str] = {}
    if isinstance(value, dict):
        for key, item in value.items():
            if key in ("as_of", "label", "scope", "kind") or key in PROSE:
                continue
            out.update(_flatten(item, f"{path}·{LABELS.get(key, key)}" if path else LABELS.get(key, key)))
    elif isinstance(value, list):
        for n, item in enumerate(value, 1):
            out.update(_flatten(item, f"{path}·{_item_name(item, n)}"))
    else:
        out[path] = "" if value is None else str(value)
    return out


def _item_name(item, n: int) -> str:
    if isinstance(item, dict):
        for key in ("name", "domain", "township", "enterprise", "code"):
            if item.get(key):
                return str(item[key])
        if "year" in item and "level" in item:
            return f"{item['year']}{item['level']}"
    return f"第{n}项"
