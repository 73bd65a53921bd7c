"""Crash trials: kill -9 at random moments during import, undo-import, backup, restore and init.

    python tests/bench/crash_trials.py [--trials 50] [--seed 14] [--ops import,undo,backup,restore,init]

Each trial runs the real ``ycdesk`` command in a child process on a small workspace
(plan data, no demo records) and sends SIGKILL after a random delay between the
interpreter's start-up time and 1.1× the command's measured duration. Then it checks what a user would rely on:

- the workspace passes ``PRAGMA integrity_check``;
- the data is all-or-nothing: an import left either the whole batch or none of it, an
  undo either undid the whole batch or nothing, a restore left either the old content or
  the backup's;
- every backup listed for the workspace passes ``verify`` (quick_check, recorded hash,
  evidence files) — a killed backup is never in the rotation;
- a killed ``init`` left either no file under the final name or a complete workspace.

The workspaces persist across the trials of one operation, so backups accumulate and the
rotation itself is killed too. POSIX only (SIGKILL).
"""

from __future__ import annotations

import argparse
import os
import random
import signal
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from ycdesk.backups import list_backups, verify  # noqa: E402
from ycdesk.store import Store  # noqa: E402
from ycdesk.store.probe import probe  # noqa: E402
from ycdesk.workspace import create_workspace  # noqa: E402

ROWS = 1500  # rows per imported batch


def ycdesk(*args) -> list[str]:
    return [sys.executable, "-m", "ycdesk", *map(str, args)]


def run_killed(argv, delay: float, env) -> tuple[bool, float]:
    """Run ``argv``; SIGKILL it after ``delay`` s unless it finished. Returns (killed, seconds)."""
    start = time.perf_counter()
    proc = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)
    try:
        proc.wait(timeout=delay)
    except subprocess.TimeoutExpired:
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        return True, time.perf_counter() - start
    return False, time.perf_counter() - start


def integrity(path: Path) -> str:
    conn = sqlite3.connect(path)
    try:
        return "；".join(r[0] for r in conn.execute("PRAGMA integrity_check"))
    finally:
        conn.close()


def count(path: Path, sql: str):
    conn = sqlite3.connect(path)
    try:
        return conn.execute(sql).fetchone()[0]
    finally:
        conn.close()


def backups_ok(path: Path) -> str:
    found = probe(path, check=False)
    bad = [
        f"{b.path.name}: {check}"
        for b in list_backups(path, found.workspace_id)
        if not b.legacy and (check := verify(b)) != "ok"
    ]
    return "；".join(bad) or "ok"


