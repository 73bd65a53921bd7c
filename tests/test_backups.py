"""Backups worth having (issue #14): per workspace id, verified, with evidence, restorable."""

import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta

import pytest

from tests.test_workspace_open import damage
from ycdesk.backups import DamagedWorkspaceError, verify
from ycdesk.backups.restore import restore
from ycdesk.cli import main
from ycdesk.store import Store
from ycdesk.workspace import create_workspace


@pytest.fixture
def pair(tmp_path):
    """Two workspaces whose names once made their backups collide: w and w-2024."""
    for name in ("w.ycdesk", "w-2024.ycdesk"):
        create_workspace(tmp_path / name, demo=False)
    return tmp_path / "w.ycdesk", tmp_path / "w-2024.ycdesk"


def townships(path):
    conn = sqlite3.connect(path)
    try:
        return sorted(r[0] for r in conn.execute("SELECT name FROM townships"))
    finally:
        conn.close()


def test_two_workspaces_in_one_folder_keep_their_own_backups(pair):
    w, w2024 = pair
    with Store(w2024) as other:
        theirs = [other.backup(reason="manual") for _ in range(3)]
    with Store(w) as store:
        for _ in range(15):  # more than the rotation keeps
            store.backup(reason="manual")
        mine = store.backups()
    with Store(w2024) as other:
        assert [b.path for b in other.backups()] == theirs[::-1]
    assert len(mine) == 10 and not {b.path for b in mine} & set(theirs)
    assert all(b.workspace_name == "w.ycdesk" and b.ok for b in mine)


def test_backups_made_before_id_folders_are_listed_by_exact_name(pair):
    w, w2024 = pair
    root = w.parent / "backups"
    root.mkdir(exist_ok=True)
    (root / "w-2024-20240301-090000-000000-manual.db").write_bytes(b"")
    (root / "w-20240302-090000-000000-manual.db").write_bytes(b"")
    with Store(w) as store:
        new = store.backup(reason="manual")
        listed = [b.path.name for b in store.backups()]
    assert listed == [new.name, "w-20240302-090000-000000-manual.db"]  # newest first, old ones last


def test_restore_with_a_stale_wal_gives_exactly_the_backup(seeded, tmp_path):
    path = seeded.path
    backup = seeded.backup(reason="manual")
    restored_state = townships(path)
    seeded.close()
    # Another process writes and dies without a checkpoint: its -wal holds data the file lacks.
    code = (
        "import sqlite3, os, sys; c = sqlite3.connect(sys.argv[1], isolation_level=None); "
        "[c.create_function(f, 0, lambda: '他人') for f in ('ycdesk_now', 'ycdesk_operator')]; "
        "c.execute('PRAGMA wal_autocheckpoint = 0'); "
        "c.execute(\"UPDATE townships SET name = name || '（改）'\"); os._exit(0)"
    )
    subprocess.run([sys.executable, "-c", code, str(path)], check=True)
    assert (path.parent / (path.name + "-wal")).stat().st_size > 0
    assert main(["restore", str(backup), "--db", str(path)]) == 0
    assert not (path.parent / (path.name + "-wal")).exists()
    conn = sqlite3.connect(path)
    assert conn.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
    conn.close()
    assert townships(path) == restored_state
    # The replaced workspace, WAL included, was kept as a backup.
    with Store(path) as store:
        kept = [b for b in store.backups() if b.reason == "before-restore"]
    assert len(kept) == 1 and all(name.endswith("（改）") for name in townships(kept[0].path))


def test_a_killed_backup_leaves_nothing_listed_and_is_cleaned_up_later(store, tmp_path):
    good = store.backup(reason="manual")
    folder = good.parent
    temp = folder / ".20250101-000000-000000-manual.db.backup-0123456789ab.tmp"
    temp.write_bytes(b"SQLite format 3\x00" + b"\x00" * 200)  # cut short by a kill
    orphan = folder / "20250101-000000-000001-manual.db"  # renamed, but its record never written
    orphan.write_bytes(b"half")
    assert [b.path for b in store.backups()] == [good]
    old = time.time() - 2 * 3600
    for path in (temp, orphan):
        os.utime(path, (old, old))
    store.backup(reason="manual")
    assert not temp.exists() and not orphan.exists()
    assert all(verify(b) == "ok" for b in store.backups())


