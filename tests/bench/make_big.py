"""Build a workspace with N synthetic findings for benchmarks (not part of the test run)."""

from __future__ import annotations

import random
import sys
import time
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from ycdesk.seed import init_workspace  # noqa: E402
from ycdesk.store import Store, derived  # noqa: E402
from ycdesk.store.history import install_triggers  # noqa: E402
from ycdesk.store.ids import new_id  # noqa: E402

CATEGORIES = ["识别标志", "管理计划", "申报登记/管理台账", "转移联单", "贮存设施", "应急预案备案"]
WORDS = ["贮存场所", "识别标志", "台账记录", "转移联单", "防渗措施", "渗滤液收集", "应急演练", "管理计划"]
# Roughly what years of audits leave behind: most findings closed, some still open.
STATUSES = ["待整改"] * 4 + ["整改中"] * 3 + ["已整改"] * 3 + ["已销号"] * 90


def build(path: Path, findings: int, seed: int = 7) -> float:
    rng = random.Random(seed)
    start = time.perf_counter()
    path.unlink(missing_ok=True)
    with Store(path, operator="基准") as store:
        init_workspace(store)
        audits = [r["id"] for r in store.query("SELECT id FROM audits")]
        now = store.now()
        # Bulk fixture data: the per-row history trigger is dropped for the load and
        # restored; the search index and per-audit counts are filled once at the end, as
        # Store.bulk_insert does.
        store.conn.execute("DROP TRIGGER history_findings_insert")
        store.conn.execute("BEGIN IMMEDIATE")
        before = store.scalar("SELECT COALESCE(MAX(rowid), 0) FROM findings")
        triggers = derived.drop_insert_triggers(store.conn, "findings")
        rows = []
        for i in range(findings):
            status = rng.choice(STATUSES)
            deadline = date(2021, 1, 1) + timedelta(days=rng.randrange(2200))
            done = (deadline - timedelta(days=3)).isoformat() if status in ("已整改", "已销号") else None
            rows.append(
                (
                    new_id(),
                    now,
                    now,
                    rng.choice(audits),
                    rng.choice(CATEGORIES),
                    f"{rng.choice(WORDS)}问题{i}",
                    deadline.isoformat(),
                    status,
                    done,
                )
            )
            if len(rows) == 50_000:
                store.conn.executemany(
                    "INSERT INTO findings (id, created_at, updated_at, audit_id, category, description, "
                    "deadline, status, rectified_date) VALUES (?,?,?,?,?,?,?,?,?)",
                    rows,
                )
                rows.clear()
        if rows:
            store.conn.executemany(
                "INSERT INTO findings (id, created_at, updated_at, audit_id, category, description, "
                "deadline, status, rectified_date) VALUES (?,?,?,?,?,?,?,?,?)",
                rows,
            )
        derived.fill(store.conn, "findings", before)
        for sql in triggers:
            store.conn.execute(sql)
        store.conn.execute("COMMIT")
        install_triggers(store.conn, "findings")
        store.conn.execute("ANALYZE")
    return time.perf_counter() - start


if __name__ == "__main__":
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000
    target = Path(sys.argv[2]) if len(sys.argv) > 2 else Path("/tmp/ycdesk-big.ycdesk")
    print(f"built {n} findings in {build(target, n):.1f} s → {target}")
