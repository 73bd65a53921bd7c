"""Benchmark: township ↔ district exchange packages (issue #16).

1. A township's quarter: about 500 changed rows (rectification moves on 240 of its
   findings — the finding and its lifecycle event each — and 20 evidence files) exported
   at the township and imported at the district. Target: < 1 s each.
2. The initial district → township slice of a district holding 100,000 findings of that
   township's enterprises, exported at the district and imported at the township.
   Target: < 10 s each.

Each step is timed end to end as a user runs it (child process start included).
Usage: python tests/bench/bench_exchange.py [FINDINGS]
"""

from __future__ import annotations

import os
import resource
import shutil
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from ycdesk.exchange import enrolment, packages  # noqa: E402
from ycdesk.seed import init_workspace  # noqa: E402
from ycdesk.store import Store  # noqa: E402
from ycdesk.store.history import install_triggers  # noqa: E402
from ycdesk.store.ids import new_ids  # noqa: E402

TOWNSHIP = "城南街道"


def _add_findings(store: Store, count: int) -> None:
    """``count`` open findings on the township's audits, loaded in bulk (fixture data)."""
    audits = [
        r["id"]
        for r in store.query(
            "SELECT a.id FROM audits a JOIN enterprises e ON e.id = a.enterprise_id "
            "JOIN townships t ON t.id = e.township_id WHERE t.name = ?",
            (TOWNSHIP,),
        )
    ]
    now = store.now()
    store.conn.execute("DROP TRIGGER history_findings_insert")
    store.conn.execute("BEGIN IMMEDIATE")
    store.conn.executemany(
        "INSERT INTO findings (id, created_at, updated_at, audit_id, category, description, deadline, status) "
        "VALUES (?,?,?,?,?,?,?,'待整改')",
        [
            (fid, now, now, audits[i % len(audits)], "识别标志", f"基准问题{i}", "2026-12-31")
            for i, fid in enumerate(new_ids(count))
        ],
    )
    store.conn.execute("COMMIT")
    install_triggers(store.conn, "findings")


def _timed(label: str, fn):
    """Wall time, and CPU time of this process plus the exchange child process: on a
    shared machine the CPU seconds say more than the wall clock."""
    start, own, child = (
        time.perf_counter(),
        resource.getrusage(resource.RUSAGE_SELF),
        resource.getrusage(resource.RUSAGE_CHILDREN),
    )
    result = fn()
    elapsed = time.perf_counter() - start
    own2, child2 = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = sum(
        getattr(b, f) - getattr(a, f) for a, b in ((own, own2), (child, child2)) for f in ("ru_utime", "ru_stime")
    )
    print(f"{label}: {elapsed:.2f} s wall, {cpu:.2f} s CPU (load average {os.getloadavg()[0]:.1f})")
    return result, elapsed


def quarter(folder: Path) -> dict:
    district, township, key = folder / "区.ycdesk", folder / "镇.ycdesk", folder / "镇.key"
    with Store(district, operator="基准") as d:
        init_workspace(d)
        _add_findings(d, 300)
        enrolment.enroll(d, TOWNSHIP, key)
        packages.export_package(d, folder / "slice.ycx", TOWNSHIP)
    with Store(township, operator="基准") as t:
        init_workspace(t)
        enrolment.bind(t, key)
        packages.import_package(t, folder / "slice.ycx")
        findings = [
            r["id"] for r in t.query("SELECT id FROM findings WHERE description LIKE '基准问题%' ORDER BY id LIMIT 240")
        ]
        for fid in findings:
            t.findings.transition(fid, "整改中")
        for i, fid in enumerate(findings[:20]):
            photo = folder / f"photo{i}.jpg"
            photo.write_bytes(bytes([i]) * 200_000)  # 200 KB each, 4 MB in all
            t.findings.attach(fid, photo)
        out, export_s = _timed("township quarter package: export", lambda: packages.export_package(t, folder / "q.ycx"))
    with Store(district, operator="基准") as d:
        outcome, import_s = _timed(
            "township quarter package: import at the district", lambda: packages.import_package(d, folder / "q.ycx")
        )
    print(
        f"  {out['rows']} rows, {out['files']} files, {(folder / 'q.ycx').stat().st_size / 1e6:.1f} MB; "
        f"applied {outcome.applied}, conflicts {len(outcome.conflicts)}"
    )
    return {"export": export_s, "import": import_s, "rows": out["rows"]}


def initial_slice(folder: Path, count: int) -> dict:
    district, township, key = folder / "区.ycdesk", folder / "镇.ycdesk", folder / "镇.key"
    with Store(district, operator="基准") as d:
        init_workspace(d)
        _add_findings(d, count)
        enrolment.enroll(d, TOWNSHIP, key)
        out, export_s = _timed(
            f"initial slice ({count} findings): export at the district",
            lambda: packages.export_package(d, folder / "slice.ycx", TOWNSHIP),
        )
    with Store(township, operator="基准") as t:
        init_workspace(t)
        enrolment.bind(t, key)
        outcome, import_s = _timed(
            f"initial slice ({count} findings): import at the township",
            lambda: packages.import_package(t, folder / "slice.ycx"),
        )
        assert t.scalar("SELECT COUNT(*) FROM findings WHERE description LIKE '基准问题%'") == count
    print(f"  {out['rows']} rows, {(folder / 'slice.ycx').stat().st_size / 1e6:.1f} MB; applied {outcome.applied}")
    return {"export": export_s, "import": import_s}


if __name__ == "__main__":
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 100_000
    for job in (quarter, lambda f: initial_slice(f, n)):
        folder = Path(tempfile.mkdtemp(prefix="ycdesk-bench-exchange-"))
        try:
            job(folder)
        finally:
            shutil.rmtree(folder, ignore_errors=True)