def test_a_damaged_workspace_is_not_backed_up_over_good_ones(seeded):
    made = [seeded.backup(reason="manual") for _ in range(10)]
    seeded.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    damage(seeded.path)
    with pytest.raises(DamagedWorkspaceError, match="未通过完整性检查"):
        seeded.backup(reason="manual")
    assert [b.path for b in seeded.backups()] == made[::-1]
    assert sorted(p.name for p in made[0].parent.iterdir()) == sorted(
        [p.name for p in made] + [p.with_suffix(".json").name for p in made]
    )


def test_evidence_is_backed_up_once_and_restored_byte_identical(seeded, tmp_path):
    finding = seeded.query("SELECT id FROM findings LIMIT 1")[0]["id"]
    photo = tmp_path / "整改照片.jpg"
    photo.write_bytes(os.urandom(50_000))
    seeded.findings.attach(finding, photo)
    first, second = seeded.backup(reason="manual"), seeded.backup(reason="manual")
    stored = list((first.parent / "files").rglob("*"))
    assert len([p for p in stored if p.is_file()]) == 1  # shared by both backups
    seeded.close()
    shutil.rmtree(seeded.path.parent / (seeded.path.name + ".files"))
    assert main(["restore", str(second), "--db", str(seeded.path)]) == 0
    with Store(seeded.path) as store:
        attachment = store.findings.attachments(finding)[0]
        assert store.findings.verify(attachment)
        assert store.findings.attachment_path(attachment).read_bytes() == photo.read_bytes()


def test_a_damaged_evidence_copy_is_found_by_verify(seeded, tmp_path):
    finding = seeded.query("SELECT id FROM findings LIMIT 1")[0]["id"]
    photo = tmp_path / "p.jpg"
    photo.write_bytes(b"photo")
    seeded.findings.attach(finding, photo)
    backup = seeded.backup(reason="manual")
    stored = next(p for p in (backup.parent / "files").rglob("*") if p.is_file())
    stored.write_bytes(b"photx")
    assert "佐证材料" in verify(seeded.backups()[0])


