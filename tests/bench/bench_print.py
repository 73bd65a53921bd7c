"""Printing benchmark: print preview (time to first page, peak memory) and printing to a
PDF printer at 1200 dpi (time, peak memory), each in its own process so the peak is its own.

Usage: python tests/bench/bench_print.py [PERIOD]   (default 2025Q4, on the demo workspace)
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

CHILD = r"""
import json, os, resource, sys, time
os.environ["QT_QPA_PLATFORM"] = "offscreen"
sys.path.insert(0, sys.argv[1])
from PySide6.QtWidgets import QApplication
from PySide6.QtPrintSupport import QPrinter
from ui.tabs.reports.preview import paint_pages
app = QApplication([])
mode, pdf, out = sys.argv[2], sys.argv[3], sys.argv[4]
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
printer = QPrinter(QPrinter.ScreenResolution if mode == "preview" else QPrinter.HighResolution)
printer.setOutputFormat(QPrinter.PdfFormat)
printer.setOutputFileName(out)
start = time.perf_counter()
first = []
pages = paint_pages(printer, pdf, lambda done, total: first or first.append(time.perf_counter() - start))
total = time.perf_counter() - start
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(json.dumps({"pages": pages, "first": first[0], "total": total, "peak_mb": peak / 1024,
                  "qt_mb": before / 1024, "dpi": printer.resolution()}))
"""


def main() -> None:
    period = sys.argv[1] if len(sys.argv) > 1 else "2025Q4"
    from ycdesk.reports import quarterly
    from ycdesk.seed import init_workspace
    from ycdesk.store import Store

    with tempfile.TemporaryDirectory() as tmp:
        with Store(Path(tmp) / "w.ycdesk", operator="基准") as store:
            init_workspace(store)
            quarterly.build(store, period, Path(tmp) / "q.pdf")
        rows = []
        for mode in ("preview", "print"):
            out = subprocess.run(
                [
                    sys.executable,
                    "-c",
                    CHILD,
                    str(ROOT),
                    mode,
                    str(Path(tmp) / "q.pdf"),
                    str(Path(tmp) / f"{mode}.pdf"),
                ],
                capture_output=True,
                text=True,
                check=True,
            )
            rows.append((mode, json.loads(out.stdout.strip().splitlines()[-1])))
    print(f"季度报告 {period}，{rows[0][1]['pages']} 页")
    print("| 操作 | 打印机分辨率 | 首页 | 全部 | 进程峰值内存 | 其中 Qt 与程序启动 |")
    print("|---|---|---|---|---|---|")
    for mode, r in rows:
        label = "打印预览（屏幕分辨率）" if mode == "preview" else "打印到 PDF 打印机（按 300 dpi 绘制）"
        print(
            f"| {label} | {r['dpi']} dpi | {r['first']:.2f} s | {r['total']:.2f} s | {r['peak_mb']:.0f} MB "
            f"| {r['qt_mb']:.0f} MB |"
        )


if __name__ == "__main__":
    main()