def write_csv(path: Path, tag: str) -> None:
    lines = ["企业名称,所属镇街,行业"] + [f"示例{tag}企业{i:05d}（演示）,北海街道,化工" for i in range(ROWS)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def temp_files(folder: Path) -> list[Path]:
    """Leftovers of a write cut short (atomic.temp_beside names), anywhere under ``folder``."""
    return [p for p in folder.rglob(".*.tmp*")]


# -- one operation each: prepare(i) → argv, check() → problem or "" ---------------------------


class ImportTrial:
    name = "import"

    def __init__(self, folder: Path) -> None:
        self.ws = folder / "import.ycdesk"
        create_workspace(self.ws, "试验", demo=False)

    def prepare(self, i: int) -> list[str]:
        self.csv = self.ws.parent / f"import-{i}.csv"
        write_csv(self.csv, f"导入{i}")
        self.before = count(self.ws, "SELECT COUNT(*) FROM enterprises")
        self.batches = count(self.ws, "SELECT COUNT(*) FROM import_batches")
        return ycdesk("import", "enterprises", self.csv, "--db", self.ws)

    def check(self) -> str:
        after = count(self.ws, "SELECT COUNT(*) FROM enterprises")
        batches = count(self.ws, "SELECT COUNT(*) FROM import_batches")
        if (after, batches) not in ((self.before, self.batches), (self.before + ROWS, self.batches + 1)):
            return f"partial import: {after - self.before} rows, {batches - self.batches} batches"
        return ""


class UndoTrial:
    name = "undo-import"

    def __init__(self, folder: Path) -> None:
        self.ws = folder / "undo.ycdesk"
        create_workspace(self.ws, "试验", demo=False)

    def prepare(self, i: int) -> list[str]:
        from ycdesk.imports import import_file

        csv = self.ws.parent / f"undo-{i}.csv"
        write_csv(csv, f"撤销{i}")
        with Store(self.ws, operator="试验") as store:
            self.batch = import_file(store, "enterprises", csv).batch_id
        self.with_batch = count(self.ws, "SELECT COUNT(*) FROM enterprises")
        return ycdesk("undo-import", self.batch, "--db", self.ws)

    def check(self) -> str:
        rows = count(self.ws, "SELECT COUNT(*) FROM enterprises")
        conn = sqlite3.connect(self.ws)
        undone = conn.execute("SELECT undone_at FROM import_batches WHERE id = ?", (self.batch,)).fetchone()[0]
        conn.close()
        if (rows, bool(undone)) not in ((self.with_batch, False), (self.with_batch - ROWS, True)):
            return f"partial undo: {self.with_batch - rows} rows removed, undone_at={undone}"
        return ""


class BackupTrial:
    name = "backup"

    def __init__(self, folder: Path) -> None:
        self.ws = folder / "backup.ycdesk"
        create_workspace(self.ws, "试验", demo=False)
        with Store(self.ws, operator="试验") as store:  # evidence, so backups carry files too
            audit = store.audits.add_audit(
                {
                    "enterprise_id": store.audits.add_enterprise({"name": "示例企业（演示）"}),
                    "year": 2024,
                    "level": "区级",
                }
            )
            finding = store.audits.add_finding(
                {"audit_id": audit, "category": "识别标志", "description": "标志缺失", "status": "待整改"}
            )
            for k in range(3):
                photo = folder / f"photo-{k}.jpg"
                photo.write_bytes(os.urandom(200_000))
                store.findings.attach(finding, photo)

    def prepare(self, i: int) -> list[str]:
        with Store(self.ws, operator="试验") as store:  # every backup a little different
            store.set_meta("trial", str(i))
        return ycdesk("backup", "--db", self.ws)

    def check(self) -> str:
        return ""


class RestoreTrial:
    name = "restore"

    def __init__(self, folder: Path) -> None:
        self.ws = folder / "restore.ycdesk"
        create_workspace(self.ws, "试验", demo=False)

    def prepare(self, i: int) -> list[str]:
        with Store(self.ws, operator="试验") as store:
            store.set_meta("marker", f"backup-{i}")
            self.backup = store.backup(reason="manual")
            self.backup_rows = store.scalar("SELECT COUNT(*) FROM enterprises")
            store.set_meta("marker", f"old-{i}")
            for k in range(50):
                store.insert("enterprises", {"name": f"示例恢复{i}-{k}（演示）"})
            self.old_rows = store.scalar("SELECT COUNT(*) FROM enterprises")
        if i % 3 == 0:  # a writer that died without a checkpoint: the old content partly in -wal
            code = (
                "import sqlite3, os, sys; c = sqlite3.connect(sys.argv[1], isolation_level=None); "
                "[c.create_function(f, 0, lambda: '试验') for f in ('ycdesk_now', 'ycdesk_operator')]; "
                "c.execute('PRAGMA wal_autocheckpoint = 0'); "
                "c.execute(\"UPDATE meta SET value = value || '-wal' WHERE key = 'marker'\"); os._exit(0)"
            )
            subprocess.run([sys.executable, "-c", code, str(self.ws)], check=True)
        self.old_marker = f"old-{i}" + ("-wal" if i % 3 == 0 else "")
        self.backup_marker = f"backup-{i}"
        return ycdesk("restore", self.backup, "--db", self.ws)

    def check(self) -> str:
        conn = sqlite3.connect(self.ws)
        marker = conn.execute("SELECT value FROM meta WHERE key = 'marker'").fetchone()[0]
        rows = conn.execute("SELECT COUNT(*) FROM enterprises").fetchone()[0]
        conn.close()
        if (marker, rows) not in ((self.old_marker, self.old_rows), (self.backup_marker, self.backup_rows)):
            return f"mixed content: marker {marker}, {rows} rows"
        return ""


class InitTrial:
    name = "init"

    def __init__(self, folder: Path) -> None:
        self.folder = folder / "init"
        self.folder.mkdir()
        self.ws = None

    def prepare(self, i: int) -> list[str]:
        self.ws = self.folder / f"w{i}.ycdesk"
        return ycdesk("init", "--db", self.ws, "--no-demo")

    def check(self) -> str:
        if not self.ws.exists():
            return ""  # nothing under the final name: as if never started
        found = probe(self.ws)
        if not found.ok or not found.workspace_id:
            return f"half-built workspace: {found.kind} {found.detail}"
        if count(self.ws, "SELECT COUNT(*) FROM projects") != 29:
            return "workspace without the full plan"
        return ""


TRIALS = {"import": ImportTrial, "undo": UndoTrial, "backup": BackupTrial, "restore": RestoreTrial, "init": InitTrial}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--trials", type=int, default=50)
    parser.add_argument("--seed", type=int, default=14)
    parser.add_argument("--ops", default=",".join(TRIALS))
    args = parser.parse_args()
    rng = random.Random(args.seed)
    rows = []
    with tempfile.TemporaryDirectory(prefix="ycdesk-crash-") as tmp:
        env = {**os.environ, "YCDESK_HOME": str(Path(tmp) / "home"), "PYTHONPATH": str(ROOT)}
        startup = min(run_killed(ycdesk("--version"), 600, env)[1] for _ in range(3))
        for key in args.ops.split(","):
            folder = Path(tmp) / key
            folder.mkdir()
            trial = TRIALS[key](folder)
            # Calibrate: how long the command takes when left alone (three runs, the fastest
            # counts: on a busy machine a slow run would put most kills after the end).
            durations = []
            for i in range(3):
                argv = trial.prepare(-1 - i)
                killed, seconds = run_killed(argv, 600, env)
                durations.append(seconds)
                problem = trial.check()
                assert not problem, f"{key} failed without a kill: {problem}"
            # Kills land between interpreter start-up and a little past the usual end.
            low, high = startup, min(durations) * 1.1
            ok, killed_count, mid_write, failures = 0, 0, 0, []
            for i in range(args.trials):
                argv = trial.prepare(i)
                before = set(temp_files(trial.ws.parent))
                killed, _s = run_killed(argv, rng.uniform(low, high), env)
                killed_count += killed
                mid_write += bool(set(temp_files(trial.ws.parent)) - before)
                problems = [trial.check()]
                if trial.ws.exists():
                    check, listed = integrity(trial.ws), backups_ok(trial.ws)
                    problems += [
                        "" if check == "ok" else f"integrity: {check}",
                        "" if listed == "ok" else f"backups: {listed}",
                    ]
                problems = [p for p in problems if p]
                if problems:
                    failures.append(f"trial {i}: " + "；".join(problems))
                else:
                    ok += 1
            rows.append(
                (trial.name, args.trials, killed_count, mid_write, ok, len(failures), statistics.median(durations))
            )
            for f in failures[:5]:
                print(f"  {key} {f}", file=sys.stderr)
            print(f"{trial.name}: {ok}/{args.trials} ok, {killed_count} killed", file=sys.stderr, flush=True)
    print()
    print(f"解释器启动 {startup:.2f} s；kill 时刻在启动之后、正常耗时的 1.1 倍之内均匀随机")
    print("| 操作 | 试验次数 | 被 kill -9 | 其中留下临时文件（写到一半） | 通过 | 失败 | 单次耗时（未中断） |")
    print("|---|---|---|---|---|---|---|")
    for name, trials, killed, mid, ok, failed, seconds in rows:
        print(f"| {name} | {trials} | {killed} | {mid} | {ok} | {failed} | {seconds:.2f} s |")
    return 1 if any(r[5] for r in rows) else 0


if __name__ == "__main__":
    sys.exit(main())
