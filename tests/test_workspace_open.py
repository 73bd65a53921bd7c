"""A workspace is created only on purpose: opening refuses what is not one and changes nothing.

Issue #14: a 0-byte file was filled with plan and demo data by `summary` and `export`, a
foreign SQLite file given as --db was migrated into a workspace, and a killed `init` could
leave an empty workspace that later opened without a warning.
"""

import hashlib
import shutil
import sqlite3

import pytest

from ycdesk.cli import main
from ycdesk.errors import UnreadableFileError, UserError
from ycdesk.store import Store
from ycdesk.store.probe import probe
from ycdesk.workspace import WorkspaceProblem, create_workspace, open_workspace


def damage(path, pages=10):
    """Overwrite pages of the history table's b-tree: the schema still reads, quick_check does not."""
    conn = sqlite3.connect(path)
    root = conn.execute("SELECT rootpage FROM sqlite_master WHERE name = 'history'").fetchone()[0]
    size = conn.execute("PRAGMA page_size").fetchone()[0]
    conn.close()
    with open(path, "r+b") as fh:
        for page in range(root + 5, root + 5 + pages):
            fh.seek((page - 1) * size + 100)
            fh.write(b"\xff" * 2000)


def make_bad(kind, folder, template):
    path = folder / f"{kind}.ycdesk"
    if kind == "empty":
        path.write_bytes(b"")
    elif kind == "text":
        path.write_text("会议纪要", encoding="utf-8")
    elif kind == "foreign":
        conn = sqlite3.connect(path)
        conn.execute("CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT)")
        conn.execute("INSERT INTO notes (body) VALUES ('别人的数据')")
        conn.commit()
        conn.close()
    elif kind == "foreign-versioned":  # a user_version but none of our tables
        conn = sqlite3.connect(path)
        conn.execute("CREATE TABLE settings (k TEXT, v TEXT)")
        conn.execute("PRAGMA user_version = 7")
        conn.commit()
        conn.close()
    elif kind == "blank":  # a valid SQLite file with no tables at all
        conn = sqlite3.connect(path)
        conn.execute("CREATE TABLE t (x)")
        conn.execute("DROP TABLE t")
        conn.close()
    elif kind == "truncated":
        data = template.read_bytes()
        path.write_bytes(data[: len(data) // 2])
    elif kind == "damaged":
        shutil.copy(template, path)
        damage(path)
    return path


BAD = ["empty", "text", "foreign", "foreign-versioned", "blank", "truncated", "damaged"]


@pytest.fixture
def template(tmp_path, _seeded_template):
    path = tmp_path / "template" / "good.ycdesk"
    path.parent.mkdir()
    shutil.copy(_seeded_template, path)
    return path


def digest(path):
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.mark.parametrize("kind", BAD)
def test_read_and_import_commands_refuse_a_file_that_is_not_a_workspace(kind, tmp_path, template, capsys):
    folder = tmp_path / "w"
    folder.mkdir()
    path = make_bad(kind, folder, template)
    before, listing = digest(path), sorted(p.name for p in folder.iterdir())
    csv_file = tmp_path / "e.csv"
    csv_file.write_text("企业名称\n示例企业（演示）\n", encoding="utf-8")
    out = tmp_path / "p.csv"
    for argv in (
        ["summary"],
        ["export", "projects", "-o", str(out)],
        ["import", "enterprises", str(csv_file)],
        ["backup"],
    ):
        assert main([*argv, "--db", str(path)]) == 2, argv
        err = capsys.readouterr().err
        assert "错误：" in err and str(path) in err
    assert digest(path) == before
    assert sorted(p.name for p in folder.iterdir()) == listing  # no -wal, no backups folder
    assert not out.exists()


@pytest.mark.parametrize(
    "kind, words",
    [
        ("empty", "0 字节"),
        ("foreign", "其他程序的 SQLite 数据库"),
        ("blank", "空的 SQLite"),
        ("truncated", "不完整"),
        ("damaged", "已损坏"),
        ("text", "不是 ycdesk 工作区文件"),
    ],
)
def test_each_refusal_says_what_is_wrong(kind, words, tmp_path, template):
    path = make_bad(kind, tmp_path, template)
    with pytest.raises(WorkspaceProblem, match=words) as info:
        open_workspace(path)
    assert info.value.exit_code == 2 and info.value.kind == probe(path).kind


def test_refusal_names_the_newest_good_backup_and_the_restore_command(tmp_path, template, capsys):
    path = tmp_path / "w.ycdesk"
    shutil.copy(template, path)
    with Store(path) as store:
        store.backup(reason="manual")
        newest = store.backup(reason="manual")
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 3])
    assert main(["summary", "--db", str(path)]) == 2
    err = capsys.readouterr().err
    assert str(newest) in err and f'ycdesk restore "{newest}" --db "{path}"' in err
    # The hint is by file name when the id cannot be read; the restore it names works.
    assert main(["restore", str(newest), "--db", str(path)]) == 0
    assert main(["summary", "--db", str(path), "--json"]) == 0


