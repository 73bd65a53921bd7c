"""Findings to closure: lifecycle rules, deadlines on boundary days, evidence, rates, paging."""

import csv
import hashlib
import json
from datetime import date

import pytest

from ycdesk import findings as findings_module
from ycdesk import stats
from ycdesk.cli import main
from ycdesk.errors import UserError
from ycdesk.findings import FindingFilter, due_state, overdue_days
from ycdesk.stats import Cut, age_bucket


@pytest.fixture
def finding(seeded):
    audit_id = seeded.scalar("SELECT id FROM audits WHERE year = 2025 AND level = '区级' LIMIT 1")
    fid = seeded.audits.add_finding(
        {
            "audit_id": audit_id,
            "category": "识别标志",
            "description": "危废贮存间未设置识别标志",
            "deadline": "2025-09-30",
            "responsible": "王某",
        }
    )
    return seeded.findings.get(fid)


def test_whole_lifecycle_with_history(seeded, finding):
    f = seeded.findings
    today = date(2025, 10, 20)
    assert f.allowed(finding) == ("整改中", "已整改")
    f.transition(finding["id"], "整改中", today=today)
    f.transition(finding["id"], "已整改", rectified_date="2025-10-10", today=today)
    f.transition(finding["id"], "已销号", verifier="陈某", verified_date="2025-10-15", today=today)
    row = f.get(finding["id"])
    assert (row["status"], row["rectified_date"], row["verifier"], row["verified_date"]) == (
        "已销号",
        "2025-10-10",
        "陈某",
        "2025-10-15",
    )
    f.transition(finding["id"], "整改中", reason="复查发现标志再次缺失", today=today)
    events = f.events(finding["id"])
    assert [(e["from_status"], e["to_status"]) for e in events] == [
        ("待整改", "整改中"),
        ("整改中", "已整改"),
        ("已整改", "已销号"),
        ("已销号", "整改中"),
    ]
    assert events[-1]["reason"] == "复查发现标志再次缺失" and events[-1]["operator"] == "测试员"
    assert f.get(finding["id"])["verified_date"] is None  # reopening voids the verification
    statuses = [json.loads(h["new"])["status"] for h in seeded.history("findings", finding["id"])]
    assert statuses == ["待整改", "整改中", "已整改", "已销号", "整改中"]


@pytest.mark.parametrize(
    "moves,error",
    [
        ([("已销号", {})], "不能直接改为“已销号”"),
        ([("已整改", {})], "需要填写整改完成日期"),
        ([("已整改", {"rectified_date": "2025/10/10"})], "应写作 YYYY-MM-DD"),
        ([("已整改", {"rectified_date": "2030-01-01"})], "晚于今天"),
        ([("已整改", {"rectified_date": "2025-10-10"}), ("已销号", {"verifier": "陈某"})], "销号需要"),
        (
            [
                ("已整改", {"rectified_date": "2025-10-10"}),
                ("已销号", {"verifier": "陈某", "verified_date": "2025-10-01"}),
            ],
            "早于整改完成日期",
        ),
        ([("已整改", {"rectified_date": "2025-10-10"}), ("整改中", {})], "需要填写原因"),
        ([("整改中", {}), ("待整改", {})], "不能直接改为“待整改”"),
    ],
)
def test_each_rule_refuses_the_wrong_move(seeded, finding, moves, error):
    today = date(2025, 10, 20)
    *ok, (last, kwargs) = moves
    for status, kw in ok:
        seeded.findings.transition(finding["id"], status, today=today, **kw)
    before = seeded.findings.get(finding["id"])
    with pytest.raises(UserError, match=error):
        seeded.findings.transition(finding["id"], last, today=today, **kwargs)
    assert seeded.findings.get(finding["id"]) == before