def test_no_backup_for_a_rejected_import_one_for_a_written_one(seeded, tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_text("企业名称,统一社会信用代码\n示例企业（演示）,不是代码\n", encoding="utf-8")
    for _ in range(12):
        assert main(["import", "enterprises", str(bad), "--db", str(seeded.path)]) == 1
    assert seeded.backups() == []
    good = tmp_path / "good.csv"
    good.write_text("企业名称,所属镇街\n示例新企业（演示）,北海街道\n", encoding="utf-8")
    before = seeded.scalar("SELECT COUNT(*) FROM enterprises")
    assert main(["import", "enterprises", str(good), "--db", str(seeded.path)]) == 0
    made = seeded.backups()
    assert [b.reason for b in made] == ["before-import-enterprises"]
    copy = sqlite3.connect(made[0].path)  # the state before the batch, not after
    assert copy.execute("SELECT COUNT(*) FROM enterprises").fetchone()[0] == before
    copy.close()


def test_backups_command_lists_path_time_reason_size_and_check(seeded, capsys):
    seeded.backup(reason="manual")
    seeded.backup(reason="before-demo-removal")
    assert main(["backups", "--db", str(seeded.path), "--json", "--verify"]) == 0
    listed = json.loads(capsys.readouterr().out)
    assert [b["reason"] for b in listed] == ["before-demo-removal", "manual"]
    for b in listed:
        assert os.path.getsize(b["path"]) == b["size"] and b["check"] == "ok"
        datetime.fromisoformat(b["created_at"])
    assert main(["backups", "--db", str(seeded.path)]) == 0
    text = capsys.readouterr().out
    assert "删除演示数据前" in text and "检查通过" in text


def test_backup_output_never_overwrites_a_workspace_or_a_file_unasked(pair, tmp_path, capsys):
    w, w2024 = pair
    before = hashlib.sha256(w2024.read_bytes()).hexdigest()
    assert main(["backup", "--db", str(w), "-o", str(w)]) == 1
    assert main(["backup", "--db", str(w), "-o", str(w2024)]) == 1
    assert "另一个工作区" in capsys.readouterr().err
    assert hashlib.sha256(w2024.read_bytes()).hexdigest() == before
    notes = tmp_path / "notes.db"
    notes.write_text("x")
    assert main(["backup", "--db", str(w), "-o", str(notes)]) == 1
    assert main(["backup", "--db", str(w), "-o", str(notes), "--force"]) == 0
    assert townships(notes) == townships(w)
    assert main(["backup", "--db", str(w), "-o", str(w), "--force"]) == 1


def test_restore_refuses_a_damaged_backup_and_changes_nothing(seeded, tmp_path, capsys):
    backup = seeded.backup(reason="manual")
    seeded.close()
    damage(backup)
    before = hashlib.sha256(seeded.path.read_bytes()).hexdigest()
    assert main(["restore", str(backup), "--db", str(seeded.path)]) == 2
    assert "已损坏" in capsys.readouterr().err
    assert hashlib.sha256(seeded.path.read_bytes()).hexdigest() == before


def test_restore_onto_a_damaged_workspace_keeps_its_bytes(seeded):
    backup = seeded.backup(reason="manual")
    seeded.close()
    path = seeded.path
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])
    result = restore(backup, path, datetime.now().astimezone())
    assert result.kept.name.startswith(path.name + ".before-restore-")
    assert result.kept.read_bytes() == data[: len(data) // 2]
    assert townships(path) == townships(backup)


def test_a_year_of_backups_is_thinned_like_ankis(tmp_path):
    """A year of weekly use, then a month of daily use: what is left is what retention promises."""
    now = [datetime(2024, 1, 1, 8, 0, tzinfo=UTC)]
    daily_from = datetime(2025, 2, 13, 8, 0, tzinfo=UTC)
    with Store(tmp_path / "w.ycdesk", clock=lambda: now[0]) as s:
        while now[0] < datetime(2025, 3, 15, 8, 0, tzinfo=UTC):
            s.backup(reason="manual")
            now[0] += timedelta(days=1 if now[0] >= daily_from else 7)
        kept = s.backups()
    days = {b.created_at.date() for b in kept}
    assert len(kept) < 40
    # Every one of the last 7 days, and one in each of the last 12 months, is still there.
    last = max(days)
    assert all(last - timedelta(days=i) in days for i in range(7))
    assert len({(d.year, d.month) for d in days}) == 12


def test_the_backup_being_restored_is_not_rotated_out_by_the_restore(tmp_path):
    path = tmp_path / "w.ycdesk"
    create_workspace(path, demo=False)
    with Store(path) as store:
        made = []
        for i in range(10):  # the rotation keeps ten: the oldest is next to go
            store.set_meta("marker", str(i))
            made.append(store.backup(reason="manual"))
    restore(made[0], path, datetime.now().astimezone())
    with Store(path) as store:
        assert store.meta("marker") == "0"
        listed = [b.path for b in store.backups()]
    assert made[0] in listed and len(listed) == 11


def test_a_full_disk_during_backup_is_exit_3_and_leaves_nothing(seeded, monkeypatch, capsys):
    import errno

    import ycdesk.backups

    good = seeded.backup(reason="manual")

    def full(temp, final):
        raise OSError(errno.ENOSPC, "No space left on device", str(final))

    monkeypatch.setattr(ycdesk.backups, "publish", full)
    assert main(["backup", "--db", str(seeded.path)]) == 3
    assert "磁盘空间不足" in capsys.readouterr().err
    assert [b.path for b in seeded.backups()] == [good]
    assert sorted(p.name for p in good.parent.iterdir()) == sorted([good.name, good.with_suffix(".json").name])


def test_restore_refuses_a_workspace_another_connection_has_open(seeded, capsys):
    backup = seeded.backup(reason="manual")
    seeded.update("townships", seeded.townships.id_for("北海街道"), {"position": 99})
    before = townships(seeded.path)
    # `seeded` stays open, idle, as an open ycdesk window would.
    assert main(["restore", str(backup), "--db", str(seeded.path)]) == 3
    assert "正被其他程序使用" in capsys.readouterr().err
    assert seeded.scalar("SELECT position FROM townships WHERE name = '北海街道'") == 99
    assert townships(seeded.path) == before


def test_an_import_whose_backup_fails_writes_nothing(seeded, tmp_path, monkeypatch, capsys):
    """The import's backup is copied on another thread; a copy that fails (here: the disk
    fills while it is written) still stops the import before anything is committed."""
    import errno

    import ycdesk.backups

    def full(*args):
        raise OSError(errno.ENOSPC, "No space left on device", "backup")

    monkeypatch.setattr(ycdesk.backups, "_copy_database", full)
    good = tmp_path / "good.csv"
    good.write_text("企业名称,所属镇街\n示例新企业（演示）,北海街道\n", encoding="utf-8")
    before = seeded.scalar("SELECT COUNT(*) FROM enterprises")
    assert main(["import", "enterprises", str(good), "--db", str(seeded.path)]) == 3
    assert "磁盘空间不足" in capsys.readouterr().err
    assert seeded.scalar("SELECT COUNT(*) FROM enterprises") == before
    assert seeded.backups() == []
    assert [p for p in (seeded.path.parent / "backups").rglob("*") if p.is_file()] == []  # no copy left behind
