"""Every older schema version opens with the current code, data intact."""

import sqlite3

import pytest

from ycdesk.errors import UserError
from ycdesk.store import Store
from ycdesk.store.migrations import LATEST, migrate


@pytest.mark.parametrize("version", range(0, LATEST))
def test_file_at_older_version_opens_and_migrates(tmp_path, version):
    path = tmp_path / f"v{version}.ycdesk"
    conn = sqlite3.connect(path, isolation_level=None)
    conn.create_function("ycdesk_operator", 0, lambda: "旧版本")
    conn.create_function("ycdesk_now", 0, lambda: "2021-01-01T00:00:00+08:00")
    migrate(conn, target=version)
    if version >= 1:
        conn.execute(
            "INSERT INTO townships (id, created_at, updated_at, name, kind, position) "
            "VALUES ('t1', 'x', 'x', '北海街道', '街道', 3)"
        )
    conn.close()

    with Store(path, operator="新版本") as store:
        assert store.schema_version == LATEST
        if version >= 1:
            assert store.townships.names() == ["北海街道"]
            # Migrated from an older version: a backup was taken first.
            assert list((tmp_path / "backups" / store.workspace_id).glob("*.db"))
        assert store.scalar("SELECT COUNT(*) FROM period_locks") == 0


def test_newer_file_than_program_is_refused(tmp_path):
    path = tmp_path / "future.ycdesk"
    conn = sqlite3.connect(path)
    conn.execute(f"PRAGMA user_version = {LATEST + 1}")
    conn.close()
    with pytest.raises(UserError, match="请升级"):
        Store(path)


def test_check_constraints_still_refuse_bad_values_after_the_rewrite(store):
    """Migration 11 respells CHECK (x IN (…)) as ORs; the rules must be unchanged."""
    import sqlite3 as sq

    tables = [r["sql"] for r in store.query("SELECT sql FROM sqlite_master WHERE type = 'table'")]
    assert not [sql for sql in tables if " IN (" in sql and "CHECK" in sql.split(" IN (")[0].rsplit("\n", 1)[-1]]
    firm = store.insert("enterprises", {"name": "甲企业"})
    with pytest.raises(sq.IntegrityError):
        store.conn.execute(
            "INSERT INTO audits (id, created_at, updated_at, enterprise_id, year, level) "
            "VALUES ('a1', 'x', 'x', ?, 2021, '省级')",
            (firm,),
        )
    audit = store.insert("audits", {"enterprise_id": firm, "year": 2021, "level": "区级"})
    finding = {"audit_id": audit, "category": "贮存设施", "description": "标识缺失", "status": "待整改"}
    store.insert("findings", {**finding, "severity": None})  # NULL passes a CHECK, as with IN
    for bad in ({"status": "搁置"}, {"severity": "轻微"}, {"is_demo": 2}):
        with pytest.raises(UserError):
            store.insert("findings", {**finding, **bad, "description": str(bad)})


def test_batch_imported_before_schema_10_still_undoes(tmp_path):
    """Old batches kept their own change log (import_changes); undo still reads it."""
    from ycdesk.imports import undo_batch

    path = tmp_path / "v9.ycdesk"
    conn = sqlite3.connect(path, isolation_level=None)
    conn.create_function("ycdesk_operator", 0, lambda: "旧版本")
    conn.create_function("ycdesk_now", 0, lambda: "2021-01-01T00:00:00+08:00")
    migrate(conn, target=9)
    conn.execute("INSERT INTO enterprises (id, created_at, updated_at, name) VALUES ('e1', 'x', 'x', '旧企业')")
    conn.execute("INSERT INTO enterprises (id, created_at, updated_at, name) VALUES ('e2', 'x', 'x', '改名后')")
    conn.execute(
        "INSERT INTO import_batches (id, kind, file_name, sha256, operator, created_at, new, updated, "
        "unchanged, rejected) VALUES ('b1', 'enterprises', 'a.xlsx', 'h', '旧版本', 'x', 1, 1, 0, 0)"
    )
    conn.executemany(
        "INSERT INTO import_changes (batch_id, seq, table_name, row_id, action, old) VALUES (?,?,?,?,?,?)",
        [
            ("b1", 0, "enterprises", "e1", "insert", None),
            ("b1", 1, "enterprises", "e2", "update", '{"name": "改名前", "updated_at": "x"}'),
        ],
    )
    conn.close()
    with Store(path, operator="新版本") as store:
        assert undo_batch(store, "b1") == 2
        assert [r["name"] for r in store.query("SELECT name FROM enterprises")] == ["改名前"]


def test_migration_13_hashes_the_history_already_written(tmp_path):
    """Workspaces from before the chain get it once, over everything they recorded."""
    from ycdesk.store import chain

    path = tmp_path / "v11.ycdesk"
    conn = sqlite3.connect(path, isolation_level=None)
    conn.create_function("ycdesk_operator", 0, lambda: "旧版本")
    conn.create_function("ycdesk_now", 0, lambda: "2021-01-01T00:00:00+08:00")
    migrate(conn, target=11)
    for i in range(5):
        conn.execute(
            "INSERT INTO townships (id, created_at, updated_at, name, kind, position) "
            "VALUES (?, 'x', 'x', ?, '街道', ?)",
            (f"t{i}", f"街道{i}", i),
        )
    conn.close()
    with Store(path, operator="新版本") as store:
        assert store.scalar("SELECT COUNT(*) FROM history WHERE hash IS NULL") == 0
        assert store.scalar("SELECT COUNT(*) FROM history") >= 5
        assert chain.verify(store.conn) is None
