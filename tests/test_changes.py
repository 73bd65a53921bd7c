"""Undo/redo of one core change and restoring a version, from history (ycdesk.changes)."""

import pytest

from ycdesk import changes
from ycdesk.errors import UserError
from ycdesk.store import chain


def project(store, seq):
    return store.scalar("SELECT id FROM projects WHERE seq = ? AND deleted_at IS NULL", (seq,))


def live_investments(store, project_id):
    return store.query(
        "SELECT id, period, amount_yuan FROM investments WHERE project_id = ? AND deleted_at IS NULL ORDER BY period",
        (project_id,),
    )


def history_count(store):
    return store.scalar("SELECT COUNT(*) FROM history")


def test_issue_scenario_undo_of_the_last_change_restores_the_deletion_and_keeps_the_entry(seeded):
    """Progress for project 2, then a deletion on project 3: undoing the last change brings the
    deleted record back and leaves project 2's new entry alone (issue 18)."""
    p2, p3 = project(seeded, 2), project(seeded, 3)
    victim = live_investments(seeded, p3)[0]
    added, add_span = changes.record(seeded, lambda: seeded.projects.add_investment(p2, "2025Q4", 5_000_000))
    _none, delete_span = changes.record(seeded, lambda: seeded.projects.delete_investment(victim["id"], "录错"))
    assert victim not in live_investments(seeded, p3)

    changes.undo_change(seeded, delete_span)

    assert victim in live_investments(seeded, p3)
    assert added in [r["id"] for r in live_investments(seeded, p2)]
    changes.undo_change(seeded, add_span)
    assert added not in [r["id"] for r in live_investments(seeded, p2)]
    changes.redo_change(seeded, add_span)
    assert added in [r["id"] for r in live_investments(seeded, p2)]
    changes.redo_change(seeded, delete_span)
    assert victim not in live_investments(seeded, p3)
    assert chain.verify(seeded.conn) is None


def test_undo_of_an_edit_puts_the_old_values_back_and_redo_the_new(seeded):
    p2 = project(seeded, 2)
    row = live_investments(seeded, p2)[0]
    _r, span = changes.record(seeded, lambda: seeded.projects.update_investment(row["id"], row["period"], 1234))
    assert seeded.get("investments", row["id"])["amount_yuan"] == 1234
    changes.undo_change(seeded, span)
    assert seeded.get("investments", row["id"])["amount_yuan"] == row["amount_yuan"]
    changes.redo_change(seeded, span)
    assert seeded.get("investments", row["id"])["amount_yuan"] == 1234


def test_undo_refused_when_later_work_would_be_lost_and_nothing_changes(seeded):
    p2 = project(seeded, 2)
    added, span = changes.record(seeded, lambda: seeded.projects.add_investment(p2, "2025Q4", 5_000_000))
    seeded.projects.update_investment(added, "2025Q4", 7_000_000)  # later work on the same record
    before = history_count(seeded)
    with pytest.raises(UserError) as refused:
        changes.check_undo(seeded, span)
    with pytest.raises(UserError) as refused:
        changes.undo_change(seeded, span)
    assert "投资进展“2025Q4”" in str(refused.value) and "之后又被改动过" in str(refused.value)
    assert "修改" in str(refused.value)  # what the later change was
    assert history_count(seeded) == before
    assert seeded.get("investments", added)["amount_yuan"] == 7_000_000


def test_later_change_that_was_changed_back_does_not_block(seeded):
    p2 = project(seeded, 2)
    added, span = changes.record(seeded, lambda: seeded.projects.add_investment(p2, "2025Q4", 5_000_000))
    seeded.projects.update_investment(added, "2025Q4", 7_000_000)
    seeded.projects.update_investment(added, "2025Q4", 5_000_000)
    changes.undo_change(seeded, span)
    assert added not in [r["id"] for r in live_investments(seeded, p2)]


def test_redo_refused_when_the_record_changed_after_the_undo(seeded):
    p2 = project(seeded, 2)
    row = live_investments(seeded, p2)[0]
    _r, span = changes.record(seeded, lambda: seeded.projects.update_investment(row["id"], row["period"], 1234))
    changes.undo_change(seeded, span)
    seeded.projects.update_investment(row["id"], row["period"], 999)
    with pytest.raises(UserError, match="无法重做"):
        changes.redo_change(seeded, span)
    assert seeded.get("investments", row["id"])["amount_yuan"] == 999


def test_undo_respects_a_locked_quarter(seeded):
    indicator = seeded.scalar("SELECT id FROM indicators WHERE code = 'FYP14-03'")
    obs, span = changes.record(seeded, lambda: seeded.indicators.add_observation(indicator, "2025Q3", 93.6))
    seeded.indicators.lock_period("2025Q3")
    with pytest.raises(UserError, match="签收锁定"):
        changes.undo_change(seeded, span)
    assert seeded.get("observations", obs)["value"] == 93.6


def test_record_of_a_write_that_wrote_nothing_has_no_span(seeded):
    assert changes.record(seeded, lambda: 7) == (7, None)


