"""Figures as of a day: a closed period's reports never move when later data arrives, and
every count equals a hand count from the exported records with their dates."""

from __future__ import annotations

import csv
from datetime import date

from ycdesk import stats
from ycdesk.cli import main
from ycdesk.reports import evaluation, quarterly


def _export(store, table, path, *extra) -> list[dict]:
    assert main(["export", table, "--db", str(store.path), "-o", str(path), *extra]) == 0
    with open(path, encoding="utf-8-sig", newline="") as fh:
        return list(csv.DictReader(fh))


def _write(path, header, rows) -> None:
    with open(path, "w", encoding="utf-8-sig", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(header)
        w.writerows(rows)


def _reports(store, folder) -> dict[str, bytes]:
    folder.mkdir()
    evaluation.build(store, 2023, folder / "e2023.pdf")
    quarterly.build(store, "2022Q1", folder / "q2022Q1.pdf")
    quarterly.build(store, "2024Q3", folder / "q2024Q3.pdf")
    quarterly.build(store, "2024Q3", folder / "q2024Q3-塔山.pdf", township="塔山街道")
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}


def test_closed_period_reports_are_byte_identical_after_later_data(seeded, tmp_path):
    before = _reports(seeded, tmp_path / "before")
    findings = _export(seeded, "findings", tmp_path / "all.csv")
    header = list(findings[0])

    # A new 2025 audit of a new enterprise, with one open finding.
    new_audit = dict.fromkeys(header, "")
    new_audit.update(
        {
            "企业名称": "示例新企业（演示）",
            "所属镇街": "塔山街道",
            "考核年度": "2025",
            "考核级别": "区级",
            "检查日期": "2025-11-20",
            "问题类别": "识别标志",
            "问题描述": "标志缺失",
            "整改期限": "2025-12-20",
            "整改状态": "待整改",
        }
    )
    _write(tmp_path / "new.csv", header, [[new_audit[h] for h in header]])
    assert main(["import", "findings", str(tmp_path / "new.csv"), "--db", str(seeded.path)]) == 0

    # The open findings of 2023 (the demo has no open 2022 finding left) and one of 2024,
    # rectified in 2026 by re-import with the ID column; one 待整改 one is moved to 整改中 in
    # the app first, so the re-import ends a lifecycle that has events.
    rows = [r for r in findings if r["考核年度"] == "2023" and r["整改状态"] in ("待整改", "整改中")]
    rows.append(next(r for r in findings if r["考核年度"] == "2024" and r["整改状态"] == "待整改"))
    assert len(rows) == 3 and {r["整改状态"] for r in rows} == {"待整改", "整改中"}
    seeded.findings.transition(rows[-1]["ID"], "整改中")
    for row in rows:
        row.update({"整改状态": "已整改", "整改完成日期": "2026-01-15"})
    _write(tmp_path / "fix.csv", header, [[r[h] for h in header] for r in rows])
    assert main(["import", "findings", str(tmp_path / "fix.csv"), "--db", str(seeded.path)]) == 0
    assert {seeded.findings.get(r["ID"])["status"] for r in rows} == {"已整改"}

    after = _reports(seeded, tmp_path / "after")
    assert after == before


def test_a_send_back_after_the_period_leaves_it_rectified_then(seeded):
    fid = seeded.scalar("""SELECT f.id FROM findings f JOIN audits a ON a.id = f.audit_id
                           WHERE a.year = 2023 AND f.status = '已销号' AND f.verified_date <= '2023-12-31' LIMIT 1""")
    end_2023, now = stats.Cut(date(2023, 12, 31), year=2023), stats.Cut(seeded.today(), year=2023)
    before, before_now = stats.audit_figures(seeded, end_2023), stats.audit_figures(seeded, now)
    seeded.findings.transition(fid, "整改中", reason="复查发现问题未改到位")
    assert seeded.findings.get(fid)["rectified_date"] is None
    assert stats.audit_figures(seeded, end_2023) == before
    after_now = stats.audit_figures(seeded, now)
    assert (after_now["rectified"], after_now["closed"]) == (before_now["rectified"] - 1, before_now["closed"] - 1)


