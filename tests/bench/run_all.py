"""Every performance figure of issue #19 with its yardstick, measured in one run.

Builds the data once (a workspace with N findings, a 100,000-row findings workbook, a
freshly initialised workspace), then runs ROUNDS rounds; each round runs every case once,
in the same order, each in its own process, so a noisy moment on a shared machine falls on
a figure and its yardstick alike. Prints one Markdown table — figure, ycdesk, yardstick,
ratio, target, met — of medians with the spread over rounds (min–max) in brackets.

Usage: python tests/bench/run_all.py [--findings 1000000] [--rows 100000] [--rounds 2] [--dir DIR]
                                     [--only import,big,export,record,startup,reports,view]

With --dir the built data is kept there and reused by the next run with the same sizes.
--only runs just the named groups (the floor runs with any import group) and prints their
rows, for measuring one change before and after without the whole run.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sqlite3
import statistics
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(HERE))

import imports  # noqa: E402
import startup  # noqa: E402
from make_big import build  # noqa: E402


def prepare(folder: Path, findings: int, rows: int) -> dict[str, Path]:
    """The data every round reads, built once (reused from ``folder`` when already there)."""
    paths = {
        "big": folder / f"big-{findings}.ycdesk",
        "book": folder / f"findings-{rows}.xlsx",
        "fresh": folder / "fresh.ycdesk",
    }
    if not paths["big"].exists():
        seconds = build(paths["big"], findings)
        print(f"built a workspace with {findings:,} findings in {seconds:.0f} s", flush=True)
    if not paths["book"].exists():
        start = time.perf_counter()
        imports.make_workbook(paths["book"], rows)
        print(f"wrote the {rows:,}-row workbook in {time.perf_counter() - start:.0f} s", flush=True)
    if not paths["fresh"].exists():
        from ycdesk.seed import init_workspace
        from ycdesk.store import Store

        with Store(paths["fresh"], operator="基准") as store:
            init_workspace(store)
    return paths


def workspace_mb(path: Path) -> float:
    """The file as a user would copy it: WAL checkpointed into the main file."""
    with sqlite3.connect(path) as db:
        db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    return path.stat().st_size / 2**20


STARTUP_PAIRS = 5  # bare window / app window pairs per round

GROUPS = ("import", "big", "export", "record", "startup", "reports", "view")


CALIBRATION = """
import json, sqlite3, time
start = time.perf_counter()
total = 0
for i in range(3_000_000):
    total += i
