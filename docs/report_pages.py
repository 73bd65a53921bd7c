"""Render every report kind to page images in docs/ (the README links them).

Usage: python docs/report_pages.py   (needs pdftoppm from poppler-utils)
"""

import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from ycdesk.reports import evaluation, notice, quarterly  # noqa: E402
from ycdesk.seed import init_workspace  # noqa: E402
from ycdesk.store import Store  # noqa: E402

if not shutil.which("pdftoppm"):
    sys.exit("pdftoppm not found (Debian: apt-get install poppler-utils)")
for old in HERE.glob("report-*.png"):
    old.unlink()
with tempfile.TemporaryDirectory() as tmp, Store(Path(tmp) / "w.ycdesk", operator="演示用户") as store:
    init_workspace(store)
    audit = store.query("""SELECT a.id FROM audits a JOIN enterprises e ON e.id = a.enterprise_id
                           WHERE a.year = 2025 AND e.township_id IS NOT NULL
                           AND (SELECT COUNT(*) FROM findings f WHERE f.audit_id = a.id) BETWEEN 4 AND 8
                           ORDER BY a.audit_date LIMIT 1""")[0]["id"]
    builds = {
        "quarterly": lambda p: quarterly.build(store, "2025Q4", p),
        "township": lambda p: quarterly.build(store, "2025Q4", p, township="塔山街道"),
        "evaluation-2023": lambda p: evaluation.build(store, 2023, p),
        "evaluation-2025": lambda p: evaluation.build(store, 2025, p),
        "notice": lambda p: notice.build(store, audit, p),
    }
    for name, build in builds.items():
        pdf = Path(tmp) / f"{name}.pdf"
        build(pdf)
        subprocess.run(["pdftoppm", "-r", "70", "-png", str(pdf), str(HERE / f"report-{name}")], check=True)
for png in sorted(HERE.glob("report-*.png")):
    print(png.name)
