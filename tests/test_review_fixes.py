"""Regressions for defects a review found in main (stale plans, lost updates, REAL rounding,
and UI state left behind); each test failed before its fix."""

from __future__ import annotations

import openpyxl
import pytest

from ycdesk import changes
from ycdesk.errors import UserError
from ycdesk.store import Store


def percent_indicator(store):
    return next(i for i in store.indicators.list() if i.get("unit") == "%")


def import_one_observation(store, tmp_path, value, period="2021Q1"):
    from ycdesk.imports import import_file

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["指标名称", "期间", "值", "范围"])
    ws.append([percent_indicator(store)["name"], period, value, "全区"])
    path = tmp_path / "obs.xlsx"
    wb.save(path)
    result = import_file(store, "observations", str(path))
    oid = store.scalar("SELECT id FROM observations WHERE period = ? AND scope = '全区' AND deleted_at IS NULL",
                       (period,))
    return result.batch_id, oid


# 1. An import's undo planned on the UI thread, applied after the backup: re-planned under the lock.

@pytest.mark.parametrize("keep_changed", [False, True])
def test_import_undo_with_a_stale_plan_keeps_an_edit_made_meanwhile(seeded, tmp_path, keep_changed):
    from ycdesk.imports import apply_undo, plan_undo

    batch_id, oid = import_one_observation(seeded, tmp_path, 80)
    plan = plan_undo(seeded, batch_id)  # confirmed by the user: nothing to keep
    assert not plan.kept
    # While the worker backs the workspace up, the user corrects the value in the 指标 tab.
    changes.record(seeded, lambda: seeded.indicators.update_observation(oid, "85", note="核实后更正"))
    with Store(seeded.path, operator="测试员") as own, pytest.raises(UserError):
        apply_undo(own, plan, keep_changed=keep_changed)
    assert seeded.get("observations", oid)["value"] == 85
    assert seeded.get("observations", oid)["deleted_at"] is None
    assert plan_undo(seeded, batch_id).batch["undone_at"] is None  # the batch is not marked undone


def test_import_undo_foreign_key_failure_is_a_chinese_user_error(seeded, tmp_path, monkeypatch):
    import sqlite3

    from ycdesk.imports import apply_undo, plan_undo
    from ycdesk.imports import undo as import_undo

    batch_id, oid = import_one_observation(seeded, tmp_path, 80)
    plan = plan_undo(seeded, batch_id)

    def fail(*_args):
        raise sqlite3.IntegrityError("FOREIGN KEY constraint failed")

    monkeypatch.setattr(import_undo, "_write_undo", fail)
    with pytest.raises(UserError, match="无法撤销该批次"):
        apply_undo(seeded, plan)
    assert seeded.get("observations", oid) is not None


# 2. Undo/redo/restore check under the write lock: another connection's write just before
# the lock is taken is seen, not overwritten.

def _other_writes_before_the_lock(store, monkeypatch, oid, values):
    original = store.begin

    def begin():
        other = Store(store.path, operator="镇街报送")
        with other.transaction():
            other.update("observations", oid, values)
        other.close()
        monkeypatch.setattr(store, "begin", original)
        return original()

    monkeypatch.setattr(store, "begin", begin)


def test_undo_does_not_overwrite_a_write_that_landed_before_its_lock(seeded, monkeypatch):
    obs = seeded.indicators.observations(percent_indicator(seeded)["id"])[0]
    _r, span = changes.record(seeded, lambda: seeded.indicators.update_observation(obs["id"], "50"))
    _other_writes_before_the_lock(seeded, monkeypatch, obs["id"], {"value": 60.0, "note": "镇街报送更正"})
    with pytest.raises(UserError, match="之后又被改动过"):
        changes.undo_change(seeded, span)
    now = seeded.get("observations", obs["id"])
    assert (now["value"], now["note"]) == (60.0, "镇街报送更正")


def test_restore_does_not_overwrite_a_write_that_landed_before_its_lock(seeded, monkeypatch):
    obs = seeded.indicators.observations(percent_indicator(seeded)["id"])[0]
    changes.record(seeded, lambda: seeded.indicators.update_observation(obs["id"], "50"))
    seq = seeded.history("observations", obs["id"])[-1]["seq"]
    # The other connection writes exactly the version being restored: nothing left to do.
    state = changes.version(seeded, seq)["state"]
    _other_writes_before_the_lock(seeded, monkeypatch, obs["id"],
                                  {k: state[k] for k in ("value", "source", "operator")})
    before = changes.mark(seeded) + 1  # the other connection's write
    with pytest.raises(UserError, match="已经是这个版本"):
        changes.restore_version(seeded, seq)
    assert changes.mark(seeded) == before  # no second write over it


# 3. REALs beyond 15 significant digits: history rounds them; undo compares as SQLite formats.

def test_undo_of_an_edit_to_an_imported_float_is_not_refused(seeded, tmp_path):
    _batch, oid = import_one_observation(seeded, tmp_path, 2 / 3 * 100)
    stored = seeded.get("observations", oid)["value"]
    _r, span = changes.record(seeded, lambda: seeded.indicators.update_observation(oid, repr(stored), note="补充来源"))
    changes.undo_change(seeded, span)
    assert seeded.get("observations", oid)["note"] is None
    assert seeded.get("observations", oid)["value"] == stored


def test_undo_and_restore_keep_a_float_at_full_precision(seeded):
    ind = percent_indicator(seeded)
    oid, add = changes.record(seeded, lambda: seeded.indicators.add_observation(ind["id"], "2024", "66.66666666666667"))
    _r, edit = changes.record(seeded, lambda: seeded.indicators.update_observation(
        oid, "66.66666666666667", note="补充说明"))
    changes.undo_change(seeded, edit)
    assert seeded.get("observations", oid)["value"] == 66.66666666666667  # not history's 66.6666666666667
    changes.undo_change(seeded, add)
    assert seeded.get("observations", oid, include_deleted=True)["deleted_at"] is not None
    changes.redo_change(seeded, add)
    changes.redo_change(seeded, edit)
    seq = seeded.history("observations", oid)[-1]["seq"]
    changes.restore_version(seeded, seq)  # 修改记录 → 恢复到这次修改之前
    assert seeded.get("observations", oid)["note"] is None
    assert seeded.get("observations", oid)["value"] == 66.66666666666667
