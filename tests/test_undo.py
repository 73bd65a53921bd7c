"""Undoing an import never destroys work done after it (issue #14): later edits, status
changes and evidence are found first; the undo is refused with the list, or keeps them."""

import csv

import pytest

from ycdesk.cli import main
from ycdesk.imports import UndoBlocked, import_file, plan_undo, undo_batch
from ycdesk.store import chain

HEADER = ["企业名称", "考核年度", "考核级别", "检查日期", "问题类别", "问题描述", "整改期限", "整改状态"]


@pytest.fixture
def plain(tmp_path):
    from ycdesk.seed import load_plan
    from ycdesk.store import Store

    s = Store(tmp_path / "plain.ycdesk", operator="审核员")
    load_plan(s)
    yield s
    s.close()


def findings_csv(path, rows=6, status="待整改"):
    with open(path, "w", encoding="utf-8", newline="") as fh:
        out = csv.writer(fh)
        out.writerow(HEADER)
        for i in range(rows):
            out.writerow(
                [f"示例企业{i % 2}（演示）", 2021, "区级", "2021-06-01", "识别标志", f"问题{i}", "2021-09-30", status]
            )
    return path


def imported(store, tmp_path):
    result = import_file(store, "findings", findings_csv(tmp_path / "f.csv"))
    assert result.new == 6
    return result.batch_id


def finding(store, description):
    return store.scalar("SELECT id FROM findings WHERE description = ?", (description,))


def counts(store):
    return {t: store.scalar(f"SELECT COUNT(*) FROM {t}") for t in ("enterprises", "audits", "findings")}


def test_untouched_batch_undoes_completely(plain, tmp_path):
    batch = imported(plain, tmp_path)
    assert plan_undo(plain, batch).kept == []
    undo_batch(plain, batch)
    assert counts(plain) == {"enterprises": 0, "audits": 0, "findings": 0}
    assert chain.verify(plain.conn) is None


def test_later_edit_refuses_with_the_list_then_keep_changed_keeps_it(plain, tmp_path):
    batch = imported(plain, tmp_path)
    edited = finding(plain, "问题3")
    plain.operator = "张三"
    plain.update("findings", edited, {"responsible": "李工"})
    before = counts(plain)
    with pytest.raises(UndoBlocked) as caught:
        undo_batch(plain, batch)
    message = str(caught.value)
    assert "未撤销任何内容" in message and "问题“问题3”：导入后被修改过" in message and "张三" in message
    assert counts(plain) == before  # nothing undone
    assert [(k.table_name, k.row_id) for k in caught.value.kept][0] == ("findings", edited)

    undo_batch(plain, batch, keep_changed=True)
    # The edited finding stays as edited, with the audit and enterprise it belongs to.
    assert plain.get("findings", edited)["responsible"] == "李工"
    assert counts(plain) == {"enterprises": 1, "audits": 1, "findings": 1}
    assert plain.scalar("PRAGMA foreign_key_check") is None


def test_status_change_is_later_work_that_is_kept(plain, tmp_path):
    batch = imported(plain, tmp_path)
    moved = finding(plain, "问题0")
    plain.findings.transition(moved, "整改中")
    with pytest.raises(UndoBlocked) as caught:
        undo_batch(plain, batch)
    reasons = {k.row_id: k.reason for k in caught.value.kept}
    assert "导入后被修改过" in reasons[moved]
    undo_batch(plain, batch, keep_changed=True)
    assert plain.get("findings", moved)["status"] == "整改中"
    assert [e["to_status"] for e in plain.findings.events(moved)] == ["整改中"]
    assert plain.scalar("SELECT COUNT(*) FROM findings") == 1


def test_evidence_on_an_imported_finding_is_kept_with_its_finding(plain, tmp_path):
    batch = imported(plain, tmp_path)
    target = finding(plain, "问题1")
    photo = tmp_path / "照片.jpg"
    photo.write_bytes(b"jpeg")
    plain.findings.attach(target, photo)
    with pytest.raises(UndoBlocked) as caught:
        undo_batch(plain, batch)
    assert "问题“问题1”：后来添加的1 条佐证材料引用它" in str(caught.value)
    assert undo_batch(plain, batch, keep_changed=True) > 0
    assert [a["original_name"] for a in plain.findings.attachments(target)] == ["照片.jpg"]
    assert plain.findings.verify(plain.findings.attachments(target)[0])


def test_edit_changed_back_loses_nothing_and_undoes(plain, tmp_path):
    batch = imported(plain, tmp_path)
    target = finding(plain, "问题2")
    plain.update("findings", target, {"responsible": "临时"})
    plain.update("findings", target, {"responsible": None})
    assert plain_undo_kept(plain, batch) == []
    undo_batch(plain, batch)
    assert counts(plain)["findings"] == 0


def plain_undo_kept(store, batch):
    return plan_undo(store, batch).kept


def test_later_edit_of_an_updated_row_is_not_silently_reverted(plain, tmp_path):
    imported(plain, tmp_path)
    second = import_file(plain, "findings", findings_csv(tmp_path / "g.csv", status="整改中"))
    assert second.updated == 6
    target = finding(plain, "问题4")
    plain.update("findings", target, {"status": "待整改", "note": "复查后退回"})
    with pytest.raises(UndoBlocked):
        undo_batch(plain, second.batch_id)
    undo_batch(plain, second.batch_id, keep_changed=True)
    assert plain.get("findings", target)["note"] == "复查后退回"
    others = plain.query("SELECT status FROM findings WHERE id != ?", (target,))
    assert {r["status"] for r in others} == {"待整改"}  # the rest went back to before the batch


def test_cli_lists_changed_records_and_keep_changed(plain, tmp_path, capsys):
    batch = imported(plain, tmp_path)
    plain.findings.transition(finding(plain, "问题5"), "整改中")
    plain.close()
    db = str(plain.path)
    assert main(["undo-import", batch, "--db", db]) == 1
    err = capsys.readouterr().err
    assert "问题“问题5”" in err and "--keep-changed" in err and "Traceback" not in err
    assert main(["undo-import", batch, "--db", db, "--keep-changed"]) == 0
    err = capsys.readouterr().err
    assert "已保留原样" in err and "问题“问题5”" in err
    assert main(["check", "--db", db]) == 0
