"""``ycdesk check`` and the history hash chain: tampering is found and named (issue #14)."""

import json
import shutil
import sqlite3
from pathlib import Path

import pytest

from ycdesk.check import check_workspace
from ycdesk.cli import main
from ycdesk.store import Store, chain


def raw(path):
    """A hand-opened connection, as someone with sqlite3 and the file would have."""
    return sqlite3.connect(path, isolation_level=None)


def test_clean_demo_workspace_passes(seeded, capsys):
    seeded.close()
    assert main(["check", "--db", str(seeded.path)]) == 0
    out = capsys.readouterr().out
    assert "工作区检查通过" in out and "校验链完整" in out
    assert main(["check", "--db", str(seeded.path), "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["ok"] and data["problems"] == [] and data["history_rows"] > 1000
    assert len(data["history_head"]) == 64


def test_every_history_row_is_sealed_by_the_writer(store):
    tid = store.insert("townships", {"name": "测试街道", "kind": "街道", "position": 99})  # autocommit write
    store.update("townships", tid, {"name": "测试街道二"})
    with store.transaction():
        store.soft_delete("townships", tid)
        store.restore("townships", tid)
    assert store.scalar("SELECT COUNT(*) FROM history WHERE hash IS NULL") == 0
    assert chain.verify(store.conn) is None
    # A rolled-back transaction leaves nothing behind to seal.
    with pytest.raises(RuntimeError), store.transaction():
        store.update("townships", tid, {"name": "回滚"})
        raise RuntimeError
    assert chain.verify(store.conn) is None


def test_edited_history_row_is_named_by_seq_table_and_time(seeded, capsys):
    row = seeded.query(
        "SELECT seq, table_name, at FROM history WHERE table_name = 'findings' ORDER BY seq LIMIT 1 OFFSET 5"
    )[0]
    seeded.close()
    with raw(seeded.path) as conn:
        conn.execute("UPDATE history SET operator = '别人' WHERE seq = ?", (row["seq"],))
    assert main(["check", "--db", str(seeded.path)]) == 1
    out = capsys.readouterr().out
    assert f"第 {row['seq']} 条修改记录" in out and "findings" in out and row["at"] in out
    report = check_workspace(seeded.path)
    assert [p.detail["seq"] for p in report.problems if p.kind == "history"] == [row["seq"]]


def test_a_recomputed_hash_still_breaks_at_the_next_row(seeded):
    seq = seeded.scalar("SELECT seq FROM history ORDER BY seq LIMIT 1 OFFSET 10")
    seeded.close()
    with raw(seeded.path) as conn:
        prev = conn.execute("SELECT hash FROM history WHERE seq = ?", (seq - 1,)).fetchone()[0]
        conn.execute("UPDATE history SET operator = '别人' WHERE seq = ?", (seq,))
        fields = conn.execute(f"SELECT {chain.COLUMNS} FROM history WHERE seq = ?", (seq,)).fetchone()
        conn.execute("UPDATE history SET hash = ? WHERE seq = ?", (chain.digest(prev, *fields), seq))
    broken = check_workspace(seeded.path).problems[0]
    assert broken.kind == "history" and broken.detail["seq"] == seq + 1


def test_deleted_history_rows_are_found(seeded):
    seeded.close()
    middle = shutil.copy(seeded.path, seeded.path.with_name("middle.ycdesk"))
    with raw(middle) as conn:
        conn.execute("DELETE FROM history WHERE seq = 50")
    assert check_workspace(middle).problems[0].detail["seq"] == 51
    with raw(seeded.path) as conn:
        last = conn.execute("SELECT MAX(seq) FROM history").fetchone()[0]
        conn.execute("DELETE FROM history WHERE seq > ?", (last - 3,))
    problem = check_workspace(seeded.path).problems[0]
    assert problem.detail["reason"] == "missing_tail" and "最后的修改记录被删除" in problem.message


def test_a_write_from_outside_ycdesk_is_reported_unsealed(seeded):
    """Registering ycdesk_operator() lets anyone write through the triggers; the row they
    leave has no place in the chain, and the next ycdesk write does not launder it."""
    seeded.close()
    with raw(seeded.path) as conn:
        conn.create_function("ycdesk_operator", 0, lambda: "冒名者")
        conn.create_function("ycdesk_now", 0, lambda: "2024-01-01T00:00:00+08:00")
        conn.execute("UPDATE projects SET note = '改过' WHERE seq = 1")
        forged = conn.execute("SELECT MAX(seq) FROM history").fetchone()[0]
    with Store(seeded.path, operator="测试员") as store:
        store.update("projects", store.scalar("SELECT id FROM projects WHERE seq = 2"), {"note": "正常修改"})
    problems = check_workspace(seeded.path).problems
    assert [(p.detail["seq"], p.detail["reason"]) for p in problems] == [(forged, "unsealed")]
    assert "在 ycdesk 之外写入" in problems[0].message


def test_dropped_altered_and_extra_triggers_are_reported(seeded, capsys):
    seeded.close()
    with raw(seeded.path) as conn:
        conn.execute("DROP TRIGGER history_findings_update")
        sql = conn.execute("SELECT sql FROM sqlite_master WHERE name = 'history_projects_insert'").fetchone()[0]
        conn.execute("DROP TRIGGER history_projects_insert")
        conn.execute(sql.replace("ycdesk_operator()", "'系统'"))
        conn.execute("CREATE TRIGGER sneaky AFTER INSERT ON history BEGIN SELECT 1; END")
    assert main(["check", "--db", str(seeded.path)]) == 1
    out = capsys.readouterr().out
    assert "缺少修改记录触发器 history_findings_update" in out
    assert "修改记录触发器 history_projects_insert 被改动过" in out
    assert "多出的触发器 sneaky" in out


def test_missing_and_altered_evidence_files_are_reported(seeded, tmp_path, capsys):
    finding = seeded.scalar("SELECT id FROM findings LIMIT 1")
    a = tmp_path / "整改照片.jpg"
    a.write_bytes(b"photo")
    b = tmp_path / "验收单.pdf"
    b.write_bytes(b"signed form")
    seeded.findings.attach(finding, a)
    seeded.findings.attach(finding, b)
    files = {r["original_name"]: seeded.findings.attachment_path(r) for r in seeded.findings.attachments(finding)}
    seeded.close()
    assert main(["check", "--db", str(seeded.path)]) == 0
    capsys.readouterr()
    files["整改照片.jpg"].unlink()
    files["验收单.pdf"].write_bytes(b"forged form")
    assert main(["check", "--db", str(seeded.path)]) == 1
    out = capsys.readouterr().out
    assert "佐证材料“整改照片.jpg”不见了" in out
    assert "佐证材料“验收单.pdf”内容被改动过" in out


def test_check_changes_nothing_and_refuses_what_it_cannot_read(tmp_path, seeded, capsys):
    seeded.close()
    before = seeded.path.read_bytes()
    assert main(["check", "--db", str(seeded.path)]) == 0
    assert seeded.path.read_bytes() == before
    empty = tmp_path / "empty.ycdesk"
    empty.write_bytes(b"")
    foreign = tmp_path / "foreign.db"
    with raw(foreign) as conn:
        conn.execute("CREATE TABLE t (x)")
    for path in (tmp_path / "missing.ycdesk", tmp_path, empty, foreign):
        assert main(["check", "--db", str(path)]) == 2, path
        assert "错误：" in capsys.readouterr().err
    assert empty.read_bytes() == b"" and not (tmp_path / "missing.ycdesk").exists()


def test_bulk_import_history_is_sealed_in_one_pass(tmp_path):
    import csv

    from ycdesk.imports import import_file
    from ycdesk.seed import load_plan

    path = tmp_path / "f.csv"
    with open(path, "w", encoding="utf-8", newline="") as fh:
        out = csv.writer(fh)
        out.writerow(["企业名称", "考核年度", "考核级别", "问题类别", "问题描述", "整改状态"])
        for i in range(3000):
            out.writerow([f"企业{i % 37}", 2021 + i % 3, "区级", "识别标志", f"问题{i}", "待整改"])
    with Store(tmp_path / "w.ycdesk", operator="审核员") as store:
        load_plan(store)
        assert import_file(store, "findings", path).new == 3000
        assert store.scalar("SELECT COUNT(*) FROM history WHERE hash IS NULL") == 0
        assert chain.verify(store.conn) is None


@pytest.fixture
def bulk(tmp_path):
    """A workspace whose history holds a bulk import's block (3,000 findings)."""
    import csv

    from ycdesk.imports import import_file
    from ycdesk.seed import load_plan

    path = tmp_path / "f.csv"
    with open(path, "w", encoding="utf-8", newline="") as fh:
        out = csv.writer(fh)
        out.writerow(["企业名称", "考核年度", "考核级别", "问题类别", "问题描述", "整改状态"])
        for i in range(3000):
            out.writerow([f"企业{i % 37}", 2021 + i % 3, "区级", "识别标志", f"问题{i}", "待整改"])
    db = tmp_path / "bulk.ycdesk"
    with Store(db, operator="审核员") as store:
        load_plan(store)
        import_file(store, "findings", path)
        store.update("findings", store.scalar("SELECT id FROM findings LIMIT 1"), {"note": "之后的修改"})
        seqs = [
            r[0]
            for r in store.conn.execute(
                "SELECT seq FROM history WHERE table_name = 'findings' AND action = 'insert' ORDER BY seq"
            )
        ]
    assert len(seqs) == 3000 and check_workspace(db).ok
    return db, seqs


@pytest.mark.parametrize(
    "edit, named",
    [
        ("UPDATE history SET operator = '别人' WHERE seq = {mid}", "mid"),
        ("UPDATE history SET at = '2020-01-01T00:00:00+08:00' WHERE seq = {mid}", "mid"),
        ("UPDATE history SET row_id = 'x' WHERE seq = {mid}", "first"),
        ("DELETE FROM history WHERE seq = {mid}", "first"),
        # The block's head made a plain row of the block before it: that block breaks.
        ("UPDATE history SET hash = 'b' WHERE seq = {first}", "before"),
    ],
)
def test_tampering_inside_a_bulk_block_is_found(bulk, edit, named):
    db, seqs = bulk
    where = {"first": seqs[0], "mid": seqs[1500]}
    with raw(db) as conn:
        conn.execute(edit.format(**where))
    problems = check_workspace(db).problems
    assert [p.kind for p in problems] == ["history"]
    if named == "before":
        assert problems[0].detail["seq"] < seqs[0]
    else:
        assert problems[0].detail["seq"] == where[named]


def test_messages_call_evidence_by_the_tabs_name():
    # The 危废考核 tab says 佐证材料; the check, backup and command-line messages once said 证据文件.
    root = Path(__file__).resolve().parent.parent
    said = [
        f"{path.relative_to(root)}:{n}"
        for folder in ("ycdesk", "ui")
        for path in (root / folder).rglob("*.py")
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if "证据文件" in line
    ]
    assert said == []
