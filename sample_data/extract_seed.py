"""Regenerate the plan tables in sample_data/plan/ from the seed document.

The seed (``../shared/seed/000_eee7d962665061b1.txt``) is the plan as plain text with
each table cell on its own line, starting with a tab; continuation lines of a
multi-line cell have no tab, and a blank line ends a table row. This script turns the
tables the app ships (附表1–4, 表2-1, 表1-3, 表1-1, 表1-2) into CSV files so that the
shipped data is traceable to the document, and ``tests/test_seed_extraction.py`` checks
that the committed CSVs still equal what this script extracts.

Values that only appear in running text (2021 air values, AQI days, audit aggregates,
sludge figures, other quantitative targets) are typed into their CSVs by hand, each row
naming the sentence it comes from; they are not produced here.

Usage: python sample_data/extract_seed.py [SEED] [--check]
"""

from __future__ import annotations

import csv
import io
import re
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
DEFAULT_SEED = HERE.parent.parent / "shared" / "seed" / "000_eee7d962665061b1.txt"
PLAN = HERE / "plan"

BOOKMARK = re.compile(r"\[bookmark: [^\]]*\]")
DOMAIN_ROW = re.compile(r"^[一二三四五六七八九十]+、(.+)$")


def clean(text: str) -> str:
    return BOOKMARK.sub("", text).strip()


def cells_between(lines: list[str], start: str, end: str) -> list[str]:
    """All cells of the table that begins after the line containing ``start``.

    Rows are ignored: several of the plan's rows are split by a stray blank line, so
    callers re-chunk the flat cell list by the table's known column count.
    """
    begin = next(i for i, line in enumerate(lines) if start in line)
    cells: list[str] = []
    for line in lines[begin + 1 :]:
        if end and clean(line).startswith(end):
            break
        if line.startswith("\t"):
            cells.append(clean(line[1:]))
        elif line.strip() and cells:
            # A continuation line of a multi-line cell.
            cells[-1] += "\n" + clean(line)
        elif line.strip() and not cells:
            continue  # the table's title line
    return cells


def chunk(cells: list[str], width: int) -> list[list[str]]:
    if len(cells) % width:
        raise ValueError(f"{len(cells)} cells do not fill rows of {width}")
    return [cells[i : i + width] for i in range(0, len(cells), width)]


def split_units(text: str) -> list[str]:
    return [u.strip() for u in text.split("、") if u.strip()]


def projects(lines: list[str]) -> list[dict]:
    cells = cells_between(lines, "重大工程汇总", "")
    header, cells = cells[:7], cells[7:]
    assert header[0] == "序号", header
    rows: list[dict] = []
    domain = None
    i = 0
    while i < len(cells):
        cell = cells[i]
        m = DOMAIN_ROW.match(cell)
        if m:
            domain = m.group(1).removesuffix("领域")
            i += 1
            continue
        if cell == "总计":
            rows.append({"total": cells[i + 1].strip(), "fyp": cells[i + 2].strip()})
            break
        seq, name, content, years, total, fyp, units = (c.strip() for c in cells[i : i + 7])
        start, end = years.split("-")
        rows.append(
            {
                "序号": int(seq),
                "领域": domain,
                "项目名称": name,
                "建设规模和内容": content,
                "开始年份": int(start),
                "结束年份": int(end),
                "总投资（亿元）": total,
                "十四五计划投资（亿元）": fyp,
                "责任单位": "、".join(split_units(units)),
            }
        )
        i += 7
    return rows


def initiatives(lines: list[str]) -> list[dict]:
    out: list[dict] = []
    for kind, title in (("改革", "重大改革汇总"), ("政策", "重大政策汇总"), ("平台", "重大平台汇总")):
        next_title = {"改革": "附表2", "政策": "附表3", "平台": "附表4"}[kind]
        rows = chunk(cells_between(lines, title, next_title), 6)
        for seq, name, basis, measures, lead, coop in rows[1:]:
            out.append(
                {
                    "类型": kind,
                    "序号": int(seq),
                    "名称": name,
                    "依据和理由": basis,
                    "十四五具体举措": measures,
                    "牵头单位": "、".join(split_units(lead)),
                    "配合单位": "、".join(split_units(coop)),
                }
            )
    return out