def test_restore_version_brings_a_deleted_record_back(seeded):
    indicator = seeded.scalar("SELECT id FROM indicators WHERE code = 'FYP14-03'")
    obs = seeded.indicators.add_observation(indicator, "2025Q3", 93.6)
    seeded.indicators.delete_observation(obs)
    deletion = seeded.history("observations", obs)[-1]
    assert deletion["action"] == "soft_delete"
    span = changes.restore_version(seeded, deletion["seq"])
    assert seeded.get("observations", obs)["value"] == 93.6
    assert seeded.history("observations", obs)[-1]["action"] == "restore"
    changes.undo_change(seeded, span)  # the restore is itself a change
    with pytest.raises(UserError):
        seeded.get("observations", obs)


def test_restore_version_reverts_an_edit_and_refuses_a_no_op(seeded):
    p2 = project(seeded, 2)
    row = live_investments(seeded, p2)[0]
    seeded.projects.update_investment(row["id"], row["period"], 1234)
    seeded.projects.update_investment(row["id"], row["period"], 5678)
    first_edit = next(h for h in seeded.history("investments", row["id"]) if h["action"] == "update")
    changes.restore_version(seeded, first_edit["seq"])
    assert seeded.get("investments", row["id"])["amount_yuan"] == row["amount_yuan"]
    with pytest.raises(UserError, match="已经是这个版本"):
        changes.restore_version(seeded, first_edit["seq"])
    changes.restore_version(seeded, first_edit["seq"], before=False)
    assert seeded.get("investments", row["id"])["amount_yuan"] == 1234


def test_restore_version_of_a_hard_deleted_record_inserts_it_again(seeded):
    p2 = project(seeded, 2)
    added, _span = changes.record(seeded, lambda: seeded.projects.add_investment(p2, "2025Q4", 5_000_000))
    seeded.conn.execute("DELETE FROM investments WHERE id = ?", (added,))  # e.g. an import undo
    gone = seeded.history("investments", added)[-1]
    assert gone["action"] == "delete"
    changes.restore_version(seeded, gone["seq"])
    assert seeded.get("investments", added)["amount_yuan"] == 5_000_000


def test_duplicate_observation_says_which_and_what_to_do(seeded):
    indicator = seeded.indicators.by_code("FYP14-03")
    seeded.indicators.add_observation(indicator["id"], "2025Q3", 93.6)
    with pytest.raises(UserError) as refused:
        seeded.indicators.add_observation(indicator["id"], "2025Q3", 94.0)
    assert str(refused.value) == f"指标“{indicator['name']}”全区 2025Q3 已有观测值，请修改已有记录或更换期次"


def test_duplicate_investment_and_restore_over_a_newer_record(seeded):
    p2 = project(seeded, 2)
    name = seeded.get("projects", p2)["name"]
    first = seeded.projects.add_investment(p2, "2025Q4", 1000)
    seeded.projects.delete_investment(first, "录错")
    seeded.projects.add_investment(p2, "2025Q4", 2000)  # entered again after the deletion
    deletion = seeded.history("investments", first)[-1]
    with pytest.raises(UserError) as refused:
        changes.restore_version(seeded, deletion["seq"])
    assert str(refused.value) == f"无法恢复：项目“{name}”2025Q4 已填报投资进展，请修改已有记录或更换期间"
    assert [r["amount_yuan"] for r in seeded.projects.investments(p2) if r["period"] == "2025Q4"] == [2000]


def test_other_duplicates_name_the_fields(seeded):
    from ycdesk.store.conflicts import duplicate_message

    text = duplicate_message(seeded, "sludge", ["year"], {"year": 2024})
    assert text == "污泥处置中已有年度“2024”的记录，请修改已有记录或更换年度"


def test_undo_of_a_lifecycle_move_puts_the_status_back_and_removes_its_event(seeded):
    finding = seeded.scalar("SELECT id FROM findings WHERE status = '待整改' AND deleted_at IS NULL LIMIT 1")
    events = len(seeded.findings.events(finding))
    _r, span = changes.record(seeded, lambda: seeded.findings.transition(finding, "整改中"))
    assert seeded.get("findings", finding)["status"] == "整改中"
    changes.undo_change(seeded, span)
    assert seeded.get("findings", finding)["status"] == "待整改"
    assert len(seeded.findings.events(finding)) == events
    changes.redo_change(seeded, span)
    assert seeded.get("findings", finding)["status"] == "整改中"
    assert len(seeded.findings.events(finding)) == events + 1


def test_no_other_connection_writes_inside_a_change(seeded):
    """A change holds the write lock while it runs: another connection's write (a report
    being registered in the background) cannot land in its span and be undone with it."""
    import sqlite3

    from ycdesk.store import Store

    p2 = project(seeded, 2)
    other = Store(seeded.path, operator="后台")
    other.conn.execute("PRAGMA busy_timeout = 0")
    blocked = []

    def write():
        added = seeded.projects.add_investment(p2, "2025Q4", 1000)
        try:
            other.projects.add_investment(p2, "2025Q3", 2000)
        except (sqlite3.OperationalError, UserError) as exc:
            blocked.append(str(exc))
        return added

    added, span = changes.record(seeded, write)
    other.close()
    assert blocked  # the other writer waited for the lock instead of writing in between
    assert {h["row_id"] for h in seeded.history() if span.first <= h["seq"] <= span.last} == {added}
