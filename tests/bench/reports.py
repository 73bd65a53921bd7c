"""Reports over the big workspace, for ``run_all.py``: run as a script in its own process,
it builds the quarterly report (全区 and one township) and the final evaluation once each
and prints one JSON line of seconds.

Usage: python tests/bench/reports.py WORKSPACE
"""

from __future__ import annotations

import json
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))


def measure(path: str) -> dict:
    from ycdesk.reports import evaluation, quarterly
    from ycdesk.store import Store

    out_dir = Path(tempfile.mkdtemp())
    out = {}
    with Store(path, operator="基准") as store:
        for label, fn in (
            ("quarterly", lambda: quarterly.build(store, "2025Q4", out_dir / "q.pdf")),
            ("quarterly township", lambda: quarterly.build(store, "2024Q3", out_dir / "t.pdf", township="塔山街道")),
            ("evaluation", lambda: evaluation.build(store, 2025, out_dir / "e.pdf")),
        ):
            start = time.perf_counter()
            fn()
            out[label] = time.perf_counter() - start
    return out


if __name__ == "__main__":
    print(json.dumps(measure(sys.argv[1])))