def test_store_refuses_a_foreign_sqlite_file_instead_of_migrating_it(tmp_path, template):
    path = make_bad("foreign", tmp_path, template)
    before = digest(path)
    with pytest.raises(UnreadableFileError, match="不是 ycdesk 工作区"):
        Store(path)
    assert digest(path) == before


def test_missing_workspace_is_not_created_by_reading(tmp_path, capsys):
    path = tmp_path / "nope.ycdesk"
    assert main(["summary", "--db", str(path)]) == 2
    assert "不存在" in capsys.readouterr().err and not path.exists()


def test_init_refuses_an_existing_workspace_and_force_keeps_the_old_one(tmp_path, capsys):
    path = tmp_path / "w.ycdesk"
    assert main(["init", "--db", str(path), "--no-demo"]) == 0
    with Store(path) as store:
        old_id = store.workspace_id
        store.set_meta("note", "旧工作区")
    before = digest(path)
    assert main(["init", "--db", str(path)]) == 1
    assert "不能重复初始化" in capsys.readouterr().err
    assert digest(path) == before
    assert main(["init", "--db", str(path), "--force"]) == 0
    with Store(path) as store:
        assert store.workspace_id not in (None, old_id) and store.meta("note") is None
    from ycdesk.backups import list_backups

    kept = list_backups(path, old_id)
    assert [b.reason for b in kept] == ["before-init"] and kept[0].ok
    old = sqlite3.connect(kept[0].path)
    assert old.execute("SELECT value FROM meta WHERE key = 'note'").fetchone() == ("旧工作区",)
    old.close()


def test_init_may_fill_an_empty_file_but_not_a_foreign_one(tmp_path, template):
    empty = make_bad("empty", tmp_path, template)
    create_workspace(empty, demo=False)
    assert probe(empty).ok
    foreign = make_bad("foreign", tmp_path, template)
    before = digest(foreign)
    with pytest.raises(UserError, match="--force"):
        create_workspace(foreign, demo=False)
    assert digest(foreign) == before
    create_workspace(foreign, demo=False, force=True)
    assert probe(foreign).ok
    kept = list(tmp_path.glob("foreign.ycdesk.before-init-*"))
    assert len(kept) == 1 and kept[0].read_bytes() and digest(kept[0]) == before


def test_an_interrupted_init_leaves_no_workspace_under_the_final_name(tmp_path, monkeypatch):
    import ycdesk.seed

    def fail_half_way(store, **kwargs):
        ycdesk.seed.load_plan(store)
        raise KeyboardInterrupt  # the process stopped between plan and demo data

    monkeypatch.setattr(ycdesk.seed, "init_workspace", fail_half_way)
    path = tmp_path / "w.ycdesk"
    with pytest.raises(KeyboardInterrupt):
        create_workspace(path)
    assert list(tmp_path.iterdir()) == []  # neither the workspace nor a temporary file


def test_init_gives_each_workspace_its_own_id(tmp_path):
    ids = set()
    for name in ("a.ycdesk", "b.ycdesk"):
        create_workspace(tmp_path / name, demo=False)
        with open_workspace(tmp_path / name) as store:
            ids.add(store.workspace_id)
    assert len(ids) == 2 and None not in ids
