"""Benchmark: the quarterly report over a workspace with 1,000,000 findings.

Usage: python tests/bench/bench_report.py [N] [WORKSPACE]
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from make_big import build  # noqa: E402

from ycdesk.reports import evaluation, quarterly  # noqa: E402
from ycdesk.store import Store  # noqa: E402


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000
    path = Path(sys.argv[2]) if len(sys.argv) > 2 else Path(tempfile.mkdtemp()) / "big.ycdesk"
    if not path.exists():
        print(f"workspace with {n:,} findings: built in {build(path, n):.1f} s")
    out = Path(tempfile.mkdtemp())
    with Store(path, operator="基准") as store:
        count = store.scalar("SELECT COUNT(*) FROM findings")
        for label, fn in (
            ("quarterly 2025Q4 (全区)", lambda: quarterly.build(store, "2025Q4", out / "q.pdf")),
            ("quarterly 2024Q3 (塔山街道)", lambda: quarterly.build(store, "2024Q3", out / "t.pdf", township="塔山街道")),
            ("evaluation 2025", lambda: evaluation.build(store, 2025, out / "e.pdf")),
        ):
            start = time.perf_counter()
            fn()
            print(f"  {label:<28} {time.perf_counter() - start:6.2f} s   ({count:,} findings)")


if __name__ == "__main__":
    main()
