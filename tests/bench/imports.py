"""Import and export cases for ``run_all.py``: one 100,000-row, 14-column findings workbook,
each case a script run in its own process (so its peak memory is its own).

  floor        python-calamine reads the sheet, one executemany into an unconstrained table;
  schema       the same read, the rows stored as ycdesk stores them (indexes, search index,
               history rows) with none of its checking: what the schema itself costs;
  ycdesk       ``import_file`` into a fresh workspace (with and without the parallel split read),
               and into a workspace that already holds the big benchmark's findings;
  pandas       for the record: pandas.read_excel (openpyxl) + DataFrame.to_sql;
  sqlite-utils for the record: calamine read + ``Table.insert_all``;
  export       ``export_table(findings)`` of those rows against a plain XlsxWriter
               constant-memory write of the same rows.
"""

from __future__ import annotations

import json
import os
import random
import subprocess
import sys
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
HEADERS = [
    "企业名称",
    "统一社会信用代码",
    "所属镇街",
    "考核年度",
    "考核级别",
    "检查日期",
    "问题类别",
    "问题描述",
    "整改要求",
    "整改期限",
    "责任人",
    "整改状态",
    "整改完成日期",
    "备注",
]
CATEGORIES = ["识别标志", "管理计划", "申报登记/管理台账", "转移联单", "贮存设施", "应急预案备案"]
TOWNS = ["北海街道", "塔山街道", "府山街道", "城南街道", "斗门街道", "马山街道"]


def make_workbook(path: Path, rows: int) -> None:
    sys.path.insert(0, str(ROOT))
    from openpyxl import Workbook

    from ycdesk.uscc import CHARSET, make

    rng = random.Random(1)
    firms = [
        (
            f"示例企业{i:04d}（演示）",
            make("91330602MA2" + "".join(rng.choice(CHARSET) for _ in range(6))),
            rng.choice(TOWNS),
        )
        for i in range(2000)
    ]
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("问题清单")
    ws.append(HEADERS)
    for i in range(rows):
        name, code, town = rng.choice(firms)
        year = rng.randint(2021, 2025)
        audit = date(year, rng.randint(1, 9), rng.randint(1, 28))
        status = rng.choice(["已整改", "已销号", "整改中", "待整改"])
        done = (audit + timedelta(days=20)).isoformat() if status in ("已整改", "已销号") else None
        ws.append(
            [
                name,
                code,
                town,
                year,
                rng.choice(["市级", "区级"]),
                audit,
                rng.choice(CATEGORIES),
                f"问题描述第{i}条",
                "限期整改",
                (audit + timedelta(days=60)).isoformat(),
                "王某",
                "已整改" if status == "已销号" else status,
                done,
                None,
            ]
        )
    wb.save(path)


# Every script prints one JSON line: seconds (the measured part only), peak_mb, and extras.
# argv: workbook, database, ROOT.
# Peak resident memory of this process (VmHWM): not ru_maxrss, which on Linux a child
# inherits from its parent at fork (the runner holds the million-row build's memory).
_PEAK = "int(next(l for l in open('/proc/self/status') if l.startswith('VmHWM')).split()[1]) / 1024"

FLOOR = f"""
import sqlite3, sys, time, resource, json
import python_calamine
start = time.perf_counter()
wb = python_calamine.CalamineWorkbook.from_path(sys.argv[1])
rows = wb.get_sheet_by_index(0).to_python()
db = sqlite3.connect(sys.argv[2])
db.execute("CREATE TABLE t (%s)" % ", ".join(f"c{{i}}" for i in range(14)))
db.executemany("INSERT INTO t VALUES (%s)" % ",".join("?" * 14),
               [[str(c) if c is not None else None for c in r] for r in rows[1:]])
db.commit()
print(json.dumps({{"seconds": time.perf_counter() - start, "rows": len(rows) - 1, "peak_mb": {_PEAK}}}))
"""

# What the rows cost to store the way ycdesk keeps them, without any of its checking: the
# same calamine read, then the findings rows written into a copy of a fresh workspace
# exactly as a bulk import writes them (indexes dropped and built after the load, the
# two search indexes and one history row per finding filled in one statement each), no
# validation, matching or lookups. The distance from FLOOR to this is the schema's own
# cost; from this to YCDESK, the import's Python work. argv: workbook, workspace copy, ROOT.
SCHEMA = f"""
import sqlite3, sys, time, json
import python_calamine
sys.path.insert(0, sys.argv[3])
from ycdesk.store.ids import new_ids
from ycdesk.store.migrations import fill_grams
start = time.perf_counter()
rows = python_calamine.CalamineWorkbook.from_path(sys.argv[1]).get_sheet_by_index(0).to_python()[1:]
db = sqlite3.connect(sys.argv[2], isolation_level=None)
db.execute("PRAGMA journal_mode = WAL")
db.execute("PRAGMA synchronous = NORMAL")
db.execute("PRAGMA cache_size = -16384")
db.execute("PRAGMA foreign_keys = OFF")
db.execute("BEGIN IMMEDIATE")
kept = db.execute("SELECT type, name, sql FROM sqlite_master WHERE tbl_name = 'findings' AND sql IS NOT NULL "
                  "AND (type = 'trigger' AND name IN ('findings_ai', 'finding_counts_insert', 'history_findings_insert') "
                  "OR type = 'index' AND sql NOT LIKE 'CREATE UNIQUE%')").fetchall()
for kind, name, _sql in kept:
    db.execute(f"DROP {{kind.upper()}} {{name}}")
audits = {{}}
now = "2026-12-02T00:00:00+00:00"
ids = new_ids(len(rows))
text = lambda c: None if c is None or c == "" else str(c)
db.executemany(
    "INSERT INTO findings (id, audit_id, category, description, requirement, deadline, responsible, status, "
    "rectified_date, note, created_at, updated_at) VALUES (?,?,?,?,?,?,?,?,?,?,?,?)",
    [[i, audits.setdefault((r[0], r[3], r[4]), str(len(audits))), *map(text, r[6:14]), now, now]
     for i, r in zip(ids, rows)],
)
db.execute("INSERT INTO history (at, operator, table_name, row_id, action) "
           "SELECT ?, '基准', 'findings', id, 'insert' FROM findings ORDER BY rowid", (now,))
db.execute("INSERT INTO findings_fts (rowid, description) SELECT rowid, description FROM findings")
fill_grams(db)
for _kind, _name, sql in kept:
    db.execute(sql)
db.execute("COMMIT")
print(json.dumps({{"seconds": time.perf_counter() - start, "rows": len(rows), "peak_mb": {_PEAK}}}))
"""

