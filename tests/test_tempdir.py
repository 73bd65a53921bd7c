"""Temporary files (issue #14): one folder per process, removed on every path; the folders
of runs that were killed are removed at the next start."""

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from ycdesk import tempdir
from ycdesk.export import export_table

ROOT = Path(__file__).resolve().parents[1]


def test_one_folder_per_process_made_on_first_use_and_removed_by_cleanup():
    folder = tempdir.process_dir()
    assert folder.name.startswith(f"ycdesk-{os.getpid()}-") and folder.is_dir()
    assert tempdir.process_dir() == folder
    with tempdir.scratch("read-") as scratch:
        (scratch / "part0.xlsx").write_bytes(b"x")
        assert scratch.parent == folder
    assert not scratch.exists()
    with pytest.raises(RuntimeError), tempdir.scratch("read-") as scratch:
        raise RuntimeError("a failed read")
    assert not scratch.exists()
    tempdir.cleanup()
    assert not folder.exists()
    assert tempdir.process_dir() != folder  # made again when next needed


def test_stale_folders_of_dead_processes_are_removed_live_ones_kept(tmp_path):
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()  # its pid is now free: a process that no longer runs
    dead = tmp_path / f"ycdesk-{child.pid}-abc123"
    (dead / "read-x").mkdir(parents=True)
    (dead / "read-x" / "part0.xlsx").write_bytes(b"0" * 1000)
    alive = tmp_path / f"ycdesk-{os.getpid()}-def456"
    alive.mkdir()
    other = tmp_path / "ycdesk-selftest-xyz"  # not a per-process folder: left alone
    other.mkdir()
    assert tempdir.remove_stale(tmp_path) == [dead]
    assert not dead.exists() and alive.exists() and other.exists()


def test_a_killed_run_leaves_a_folder_that_the_next_start_removes(tmp_path):
    env = {**os.environ, "TMPDIR": str(tmp_path)}
    child = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sys, time\nfrom ycdesk.tempdir import process_dir, scratch\n"
            "m = scratch('read-')\ns = m.__enter__()\n(s / 'part0.xlsx').write_bytes(b'0' * 100000)\n"
            "print(s, flush=True)\ntime.sleep(600)",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        text=True,
    )
    part_folder = Path(child.stdout.readline().strip())
    assert part_folder.is_dir()
    os.kill(child.pid, signal.SIGKILL)  # no atexit, no finally
    child.wait()
    child.stdout.close()
    assert part_folder.exists()  # what a killed import left behind
    subprocess.run(
        [sys.executable, "-m", "ycdesk", "init", "--no-demo", "--db", str(tmp_path / "w.ycdesk")],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
    )
    assert not part_folder.parent.exists()
    assert not list(tmp_path.glob("ycdesk-*"))  # and the new run removed its own at exit


def test_a_cancelled_xlsx_export_leaves_no_file_and_no_scratch_files(seeded, tmp_path):
    out = tmp_path / "out" / "findings.xlsx"

    def cancel(done, total):
        if done >= 200:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        export_table(seeded, "findings", out, progress=cancel)
    assert not out.exists() and not list(out.parent.iterdir())
    assert not list(tempdir.process_dir().iterdir())