def fill_down(value: str, previous: str | None) -> str | None:
    value = value.replace("\n", "")
    return value if value else previous


def indicators_fyp14(lines: list[str]) -> list[dict]:
    cells = cells_between(lines, "表2-1  越城区", "注：带*")
    rows = chunk(cells, 6)
    out, nature, category = [], None, None
    for row in rows[1:]:
        nature = fill_down(row[0], nature)
        category = fill_down(row[1], category)
        out.append(
            {
                "序号": int(row[2]),
                "指标性质": nature.removesuffix("指标"),
                "指标类别": category,
                "指标名称": row[3].replace("\n", ""),
                "2020年现状值": row[4],
                "2025年目标值": row[5],
            }
        )
    return out


def indicators_fyp13(lines: list[str]) -> list[dict]:
    cells = cells_between(lines, "表1-3  越城区", "注：数据来源")
    header, rows = cells[:7], chunk(cells[7:], 7)
    assert header[3] == "指标名称", header
    out, nature, category = [], None, None
    for row in rows:
        nature = fill_down(row[0], nature)
        category = fill_down(row[1], category)
        out.append(
            {
                "序号": int(row[2]),
                "指标性质": nature.removesuffix("指标"),
                "指标类别": category,
                "指标名称": row[3].replace("\n", ""),
                "2020年指标": row[4],
                "2020年实现值": row[5],
                "完成情况": row[6],
            }
        )
    return out


def air_pollutants(lines: list[str]) -> list[dict]:
    cells = cells_between(lines, "表1-1  2015-2020年越城区", "注：数据来源")
    cells = cells[3:]  # 监测项目 / 年平均值 / GB3095-2012二级标准
    years = [int(y) for y in cells[1:7]]
    rows = chunk(cells[8:], 8)
    out = []
    for item, *values, limit in rows:
        for year, value in zip(years, values):
            out.append({"监测项目": item, "年份": year, "年平均值": value, "二级标准": limit})
    return out


def ecological_index(lines: list[str]) -> list[dict]:
    cells = cells_between(lines, "表1-2  2014-2019年", "注：数据来源")
    header, rows = cells[:8], chunk(cells[8:], 8)
    out, year = [], None
    for row in rows:
        year = fill_down(row[0], year)
        for name, value in zip(header[2:], row[2:]):
            out.append({"年份": int(year), "地区": row[1], "指数": name, "值": value})
    return out


TABLES = {
    "projects.csv": projects,
    "initiatives.csv": initiatives,
    "indicators_fyp14.csv": indicators_fyp14,
    "indicators_fyp13.csv": indicators_fyp13,
    "air_pollutants.csv": air_pollutants,
    "ecological_index.csv": ecological_index,
}


def render(rows: list[dict]) -> str:
    rows = [r for r in rows if "序号" in r or "年份" in r or "类型" in r]
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=list(rows[0]), lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return buf.getvalue()


def extract(seed: Path) -> dict[str, str]:
    lines = seed.read_text(encoding="utf-8").splitlines()
    return {name: render(fn(lines)) for name, fn in TABLES.items()}


def project_totals(seed: Path) -> dict:
    """The 总计 row of 附表4, as printed in the plan."""
    lines = seed.read_text(encoding="utf-8").splitlines()
    return projects(lines)[-1]


def main(argv: list[str]) -> int:
    check = "--check" in argv
    args = [a for a in argv if not a.startswith("--")]
    seed = Path(args[0]) if args else DEFAULT_SEED
    changed = []
    for name, text in extract(seed).items():
        path = PLAN / name
        if check:
            if not path.exists() or path.read_text(encoding="utf-8") != text:
                changed.append(name)
        else:
            path.write_text(text, encoding="utf-8")
    if changed:
        print("与种子文档不一致：" + "、".join(changed))
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