# argv[4]: "split" or "whole" (the parallel split read switched off, as on one core).
YCDESK = f"""
import sys, time, resource, json
sys.path.insert(0, sys.argv[3])
from ycdesk.store import Store
from ycdesk.imports import import_file
import ycdesk.imports.reader
if sys.argv[4] == "whole":
    ycdesk.imports.reader.read_split = lambda *a, **k: None
store = Store(sys.argv[2], operator="基准")
if not store.scalar("SELECT COUNT(*) FROM townships"):
    from ycdesk.seed import load_plan
    load_plan(store)
start = time.perf_counter()
result = import_file(store, "findings", sys.argv[1])
print(json.dumps({{"seconds": time.perf_counter() - start, "new": result.new, "rejected": result.rejected,
                  "peak_mb": {_PEAK}}}))
"""

PANDAS = f"""
import sqlite3, sys, time, resource, json
import pandas as pd
start = time.perf_counter()
frame = pd.read_excel(sys.argv[1], engine="openpyxl", dtype=str)
db = sqlite3.connect(sys.argv[2])
frame.to_sql("t", db, index=False)
db.commit()
print(json.dumps({{"seconds": time.perf_counter() - start, "peak_mb": {_PEAK}}}))
"""

SQLITE_UTILS = f"""
import sys, time, resource, json
import python_calamine, sqlite_utils
start = time.perf_counter()
rows = python_calamine.CalamineWorkbook.from_path(sys.argv[1]).get_sheet_by_index(0).to_python()
db = sqlite_utils.Database(sys.argv[2])
head = [str(h) for h in rows[0]]
db["t"].insert_all((dict(zip(head, (None if c is None else str(c) for c in r))) for r in rows[1:]),
                   batch_size=1000)
print(json.dumps({{"seconds": time.perf_counter() - start, "peak_mb": {_PEAK}}}))
"""

# argv: -, workspace, ROOT, output.
EXPORT = f"""
import sys, time, resource, json
sys.path.insert(0, sys.argv[3])
from ycdesk.store import Store
from ycdesk.export import export_table
store = Store(sys.argv[2], operator="基准")
start = time.perf_counter()
n = export_table(store, "findings", sys.argv[4])
print(json.dumps({{"seconds": time.perf_counter() - start, "rows": n, "peak_mb": {_PEAK}}}))
"""

# The yardstick: the same rows and columns read with one plain query, written by
# XlsxWriter in constant-memory mode with write_row and no formats.
XLSXWRITER = f"""
import sqlite3, sys, time, resource, json
import xlsxwriter
start = time.perf_counter()
db = sqlite3.connect(sys.argv[2])
cur = db.execute('''SELECT e.name, e.uscc, t.name, a.year, a.level, a.audit_date, f.category, f.description,
    f.severity, f.requirement, f.deadline, f.responsible, f.status, f.rectified_date, f.verifier,
    f.verified_date, f.note, f.deadline < date('now') AND f.rectified_date IS NULL, f.id
    FROM findings f JOIN audits a ON a.id = f.audit_id JOIN enterprises e ON e.id = a.enterprise_id
    LEFT JOIN townships t ON t.id = e.township_id WHERE f.deleted_at IS NULL''')
wb = xlsxwriter.Workbook(sys.argv[4], {{"constant_memory": True}})
ws = wb.add_worksheet("考核问题")
ws.write_row(0, 0, [d[0] for d in cur.description])
n = 0
for n, row in enumerate(cur, 1):
    ws.write_row(n, 0, row)
wb.close()
print(json.dumps({{"seconds": time.perf_counter() - start, "rows": n, "peak_mb": {_PEAK}}}))
"""


def run(code: str | Path, *args) -> dict:
    """Run a script (its text, or a file) in a new process; its last line of output, parsed."""
    program = [str(code)] if isinstance(code, Path) else ["-c", code]
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    out = subprocess.run([sys.executable, *program, *map(str, args)], capture_output=True, text=True, env=env)
    if out.returncode:
        raise RuntimeError(out.stderr[-3000:])
    return json.loads(out.stdout.strip().splitlines()[-1])