def test_overdue_and_due_soon_on_boundary_days():
    f = {"status": "待整改", "deadline": "2025-09-30"}
    assert due_state(f, date(2025, 9, 22)) is None  # 8 days left
    assert due_state(f, date(2025, 9, 23)) == "due_soon"  # 7 days left
    assert due_state(f, date(2025, 9, 30)) == "due_soon"  # due today, not yet overdue
    assert due_state(f, date(2025, 10, 1)) == "overdue"
    assert due_state({**f, "status": "已整改"}, date(2025, 10, 1)) is None
    assert due_state(f, date(2025, 9, 28), soon_days=1) is None
    assert [age_bucket(d) for d in (1, 30, 31, 90, 91)] == ["≤30天", "≤30天", "31–90天", "31–90天", ">90天"]


def test_filter_due_matches_the_rule(seeded, finding):
    as_of = date(2025, 9, 30)
    ids = {r["id"] for r in seeded.findings.page(FindingFilter(due="due_soon", as_of=as_of), limit=10_000)}
    assert finding["id"] in ids
    ids = {r["id"] for r in seeded.findings.page(FindingFilter(due="overdue", as_of=date(2025, 10, 1)), limit=10_000)}
    assert finding["id"] in ids
    ageing = stats.ageing(seeded, Cut(date(2025, 10, 31)))
    assert sum(ageing.values()) == stats.due(seeded, Cut(date(2025, 10, 31)), 7)["overdue"]
    # The list filter shows today's open findings; the figure counts those open on that day,
    # including findings rectified since: never fewer.
    assert sum(ageing.values()) >= seeded.findings.count(FindingFilter(due="overdue", as_of=date(2025, 10, 31)))


def test_attachments_round_trip_byte_identical_with_hash(seeded, finding, tmp_path):
    photo = tmp_path / "整改照片.jpg"
    payload = bytes(range(256)) * 1000
    photo.write_bytes(payload)
    first = seeded.findings.attach(finding["id"], photo)
    photo.write_bytes(payload + b"v2")
    second = seeded.findings.attach(finding["id"], photo)
    items = seeded.findings.attachments(finding["id"])
    assert [(a["original_name"], a["version"]) for a in items] == [("整改照片.jpg", 1), ("整改照片.jpg", 2)]
    a1 = next(a for a in items if a["id"] == first)
    assert a1["sha256"] == hashlib.sha256(payload).hexdigest() and a1["size"] == len(payload)
    assert seeded.findings.attachment_path(a1).read_bytes() == payload
    assert seeded.findings.verify(a1)
    a2 = next(a for a in items if a["id"] == second)
    assert seeded.findings.attachment_path(a2).read_bytes() == payload + b"v2"
    with pytest.raises(UserError, match="找不到文件"):
        seeded.findings.attach(finding["id"], tmp_path / "missing.pdf")


def test_rates_reproduce_the_plan_and_targets(seeded):
    r2021 = stats.audit_figures(seeded, Cut(date(2026, 1, 1), year=2021, level="区级"))
    assert (r2021["units"], r2021["found"], r2021["rectified"], str(r2021["rectification_rate"])) == (
        40,
        137,
        137,
        "100.0",
    )
    assert r2021["pass_target_产生"] == 96 and r2021["pass_target_经营"] == 100
    assert 0 <= r2021["pass_rate_产生"] <= 100
    r2025 = stats.audit_figures(seeded, Cut(date(2026, 1, 1), year=2025))
    assert r2025["open"] > 0 and r2025["overdue"] > 0


def test_repeat_findings_are_flagged(seeded):
    repeats = seeded.findings.repeat_ids()
    assert repeats
    some = seeded.findings.get(next(iter(repeats)))
    earlier = seeded.query(
        "SELECT 1 FROM findings f JOIN audits a ON a.id = f.audit_id WHERE a.enterprise_id = ? "
        "AND f.category = ? AND a.year < ?",
        (some["enterprise_id"], some["category"], some["year"]),
    )
    assert earlier


def test_keyset_pages_cover_everything_once(seeded):
    flt = FindingFilter()
    seen, after = [], 0
    while True:
        page = seeded.findings.page(flt, after, limit=97)
        if not page:
            break
        seen += [r["id"] for r in page]
        after = page[-1]["rk"]
    assert len(seen) == len(set(seen)) == seeded.findings.count(flt) == 610
    text = seeded.findings.page(FindingFilter(text="渗滤液"), limit=1000)
    assert text and all("渗滤液" in r["description"] for r in text)


