"""The store: pragmas, history for every change, soft delete, transactions, backups."""

import json
import sqlite3
from datetime import UTC

import pytest

from ycdesk.errors import UnreadableFileError, UserError
from ycdesk.store import Store


def test_pragmas(store):
    assert store.scalar("PRAGMA journal_mode") == "wal"
    assert store.scalar("PRAGMA foreign_keys") == 1
    assert store.scalar("PRAGMA busy_timeout") == 5000


def test_history_records_insert_update_soft_delete_restore_delete(store):
    tid = store.insert("townships", {"name": "测试街道", "kind": "街道", "position": 1})
    store.update("townships", tid, {"name": "测试街道二"})
    store.update("townships", tid, {"name": "测试街道二"})  # no change → no history row
    store.soft_delete("townships", tid)
    store.restore("townships", tid)
    store.conn.execute("DELETE FROM townships WHERE id = ?", (tid,))
    rows = store.history("townships", tid)
    assert [r["action"] for r in rows] == ["insert", "update", "soft_delete", "restore", "delete"]
    assert {r["operator"] for r in rows} == {"测试员"}
    update = rows[1]
    assert json.loads(update["old"])["name"] == "测试街道"
    assert json.loads(update["new"])["name"] == "测试街道二"
    assert rows[-1]["new"] is None and json.loads(rows[-1]["old"])["id"] == tid


def test_soft_deleted_rows_are_hidden_but_restorable(store):
    tid = store.insert("townships", {"name": "测试街道", "kind": "街道", "position": 1})
    store.soft_delete("townships", tid)
    assert store.townships.list() == []
    with pytest.raises(UserError):
        store.get("townships", tid)
    store.restore("townships", tid)
    assert [t["name"] for t in store.townships.list()] == ["测试街道"]


def test_transaction_is_all_or_nothing(store):
    with pytest.raises(UserError):
        with store.transaction():
            store.insert("townships", {"name": "甲街道", "kind": "街道", "position": 1})
            store.insert("townships", {"name": "甲街道", "kind": "街道", "position": 2})
    assert store.scalar("SELECT COUNT(*) FROM townships") == 0
    assert store.scalar("SELECT COUNT(*) FROM history WHERE table_name = 'townships'") == 0


def test_constraint_violations_become_chinese_messages(store):
    with pytest.raises(UserError, match="引用的记录不存在"):
        store.insert("project_units", {"project_id": "missing", "unit": "x", "position": 1})
    with pytest.raises(UserError, match="镇街中已有名称“乙”的记录，请修改已有记录或更换名称"):
        store.insert("townships", {"name": "乙", "kind": "镇", "position": 1})
        store.insert("townships", {"name": "乙", "kind": "镇", "position": 2})


def test_operator_is_recorded_per_store(tmp_path):
    path = tmp_path / "w.ycdesk"
    with Store(path, operator="张三") as a:
        a.insert("townships", {"name": "丙镇", "kind": "镇", "position": 1})
    with Store(path, operator="李四") as b:
        tid = b.townships.id_for("丙镇")
        b.update("townships", tid, {"position": 2})
        assert [r["operator"] for r in b.history("townships", tid)] == ["张三", "李四"]


def test_not_a_workspace_file_is_refused(tmp_path):
    bogus = tmp_path / "notes.ycdesk"
    bogus.write_text("hello", encoding="utf-8")
    with pytest.raises(UnreadableFileError, match="不是 ycdesk 工作区文件"):
        Store(bogus)


def test_backup_is_a_consistent_copy_and_rotates(store, tmp_path):
    store.insert("townships", {"name": "丁镇", "kind": "镇", "position": 1})
    made = [store.backup(reason=f"r{i}") for i in range(12)]
    folder = made[0].parent
    assert folder.name == store.workspace_id  # one folder per workspace id
    # All made today: the ten newest are kept (today's daily one is among them).
    assert sorted(folder.glob("*.db")) == sorted(made[2:])
    copy = sqlite3.connect(made[-1])
    assert copy.execute("SELECT name FROM townships").fetchall() == [("丁镇",)]
    copy.close()


def test_scheduled_backup_once_a_day(tmp_path):
    from datetime import datetime, timedelta

    now = [datetime(2025, 3, 1, 9, 0, tzinfo=UTC)]
    with Store(tmp_path / "w.ycdesk", clock=lambda: now[0]) as s:
        assert s.backup_if_due() is not None
        now[0] += timedelta(hours=5)
        assert s.backup_if_due() is None
        now[0] += timedelta(hours=20)
        s.insert("townships", {"name": "戊镇", "kind": "镇", "position": 1})
        assert s.backup_if_due() is not None
        now[0] += timedelta(hours=25)  # due, but nothing changed: the same bytes are not copied again
        assert s.backup_if_due() == s.backups()[0].path
    assert len(list((tmp_path / "backups").glob("*/*scheduled*.db"))) == 2


def test_ids_are_uuid7_in_time_order_one_by_one_or_in_bulk():
    """Bulk ids (imports) and single ids interleave in creation order and never repeat,
    also past 4,096 ids in one millisecond; each is a valid RFC 9562 version 7 UUID."""
    import uuid

    from ycdesk.store.ids import new_id, new_ids

    made = [new_id(), *new_ids(3), new_id(), *new_ids(10_000), new_id()]
    assert made == sorted(made) and len(set(made)) == len(made)
    for text in made[:20] + made[-20:]:
        parsed = uuid.UUID(text)
        assert (parsed.version, parsed.variant, str(parsed)) == (7, uuid.RFC_4122, text)
    assert new_ids(0) == []


def test_bulk_insert_stores_empty_and_partly_empty_columns_exactly(store):
    from ycdesk.store.ids import new_ids

    now = store.now()
    ids = new_ids(3)
    rows = [
        [ids[1], "乙", None, None, None, now, now],  # empty in the first row, filled later
        [ids[0], "甲", None, "化工", None, now, now],
        [ids[2], "丙", None, "", None, now, now],
    ]
    with store.transaction():
        store.bulk_insert(
            "enterprises", ["id", "name", "uscc", "industry", "contact", "created_at", "updated_at"], rows
        )
    got = store.query(
        "SELECT name, uscc, industry, contact, role FROM enterprises WHERE id IN (?, ?, ?) ORDER BY name", tuple(ids)
    )
    assert [tuple(r.values()) for r in got] == [
        ("丙", None, "", None, None),
        ("乙", None, None, None, None),
        ("甲", None, "化工", None, None),
    ]
    # Each row's insert is in its history, as the values it was written with.
    history = store.history("enterprises", ids[0])
    assert [h["action"] for h in history] == ["insert"]
    assert json.loads(history[0]["new"])["industry"] == "化工"
    assert json.loads(history[0]["new"])["contact"] is None