def test_2022q1_counts_equal_a_hand_count_from_the_exports(seeded, tmp_path):
    findings = _export(seeded, "findings", tmp_path / "f.csv")
    audits = _export(seeded, "audits", tmp_path / "a.csv")
    start, end = "2022-01-01", "2022-03-31"
    found = [r for r in findings if r["检查日期"] <= end]
    this_quarter = [r for r in found if r["检查日期"] >= start]

    def rectified(rows):
        return sum(1 for r in rows if r["整改完成日期"] and r["整改完成日期"] <= end)

    content = quarterly.gather(seeded, "2022Q1")["audits"]
    assert content["this_period"]["found"] == len(this_quarter) > 0
    assert content["this_period"]["rectified"] == rectified(this_quarter)
    assert content["to_date"]["found"] == len(found)
    assert content["to_date"]["rectified"] == rectified(found)
    assert content["to_date"]["units"] == len({r["统一社会信用代码"] for r in audits if r["检查日期"] <= end})
    assert content["this_period"]["audits"] == sum(1 for r in audits if start <= r["检查日期"] <= end)
    overdue = [r for r in found if r["整改期限"] < end and not (r["整改完成日期"] and r["整改完成日期"] <= end)]
    assert content["overdue_total"] == len(overdue)
    by_year = {(r["year"], r["level"]): r for r in content["by_year_level"]}
    assert by_year[(2022, "区级")]["found"] == sum(
        1 for r in found if r["考核年度"] == "2022" and r["考核级别"] == "区级"
    )
    # The export as of that day agrees: only findings found by then, overdue as of then.
    as_of = _export(seeded, "findings", tmp_path / "asof.csv", "--as-of", end)
    assert len(as_of) == len(found)
    assert sum(1 for r in as_of if r["是否逾期"] == "是") == len(overdue)


def test_mid_term_evaluation_counts_to_the_end_of_2023_only(seeded):
    content = evaluation.gather(seeded, 2023)["audits"]
    everything = stats.audit_figures(seeded, stats.Cut(seeded.today()))
    assert content["to_date"]["found"] < everything["found"]
    assert content["to_date"]["found"] == seeded.scalar(
        """SELECT COUNT(*) FROM findings f JOIN audits a ON a.id = f.audit_id
           WHERE f.deleted_at IS NULL AND a.deleted_at IS NULL AND a.audit_date <= '2023-12-31'"""
    )


def test_one_counter_for_audits_with_no_findings(seeded):
    """An audit that found nothing still counts as an audited unit, in every figure."""
    firm = seeded.audits.add_enterprise({"name": "示例零问题企业（演示）"})
    seeded.audits.add_audit({"enterprise_id": firm, "year": 2024, "level": "区级", "audit_date": "2024-05-06"})
    cut = stats.Cut(date(2024, 12, 31), year=2024, level="区级")
    figures = stats.audit_figures(seeded, cut)
    row = next(
        r
        for r in stats.audit_figures_by_year_level(seeded, stats.Cut(date(2024, 12, 31)))
        if (r["year"], r["level"]) == (2024, "区级")
    )
    quarter = quarterly.gather(seeded, "2024Q2")["audits"]["this_period"]
    assert figures["units"] == row["units"]
    assert quarter["audits"] == seeded.scalar(
        "SELECT COUNT(*) FROM audits WHERE audit_date BETWEEN '2024-04-01' AND '2024-06-30' AND deleted_at IS NULL"
    )


def test_the_reports_overdue_total_is_the_due_figure(seeded):
    """The quarterly report takes its overdue total from the to-date figures; it must be the
    number stats.due gives for the same cut, on days with and without overdue findings."""
    from ycdesk.reports.data import audits

    for end in (date(2022, 3, 31), date(2024, 9, 30), date(2025, 12, 31)):
        for township in (None, seeded.townships.list()[1]["id"]):
            cut = stats.Cut(as_of=end, township_id=township)
            assert (
                audits(seeded, date(end.year, 1, 1), end, township)["overdue_total"]
                == stats.due(seeded, cut, 0)["overdue"]
            )
    assert stats.due(seeded, stats.Cut(as_of=date(2025, 12, 31)), 0)["overdue"] > 0


def test_period_figures_from_the_to_date_read_equal_their_own_cut(seeded):
    """audit_views' period figures (taken from the to-date read) equal audit_figures for the
    cut narrowed to the period's audits."""
    for end, start in (
        (date(2022, 3, 31), date(2022, 1, 1)),
        (date(2024, 9, 30), date(2024, 7, 1)),
        (date(2025, 12, 31), date(2025, 10, 1)),
    ):
        for township in (None, seeded.townships.list()[1]["id"]):
            views = stats.audit_views(seeded, stats.Cut(as_of=end, township_id=township), period_from=start)
            alone = stats.audit_figures(seeded, stats.Cut(as_of=end, township_id=township, dated_from=start))
            assert views["period_figures"] == alone