def test_summary_as_of_and_export_overdue_column(seeded, tmp_path, capsys):
    assert main(["summary", "--db", str(seeded.path), "--json", "--as-of", "2026-01-01"]) == 0
    data = json.loads(capsys.readouterr().out)["findings"]
    assert data["open"] == stats.audit_figures(seeded, Cut(date(2026, 1, 1)))["open"]
    assert data["overdue"] == stats.due(seeded, Cut(date(2026, 1, 1)), 7)["overdue"]
    out = tmp_path / "f.csv"
    assert main(["export", "findings", "--db", str(seeded.path), "-o", str(out)]) == 0
    rows = list(csv.DictReader(out.open(encoding="utf-8-sig")))
    assert {r["是否逾期"] for r in rows} == {"是", "否"}


def test_remove_demo_takes_events_and_attachments_of_demo_findings(seeded, tmp_path):
    from ycdesk.seed import demo_count, remove_demo

    fid = seeded.scalar("SELECT id FROM findings WHERE is_demo = 1 AND status = '待整改' LIMIT 1")
    seeded.findings.transition(fid, "整改中")
    (tmp_path / "a.txt").write_text("x", encoding="utf-8")
    seeded.findings.attach(fid, tmp_path / "a.txt")
    remove_demo(seeded)
    assert demo_count(seeded) == 0


def test_category_checklist_is_configurable(seeded):
    cats = seeded.findings.categories()
    assert cats[:3] == ["污染环境防治责任制度", "识别标志", "管理计划"]
    audit_id = seeded.scalar("SELECT id FROM audits LIMIT 1")
    with pytest.raises(UserError, match="不在考核清单中"):
        seeded.audits.add_finding({"audit_id": audit_id, "category": "随便写的", "description": "x"})
    seeded.findings.add_category("危废焚烧")
    seeded.audits.add_finding({"audit_id": audit_id, "category": "危废焚烧", "description": "x"})
    seeded.findings.remove_category("危废焚烧")
    assert "危废焚烧" not in seeded.findings.categories()


def test_due_soon_days_is_a_workspace_setting(seeded, finding):
    assert seeded.findings.soon_days == 7
    assert stats.due(seeded, Cut(date(2025, 9, 20)), seeded.findings.soon_days)["due_soon"] >= 0
    before = stats.due(seeded, Cut(date(2025, 9, 20)), 7)["due_soon"]
    seeded.findings.set_soon_days(10)
    assert stats.due(seeded, Cut(date(2025, 9, 20)), seeded.findings.soon_days)["due_soon"] == before + 1
    with pytest.raises(UserError):
        seeded.findings.set_soon_days(-1)


def expected_order(rows: list[dict], order: str, descending: bool) -> list[str]:
    """The order a sorted listing must have, computed here independently of the SQL: by the
    column (missing values as empty), ties by audit then row for the audit-level columns,
    by row otherwise; "due" is open first by deadline, then 已整改, then the rest."""

    def key(r):
        if order == "due":
            rank = {"待整改": "0", "整改中": "0", "已整改": "1"}.get(r["status"], "2")
            return (rank + (r["deadline"] or "~"), r["rk"])
        value = r[order] if r[order] is not None else (0 if order == "year" else "")
        if order in ("enterprise", "township", "year", "level"):
            return (value, r["audit_id"], r["rk"])
        return (value, r["rk"])

    return [r["id"] for r in sorted(rows, key=key, reverse=descending)]


def walk(store, flt, order, descending, limit=53) -> list[str]:
    seen, after = [], None
    while page := store.findings.page(flt, after, limit=limit, order=order, descending=descending):
        seen += [r["id"] for r in page]
        after = page[-1]["sk"]
    return seen


@pytest.mark.parametrize("descending", [False, True])
@pytest.mark.parametrize(
    "order",
    ["due", "enterprise", "township", "year", "level", "category", "description", "deadline", "status", "responsible"],
)
def test_sorted_keyset_pages_cover_everything_once_in_order(seeded, order, descending):
    flt = FindingFilter(level="区级") if order == "deadline" else FindingFilter()
    everything = seeded.findings.page(flt, limit=100_000)
    seen = walk(seeded, flt, order, descending)
    assert seen == expected_order(everything, order, descending) and len(seen) == seeded.findings.count(flt)


