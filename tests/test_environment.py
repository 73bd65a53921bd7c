"""Problems of the computer, not the input (issue #14): a Chinese message and exit 3, never a
traceback; an input that is a folder: exit 2; a read-only workspace opens read-only; and
outputs never overwrite the workspace, an input or another workspace."""

import errno
import os
import sqlite3

import pytest

import ycdesk.store as store_module
from ycdesk.cli import main
from ycdesk.errors import EnvironmentProblem, UserError
from ycdesk.outputs import check_output_path
from ycdesk.store import Store

IS_ROOT = hasattr(os, "geteuid") and os.geteuid() == 0


@pytest.fixture
def db(seeded):
    seeded.close()
    return str(seeded.path)


def test_locked_workspace_is_exit_3_after_the_busy_wait(db, monkeypatch, capsys):
    monkeypatch.setattr(store_module, "BUSY_TIMEOUT_MS", 50)
    holder = sqlite3.connect(db, isolation_level=None)
    holder.execute("BEGIN EXCLUSIVE")
    try:
        assert main(["demo", "remove", "--db", db]) == 3
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    err = capsys.readouterr().err
    assert "正被其他程序或窗口写入" in err and "Traceback" not in err
    assert main(["demo", "count", "--db", db]) == 0 and capsys.readouterr().out.strip() != "0"


def test_disk_full_in_sqlite_and_in_a_file_write_is_exit_3(db, monkeypatch, capsys, tmp_path):
    import ycdesk.export
    import ycdesk.seed

    def full_db(store):
        raise sqlite3.OperationalError("database or disk is full")

    monkeypatch.setattr(ycdesk.seed, "remove_demo", full_db)
    assert main(["demo", "remove", "--db", db]) == 3
    assert "磁盘空间已满" in capsys.readouterr().err

    def full_disk(store, table, path, progress=None, as_of=None):
        raise OSError(errno.ENOSPC, "No space left on device", str(path))

    monkeypatch.setattr(ycdesk.export, "export_table", full_disk)
    assert main(["export", "findings", "--db", db, "-o", str(tmp_path / "f.xlsx")]) == 3
    err = capsys.readouterr().err
    assert "磁盘空间已满" in err and "f.xlsx" in err


def test_missing_folder_is_exit_3(db, tmp_path, monkeypatch, capsys):
    import ycdesk.imports.template

    target = tmp_path / "U盘" / "模板.xlsx"

    def unplugged(store, kind, path):  # the folder went away between the check and the write
        raise FileNotFoundError(errno.ENOENT, "No such file or directory", str(path))

    monkeypatch.setattr(ycdesk.imports.template, "write_template", unplugged)
    assert main(["template", "findings", "--db", db, "-o", str(target)]) == 3
    assert f"文件夹不存在：{target.parent}" in capsys.readouterr().err


def test_damaged_table_page_is_unreadable_not_a_traceback(db, capsys):
    conn = sqlite3.connect(db)
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    root, size = conn.execute(
        "SELECT rootpage, (SELECT page_size FROM pragma_page_size) FROM sqlite_master WHERE name = 'findings'"
    ).fetchone()
    conn.close()
    with open(db, "r+b") as fh:
        fh.seek(size * (root - 1))
        fh.write(b"\x0d" + b"\xff" * 200)
    assert main(["summary", "--db", db]) == 2
    err = capsys.readouterr().err
    assert "工作区文件已损坏" in err and "ycdesk check" in err and "Traceback" not in err
    assert main(["check", "--db", db]) == 1
    assert "数据库完整性" in capsys.readouterr().out


def test_input_that_is_a_folder_is_exit_2(db, tmp_path, capsys):
    folder = tmp_path / "表格.csv"
    folder.mkdir()
    assert main(["import", "findings", str(folder), "--db", db]) == 2
    err = capsys.readouterr().err
    assert "文件夹" in err and "Traceback" not in err


def test_readonly_database_error_from_sqlite_is_exit_3(db, monkeypatch, capsys):
    import ycdesk.seed

    def readonly(store):
        raise sqlite3.OperationalError("attempt to write a readonly database")

    monkeypatch.setattr(ycdesk.seed, "remove_demo", readonly)
    assert main(["demo", "remove", "--db", db]) == 3
    assert "工作区不可写" in capsys.readouterr().err


@pytest.fixture
def readonly_files(monkeypatch):
    """Tests run as root, whom chmod does not stop: say the file is read-only instead (the
    Store then opens it with mode=ro, which SQLite enforces for root too)."""
    monkeypatch.setattr(store_module, "readonly_reason", lambda path: "文件只读" if path.is_file() else None)


