"""Benchmark: importing a 100,000-row, 14-column findings workbook.

Measures in one run, each in its own process so peak memory is its own:
  floor  — python-calamine reads the sheet, a plain executemany writes it to SQLite;
  schema — the same read and write into ycdesk's findings table (no parsing, no checks);
  ycdesk — ``ycdesk import findings`` of the same file into a workspace (and, for the
           record, exporting those findings back to xlsx).
Prints both times, the ratio and peak memory (target: within 1.5× of the floor, < 400 MB).

Each is run in ROUNDS alternating rounds (default 3) and the medians are compared.

Usage: python tests/bench/bench_import.py [ROWS] [ROUNDS]
"""

from __future__ import annotations

import json
import os
import random
import subprocess
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
HEADERS = ["企业名称", "统一社会信用代码", "所属镇街", "考核年度", "考核级别", "检查日期", "问题类别", "问题描述",
           "整改要求", "整改期限", "责任人", "整改状态", "整改完成日期", "备注"]
CATEGORIES = ["识别标志", "管理计划", "申报登记/管理台账", "转移联单", "贮存设施", "应急预案备案"]
TOWNS = ["北海街道", "塔山街道", "府山街道", "城南街道", "斗门街道", "马山街道"]


def make_workbook(path: Path, rows: int) -> None:
    sys.path.insert(0, str(ROOT))
    from openpyxl import Workbook

    from ycdesk.uscc import CHARSET, make

    rng = random.Random(1)
    firms = [(f"示例企业{i:04d}（演示）", make("91330602MA2" + "".join(rng.choice(CHARSET) for _ in range(6))),
              rng.choice(TOWNS)) for i in range(2000)]
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("问题清单")
    ws.append(HEADERS)
    for i in range(rows):
        name, code, town = rng.choice(firms)
        year = rng.randint(2021, 2025)
        audit = date(year, rng.randint(1, 9), rng.randint(1, 28))
        status = rng.choice(["已整改", "已销号", "整改中", "待整改"])
        done = (audit + timedelta(days=20)).isoformat() if status in ("已整改", "已销号") else None
        ws.append([name, code, town, year, rng.choice(["市级", "区级"]), audit, rng.choice(CATEGORIES),
                   f"问题描述第{i}条", "限期整改", (audit + timedelta(days=60)).isoformat(), "王某",
                   "已整改" if status == "已销号" else status, done, None])
    wb.save(path)


FLOOR = r"""
import sqlite3, sys, time, resource, json
import python_calamine
start = time.perf_counter()
wb = python_calamine.CalamineWorkbook.from_path(sys.argv[1])
rows = wb.get_sheet_by_index(0).to_python()
db = sqlite3.connect(sys.argv[2])
db.execute("CREATE TABLE t (%s)" % ", ".join(f"c{i}" for i in range(14)))
db.executemany("INSERT INTO t VALUES (%s)" % ",".join("?" * 14),
               [[str(c) if c is not None else None for c in r] for r in rows[1:]])
db.commit()
print(json.dumps({"seconds": time.perf_counter() - start, "rows": len(rows) - 1,
                  "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""

# The same read and executemany, but into ycdesk's own findings table (text UUID keys,
# foreign key, CHECK rules, three indexes, the history of every row) without parsing,
# validation or matching: how much of the gap is the schema rather than the engine.
SCHEMA_FLOOR = r"""
import sys, time, resource, json
sys.path.insert(0, sys.argv[3])
import python_calamine
from ycdesk.store import Store
from ycdesk.store.ids import new_ids
store = Store(sys.argv[2], operator="基准")
firm = store.insert("enterprises", {"name": "基准企业"})
audit = store.insert("audits", {"enterprise_id": firm, "year": 2021, "level": "区级"})
start = time.perf_counter()
wb = python_calamine.CalamineWorkbook.from_path(sys.argv[1])
rows = wb.get_sheet_by_index(0).to_python()[1:]
now = store.now()
data = [[i, audit, str(r[6]), str(r[7]), str(r[8]), str(r[9]), str(r[10]), r[11], now, now]
        for i, r in zip(new_ids(len(rows)), rows)]