@pytest.mark.parametrize("descending", [False, True])
@pytest.mark.parametrize("text", ["渗滤液", "台账", "不存在的词"])
def test_sorted_by_enterprise_with_a_search_is_one_order_however_it_is_read(seeded, monkeypatch, text, descending):
    # A sorted page with an indexed search walks a few audits and then sorts the rest in
    # one statement: the order must not depend on where that switch falls.
    flt = FindingFilter(text=text)
    expected = expected_order(seeded.findings.page(flt, limit=100_000), "enterprise", descending)
    for audits in (0, 1, 3, 1000):
        monkeypatch.setattr(findings_module, "SORTED_WALK_AUDITS", audits)
        assert walk(seeded, flt, "enterprise", descending, limit=7) == expected


def test_sorted_walk_skips_audits_the_filter_excludes(seeded):
    flt = FindingFilter(year=2021, level="区级", status="已销号")
    expected = expected_order(seeded.findings.page(flt, limit=100_000), "township", True)
    assert expected and walk(seeded, flt, "township", True, limit=5) == expected


def test_default_order_puts_open_findings_first_most_overdue_first(seeded):
    first = seeded.findings.page(FindingFilter(), limit=50, order="due")
    open_ = [r for r in first if r["status"] in ("待整改", "整改中")]
    assert open_ == first[: len(open_)] and open_, "open findings come first"
    deadlines = [r["deadline"] for r in open_ if r["deadline"]]
    assert deadlines == sorted(deadlines)
    assert first[0]["status"] != "已销号"


def test_overdue_days_counts_days_past_the_deadline_of_open_findings():
    f = {"status": "整改中", "deadline": "2025-09-30"}
    assert overdue_days(f, date(2025, 9, 30)) is None  # due today: not overdue
    assert overdue_days(f, date(2025, 10, 1)) == 1
    assert overdue_days(f, date(2026, 9, 30)) == 365
    assert overdue_days({**f, "status": "已销号"}, date(2026, 1, 1)) is None
    assert overdue_days({**f, "deadline": None}, date(2026, 1, 1)) is None


def test_sorting_by_an_unknown_column_is_refused(seeded):
    with pytest.raises(UserError, match="排序"):
        seeded.findings.page(FindingFilter(), order="id; DROP TABLE findings")


def test_filtered_counts_agree_with_the_listed_rows(seeded):
    """Counts read from indexes alone (status, due, search) give exactly the number of rows
    the list shows, a soft-deleted finding left out."""
    some = seeded.findings.page(FindingFilter(status="待整改"), limit=1)[0]
    seeded.soft_delete("findings", some["id"])
    closed = seeded.findings.page(FindingFilter(status="已销号"), limit=1)[0]
    seeded.soft_delete("findings", closed["id"])
    as_of = date(2025, 10, 31)
    category = some["category"]
    word = some["description"][:3]
    for flt in (
        FindingFilter(status="待整改"),
        FindingFilter(status="已销号", category=category),
        FindingFilter(due="overdue", as_of=as_of),
        FindingFilter(due="due_soon", as_of=as_of),
        FindingFilter(status="整改中", due="overdue", as_of=as_of, year=2025),
        FindingFilter(text=word),
        FindingFilter(text=word, status="待整改"),
        FindingFilter(text="不存在的词"),
        FindingFilter(status="已销号"),
        FindingFilter(status="已整改"),
        FindingFilter(status="整改中"),
        FindingFilter(status="已销号", due="overdue", as_of=as_of),
    ):
        rows = seeded.findings.page(flt, limit=100_000)
        assert seeded.findings.count(flt) == len(rows), flt
        assert not {some["id"], closed["id"]} & {r["id"] for r in rows}
    assert seeded.findings.count(FindingFilter(text=word)) > 0