def test_readonly_workspace_views_exports_and_dry_runs_but_refuses_writes(db, readonly_files, tmp_path, capsys):
    before = sqlite3.connect(db).execute("SELECT COUNT(*), MAX(seq) FROM history").fetchone()
    assert main(["summary", "--db", db]) == 0
    out = tmp_path / "f.csv"
    assert main(["export", "findings", "--db", db, "-o", str(out)]) == 0
    assert main(["import", "findings", str(out), "--db", db, "--dry-run"]) == 0
    assert "试运行" in capsys.readouterr().out
    for command in (["import", "findings", str(out), "--db", db], ["demo", "remove", "--db", db]):
        assert main(command) == 3
        err = capsys.readouterr().err
        assert "只读（文件只读），不能修改" in err and "Traceback" not in err
    assert sqlite3.connect(db).execute("SELECT COUNT(*), MAX(seq) FROM history").fetchone() == before
    assert not (tmp_path / "backups").exists()  # a refused write makes no backup either


def test_readonly_store_refuses_each_write_in_chinese(seeded, tmp_path):
    seeded.close()
    with Store(seeded.path, readonly=True) as store:
        assert store.readonly and store.scalar("SELECT COUNT(*) FROM projects") == 29
        project = store.scalar("SELECT id FROM projects LIMIT 1")
        for write in (
            lambda: store.update("projects", project, {"note": "x"}),
            lambda: store.set_meta("k", "v"),
            lambda: store.findings.set_soon_days(3),
        ):
            with pytest.raises(EnvironmentProblem, match="只读"):
                write()
        # Even past the Store's own guard, SQLite refuses (mode=ro), and that maps to exit 3.
        with pytest.raises(sqlite3.OperationalError, match="readonly") as caught:
            store.conn.execute("UPDATE meta SET value = 'x'")
        from ycdesk.environment import environment_problem

        assert environment_problem(caught.value).exit_code == 3


@pytest.mark.skipif(IS_ROOT, reason="root writes through chmod; covered by readonly_files above")
def test_chmod_readonly_file_and_folder_open_readonly(seeded, tmp_path):
    seeded.close()
    path = seeded.path
    os.chmod(path, 0o444)
    try:
        with Store(path) as store:
            assert store.readonly_reason == "文件只读"
    finally:
        os.chmod(path, 0o644)
    for side in ("-wal", "-shm"):
        assert not os.path.exists(str(path) + side)
    os.chmod(path.parent, 0o555)
    try:
        with Store(path) as store:
            assert store.readonly_reason == "所在文件夹不可写"
            assert store.scalar("SELECT COUNT(*) FROM projects") == 29
    finally:
        os.chmod(path.parent, 0o755)


# -- outputs never overwrite inputs ----------------------------------------------------------


def test_rejected_onto_the_workspace_is_refused_and_the_workspace_survives(db, tmp_path, capsys):
    bad = tmp_path / "bad.csv"
    bad.write_text("企业名称,考核年度,考核级别,问题类别,问题描述\n甲,不是年份,区级,识别标志,x\n", encoding="utf-8")
    before = open(db, "rb").read()
    assert main(["import", "findings", str(bad), "--db", db, "--rejected", db]) == 1
    assert "工作区文件本身" in capsys.readouterr().err
    assert open(db, "rb").read() == before
    assert main(["import", "findings", str(bad), "--db", db, "--rejected", str(bad)]) == 1
    assert "输入文件本身" in capsys.readouterr().err
    assert bad.read_text(encoding="utf-8").startswith("企业名称")


def test_output_onto_another_workspace_or_the_input_is_refused(db, tmp_path, capsys):
    other = tmp_path / "other.ycdesk"
    with Store(other, operator="x"):
        pass
    before = other.read_bytes()
    for command in (
        ["export", "projects", "--db", db, "-o", str(other)],
        ["report", "evaluation", "--year", "2023", "--db", db, "-o", str(other)],
        ["template", "findings", "--db", db, "-o", str(other)],
    ):
        assert main(command) == 1, command
        assert "另一个 ycdesk 工作区" in capsys.readouterr().err
    assert other.read_bytes() == before
    assert main(["export", "projects", "--db", db, "-o", db + "-wal"]) == 1
    assert "工作区文件本身" in capsys.readouterr().err


def test_check_output_path_allows_ordinary_files_and_refuses_the_rest(tmp_path):
    ws = tmp_path / "w.ycdesk"
    with Store(ws, operator="x"):
        pass
    plain = tmp_path / "out.xlsx"
    plain.write_bytes(b"old export")
    assert check_output_path(plain, workspace=ws) == plain  # an old export may be replaced
    assert check_output_path(tmp_path / "new.pdf", workspace=ws)
    for path, words in (
        (ws, "工作区文件本身"),
        (tmp_path / "." / "w.ycdesk", "工作区文件本身"),
        (tmp_path / "w.ycdesk.files" / "ab" / "x", "佐证材料文件夹"),
        (tmp_path, "文件夹"),
    ):
        with pytest.raises(UserError, match=words):
            check_output_path(path, workspace=ws)
    with pytest.raises(UserError, match="输入文件本身"):
        check_output_path(plain, workspace=ws, inputs=[str(plain)])