with store.transaction():
    store.bulk_insert("findings", ["id", "audit_id", "category", "description", "requirement", "deadline",
                                   "responsible", "status", "created_at", "updated_at"], data)
print(json.dumps({"seconds": time.perf_counter() - start, "rows": len(rows),
                  "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""

YCDESK = r"""
import sys, time, resource, json
sys.path.insert(0, sys.argv[3])
from ycdesk.store import Store
from ycdesk.seed import load_plan
from ycdesk.imports import import_file
store = Store(sys.argv[2], operator="基准")
load_plan(store)
start = time.perf_counter()
result = import_file(store, "findings", sys.argv[1])
elapsed = time.perf_counter() - start
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
exported = None
if sys.argv[4:] == ["export"]:
    from ycdesk.export import export_table
    start = time.perf_counter()
    export_table(store, "findings", sys.argv[2] + ".export.xlsx")
    exported = time.perf_counter() - start
print(json.dumps({"seconds": elapsed, "new": result.new, "rejected": result.rejected, "peak_mb": peak,
                  "export_seconds": exported}))
"""


def run(code: str, *args: str) -> dict:
    out = subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    rows = int(sys.argv[1]) if len(sys.argv) > 1 else 100_000
    rounds = int(sys.argv[2]) if len(sys.argv) > 2 else 3
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        book = folder / "findings.xlsx"
        start = time.perf_counter()
        make_workbook(book, rows)
        print(f"generated {rows:,} × {len(HEADERS)} workbook in {time.perf_counter() - start:.1f} s "
              f"({book.stat().st_size / 2**20:.1f} MB); {os.cpu_count()} cores; {rounds} rounds, medians shown")
        # Rounds alternate the three so that a noisy moment (a shared disk, another
        # process) falls on all of them alike; each starts with the previous files gone.
        times: dict[str, list[dict]] = {"floor": [], "schema": [], "ycdesk": []}
        for n in range(rounds):
            for name, code, extra in (("floor", FLOOR, ()), ("schema", SCHEMA_FLOOR, (str(ROOT),)),
                                      ("ycdesk", YCDESK, (str(ROOT), "export" if n == rounds - 1 else ""))):
                for old in folder.glob("db*"):
                    old.unlink()
                times[name].append(run(code, str(book), str(folder / "db"), *extra))
    floor, schema, ours = (median(times[k]) for k in ("floor", "schema", "ycdesk"))
    spread = [o["seconds"] / f["seconds"] for f, o in zip(times["floor"], times["ycdesk"])]
    print(f"  floor  (calamine + executemany): {floor['seconds']:6.2f} s   peak {floor['peak_mb']:5.0f} MB"
          f"   {_each(times['floor'])}")
    print(f"  same into ycdesk's findings table: {schema['seconds']:4.2f} s   peak {schema['peak_mb']:5.0f} MB"
          f"   ({schema['seconds'] / floor['seconds']:.2f}× the floor: keys, rules, indexes, history)")
    print(f"  ycdesk import findings:          {ours['seconds']:6.2f} s   peak {ours['peak_mb']:5.0f} MB"
          f"   ({ours['new']:,} new, {ours['rejected']} rejected)   {_each(times['ycdesk'])}")
    print(f"  ratio: {ours['seconds'] / floor['seconds']:.2f}× the floor (round by round {min(spread):.2f}–{max(spread):.2f}×)")
    print(f"  then ycdesk export findings → xlsx of those rows: {times['ycdesk'][-1]['export_seconds']:.2f} s")


def median(runs: list[dict]) -> dict:
    """The run with the median time (its own peak memory alongside)."""
    return sorted(runs, key=lambda r: r["seconds"])[len(runs) // 2]


def _each(runs: list[dict]) -> str:
    return "(" + ", ".join(f"{r['seconds']:.2f}" for r in runs) + ")"


if __name__ == "__main__":
    main()