def test_pages_of_open_findings_narrowed_further_cover_everything_once(seeded):
    """Open findings with another condition are paged through the index of open findings:
    the pages, in row order, still hold each matching finding exactly once."""
    from collections import Counter

    open_rows = seeded.findings.page(FindingFilter(due="overdue", as_of=date(2025, 12, 31)), limit=100_000)
    category = Counter(r["category"] for r in open_rows).most_common(1)[0][0]
    year = Counter(r["year"] for r in open_rows).most_common(1)[0][0]
    for flt in (
        FindingFilter(due="overdue", as_of=date(2025, 12, 31), category=category),
        FindingFilter(due="overdue", as_of=date(2025, 12, 31), year=year),
    ):
        everything = [r["rk"] for r in seeded.findings.page(flt, limit=100_000)]
        paged, after = [], 0
        while page := seeded.findings.page(flt, after, limit=1):
            paged += [r["rk"] for r in page]
            after = page[-1]["rk"]
        assert paged == everything == sorted(everything) and len(everything) >= 2


@pytest.mark.parametrize("few", [False, True])
@pytest.mark.parametrize("order", ["due", "deadline", "status", "category"])
@pytest.mark.parametrize(
    "flt",
    [
        FindingFilter(category="转移联单"),
        FindingFilter(category="转移联单", status="已销号"),
        FindingFilter(due="overdue", as_of=date(2025, 10, 1)),
        FindingFilter(due="due_soon", as_of=date(2025, 9, 10)),
        FindingFilter(status="整改中"),
        FindingFilter(status="已销号"),
        FindingFilter(status="已整改"),
        FindingFilter(text="渗滤液"),
        FindingFilter(year=2024, level="区级"),
    ],
    ids=repr,
)
def test_sorted_filtered_pages_are_the_filter_in_order_whichever_plan(seeded, monkeypatch, flt, order, few):
    # A narrow filter sorts its matches, a wide one walks the sort index within the key
    # range the filter implies: both must list exactly the filter's rows, in order.
    monkeypatch.setattr(findings_module.Findings, "_few", lambda self, flt, limit: few)
    everything = seeded.findings.page(flt, limit=100_000)
    assert everything  # the seeded workspace has rows for every one of these filters
    for descending in (False, True):
        assert walk(seeded, flt, order, descending, limit=11) == expected_order(everything, order, descending)


def test_a_narrow_filter_is_judged_few_and_a_wide_one_not(seeded):
    # 610 findings, pages of 200: anything up to max(2,000, sqrt(200 x 610)) is "few".
    assert seeded.findings._few(FindingFilter(year=2024), 200)
    assert seeded.findings._few(FindingFilter(text="渗滤液"), 200)
    assert not seeded.findings._few(FindingFilter(), 200)  # no condition to count by
    assert not seeded.findings._few(FindingFilter(status="整改中"), 200)  # not cheaply countable


def test_audit_level_sorts_list_what_the_unsorted_listing_lists(seeded):
    # A withdrawn (soft-deleted) audit's findings stay listed unless a filter asks about
    # audits, in row order and sorted by an audit's column alike.
    audit_id = seeded.scalar("SELECT audit_id FROM findings WHERE deleted_at IS NULL LIMIT 1")
    seeded.soft_delete("audits", audit_id)
    for flt in (FindingFilter(), FindingFilter(level="区级")):
        everything = seeded.findings.page(flt, limit=100_000)
        for order in ("enterprise", "year"):
            assert walk(seeded, flt, order, False, limit=37) == expected_order(everything, order, False)


def test_matches_tells_whether_a_filter_lists_a_finding(seeded, finding):
    # The tab asks this of each filter to clear only those hiding a finding just added.
    matches = seeded.findings.matches
    assert matches(FindingFilter(), finding["id"])
    assert matches(FindingFilter(text="识别标志"), finding["id"])  # a search the new row fits
    assert matches(FindingFilter(year=2025, level="区级", status="待整改"), finding["id"])
    assert not matches(FindingFilter(text="没有这样的问题"), finding["id"])
    assert not matches(FindingFilter(status="已销号"), finding["id"])
    assert not matches(FindingFilter(year=2024), finding["id"])