python = time.perf_counter() - start
start = time.perf_counter()
db = sqlite3.connect(":memory:")
db.execute("CREATE TABLE t (k TEXT, v INTEGER)")
db.executemany("INSERT INTO t VALUES (?, ?)", ((f"k{i % 997}", i) for i in range(300_000)))
db.execute("CREATE INDEX t_k ON t (k)")
db.execute("SELECT k, SUM(v) FROM t GROUP BY k").fetchall()
print(json.dumps({"python": python, "sqlite": time.perf_counter() - start}))
"""


def one_round(
    paths: dict[str, Path],
    work: Path,
    results: dict[str, list],
    only: frozenset[str] = frozenset(GROUPS),
    first: bool = True,
) -> None:
    """Every case once. ``first``: the first round, which also runs the cases kept only for
    the record (pandas + openpyxl alone takes 30-75 s: once is enough for a figure with no
    target)."""

    def add(key, value):
        results.setdefault(key, []).append(value)

    # The machine's own speed in this round (a fixed pure-Python loop and a fixed SQLite job),
    # so that absolute times from different runs and machines can be compared.
    add("calibration", imports.run(CALIBRATION))

    def clean() -> Path:
        for old in work.glob("db*"):
            old.unlink()
        shutil.rmtree(work / "backups", ignore_errors=True)  # the copies imports take first
        return work / "db"

    book = paths["book"]
    if only & {"import", "big", "export", "record"}:
        add("floor", imports.run(imports.FLOOR, book, clean()))
    if only & {"import", "big"}:
        schema = clean()
        workspace_mb(paths["fresh"])  # checkpointed: the copy is the whole workspace
        shutil.copyfile(paths["fresh"], schema)
        add("schema floor", imports.run(imports.SCHEMA, book, schema, ROOT))
        add("import whole", imports.run(imports.YCDESK, book, clean(), ROOT, "whole"))
    if only & {"import", "big", "export"}:
        add("import split", imports.run(imports.YCDESK, book, clean(), ROOT, "split"))
    if "export" in only:
        add("export", imports.run(imports.EXPORT, "-", work / "db", ROOT, work / "export.xlsx"))
        add("xlsxwriter", imports.run(imports.XLSXWRITER, "-", work / "db", ROOT, work / "plain.xlsx"))
    if "record" in only and first:
        add("sqlite-utils", imports.run(imports.SQLITE_UTILS, book, clean()))
        add("pandas", imports.run(imports.PANDAS, book, clean()))
    if "big" in only:
        big = clean()
        shutil.copyfile(paths["big"], big)
        add("import into big", imports.run(imports.YCDESK, book, big, ROOT, "split"))
    clean()
    if "startup" in only:
        home = str(work / "home")
        if not os.path.exists(home):  # the first round warms the bytecode caches (see startup.run)
            startup.run(startup.BARE, home=home)
            startup.run(startup.APP, str(paths["fresh"]), str(ROOT), home=home)
        # Half a second each and noisy: several alternating pairs per round (the median of
        # all pairs is reported), not one pair that a busy moment can tip.
        for _ in range(STARTUP_PAIRS):
            add("bare window", startup.run(startup.BARE, home=home))
            add("app window", startup.run(startup.APP, str(paths["fresh"]), str(ROOT), home=home))
    if "reports" in only:
        add("reports", imports.run(HERE / "reports.py", paths["big"]))
    if "view" in only:
        add("view", imports.run(HERE / "view.py", paths["big"]))


def med(values: list[float]) -> tuple[float, float, float]:
    return statistics.median(values), min(values), max(values)


def ms(values: list[float]) -> str:
    m, lo, hi = med(values)
    return f"{m * 1000:.0f} ms" + (f"（{lo * 1000:.0f}–{hi * 1000:.0f}）" if len(values) > 1 else "")


def secs(values: list[float]) -> str:
    m, lo, hi = med(values)
    return f"{m:.2f} s" + (f"（{lo:.2f}–{hi:.2f}）" if len(values) > 1 else "")


def table(results: dict[str, list], size_mb: float, findings: int, rows_n: int) -> list[tuple]:
    """Rows of (figure, ycdesk, yardstick, ratio, target, met)."""
    rows = []
    seconds = {k: [r["seconds"] for r in v] for k, v in results.items() if isinstance(v[0], dict) and "seconds" in v[0]}
    view = results.get("view") or [{}]
    v = {key: [r[key] for r in view] for key in view[0]}

    def absolute(figure, key, limit_ms):
        m = statistics.median(v[key])
        rows.append((figure, ms(v[key]), "—", "—", f"≤ {limit_ms} ms", m * 1000 <= limit_ms))

    def ratio(figure, ours, yard, limit, yard_text=None):
        r = [a / b for a, b in zip(ours, yard)]
        m = statistics.median(r)
        spread = f"（{min(r):.2f}–{max(r):.2f}）" if len(r) > 1 else ""
        rows.append(
            (
                figure,
                secs(ours),
                yard_text or secs(yard),
                f"{m:.2f}×{spread}",
                "—" if limit is None else f"≤ {limit}×",
                None if limit is None else m <= limit,
            )
        )

    if "view" in results:
        absolute("打开危废考核页（提醒面板、首页、计数）", "open", 300)
        names = {
            "filter year": "年度",
            "filter level": "级别",
            "filter township": "镇街",
            "filter enterprise": "企业",
            "filter category": "问题类别",
            "filter status": "整改状态",
            "filter overdue": "只看逾期",
            "filter due soon": "只看即将到期",
        }
        for key, name in names.items():
            absolute(f"单项筛选：{name}", key, 200)
        for key in [k for k in v if k.startswith("combined")]:
            label = {
                "year": "年度",
                "level": "级别",
                "township": "镇街",
                "status": "状态 待整改",
                "overdue": "逾期",
                "search": "搜索“问题”",
            }[key.split("+")[1]]
            absolute(f"组合筛选：再加{label}", key, 200)
        absolute("子串搜索 3 字“渗滤液”", "search 3 chars", 150)
        absolute("子串搜索 2 字“渗滤”", "search 2 chars", 150)
        absolute("子串搜索 1 字“渗”", "search 1 char", 150)
        absolute("子串搜索 无结果“不存在的词”", "search no match", 150)
        absolute("滚动加载下一页（200 条）", "next page", 200)
        absolute("统计图表页", "charts page", 400)
        for key, figure in (
            ("view sort deadline", "点击表头按整改期限排序（首页，含界面）"),
            ("view sort deadline desc", "再点一次：整改期限倒序"),
            ("view sort enterprise", "点击表头按企业名称排序"),
            ("view sort status", "点击表头按整改状态排序"),
            ("view sort overdue_days desc", "回到默认顺序（逾期天数倒序：未整改、逾期最久在前）"),
        ):
            if key in v:
                absolute(figure, key, 300)
        sorts = [k for k in v if k.startswith("sort ")]
        if sorts:
            slowest = max(sorts, key=lambda k: statistics.median(v[k]))
            absolute(f"按列排序首页（{len(sorts)} 种中最慢：{slowest[5:]}）", slowest, 300)
        else:
            rows.append(("按列排序首页", "不支持", "—", "—", "≤ 300 ms", False))
        grow = statistics.median(v["scroll memory to the end (MB)"])
        rows.append(
            (
                f"滚动到底（{statistics.median(v['findings']):,.0f} 行）的内存增长（由前 4 万行推算）",
                f"{grow:.0f} MB",
                "—",
                "—",
                "< 100 MB",
                grow < 100,
            )
        )
    if "import whole" in results:
        ratio(f"导入 {rows_n:,} 行问题（并行切分读取）", seconds["import split"], seconds["floor"], 1.25)
        ratio(f"导入 {rows_n:,} 行问题（不切分读取）", seconds["import whole"], seconds["floor"], 1.4)
        ratio(
            "（原因）同样的行按 ycdesk 的表结构写入（索引、全文检索、修改记录），不做任何校验",
            seconds["schema floor"],
            seconds["floor"],
            None,
        )
        peak = statistics.median(r["peak_mb"] for r in results["import split"])
        floor_peak = statistics.median(r["peak_mb"] for r in results["floor"])
        rows.append(
            (
                "导入峰值内存",
                f"{peak:.0f} MB",
                f"{floor_peak:.0f} MB",
                f"{peak / floor_peak:.2f}×",
                "< 300 MB",
                peak < 300,
            )
        )
    if "import into big" in results:
        ratio(
            f"导入到已有 {findings:,} 条问题的工作区（对比空工作区）",
            seconds["import into big"],
            seconds["import split"],
            1.5,
            "同上导入空工作区",
        )
    if "pandas" in results:
        ratio("（记录）pandas + openpyxl 读取 + to_sql", seconds["pandas"], seconds["floor"], None)
        ratio("（记录）calamine + sqlite-utils insert_all", seconds["sqlite-utils"], seconds["floor"], None)
    if "export" in results:
        ratio(
            f"导出 {rows_n:,} 条问题到 xlsx（对比 XlsxWriter 直接写同样的行）",
            seconds["export"],
            seconds["xlsxwriter"],
            1.3,
        )
    if "reports" in results:
        reports = {key: [r[key] for r in results["reports"]] for key in results["reports"][0]}
        for key, figure, limit in (
            ("quarterly", "季度报告 2025Q4（全区）", 1),
            ("quarterly township", "季度报告 2024Q3（塔山街道）", 1),
            ("evaluation", "终期评估报告 2025", 1.5),
        ):
            m = statistics.median(reports[key])
            rows.append((figure, secs(reports[key]), "—", "—", f"≤ {limit} s", m <= limit))
    if "app window" in results:
        ratio(
            f"启动到主窗口首次绘制（对比空 QMainWindow；每轮 {STARTUP_PAIRS} 对）",
            results["app window"],
            results["bare window"],
            1.5,
        )
    per_million = size_mb / findings * 1_000_000
    rows.append((f"工作区大小（{findings:,} 条问题）", f"{size_mb:.0f} MB", "—", "—", "报告", None))
    rows.append(("　折合每 100 万条问题", f"{per_million:.0f} MB", "—", "—", "报告", None))
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--findings", type=int, default=1_000_000)
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--dir", type=Path, default=None)
    parser.add_argument("--only", default=",".join(GROUPS), help="comma-separated groups: " + ",".join(GROUPS))
    args = parser.parse_args()
    only = {g.strip() for g in args.only.split(",") if g.strip()}
    if only - set(GROUPS):
        parser.error(f"unknown group(s): {', '.join(sorted(only - set(GROUPS)))}")
    started = time.perf_counter()
    folder = args.dir or Path(tempfile.mkdtemp(prefix="ycdesk-bench-"))
    folder.mkdir(parents=True, exist_ok=True)
    paths = prepare(folder, args.findings, args.rows)
    size_mb = workspace_mb(paths["big"])
    work = folder / "work"
    work.mkdir(exist_ok=True)
    results: dict[str, list] = {}
    for n in range(args.rounds):
        start = time.perf_counter()
        one_round(paths, work, results, only, first=n == 0)
        print(f"round {n + 1}/{args.rounds}: {time.perf_counter() - start:.0f} s", flush=True)
    rows = table(results, size_mb, args.findings, args.rows)
    speed = results["calibration"]
    print(
        f"\n{args.findings:,} 条问题的工作区，{args.rows:,} 行的导入工作簿；{os.cpu_count()} 核；"
        f"{args.rounds} 轮交替，中位数（括号内为各轮最小–最大）；总用时 {time.perf_counter() - started:.0f} s；"
        f"本机速度（同一运行中测得）：Python 300 万次循环 {statistics.median(r['python'] for r in speed):.2f} s，"
        f"SQLite 30 万行写入、建索引、分组 {statistics.median(r['sqlite'] for r in speed):.2f} s\n"
    )
    print("| 项目 | ycdesk | 对照 | 比值 | 目标 | 达到 |")
    print("|---|---|---|---|---|---|")
    for figure, ours, yard, ratio_text, target, met in rows:
        mark = "—" if met is None else ("是" if met else "**否**")
        print(f"| {figure} | {ours} | {yard} | {ratio_text} | {target} | {mark} |")
    if args.dir is None:
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
