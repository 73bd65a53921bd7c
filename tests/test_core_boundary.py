"""ycdesk/ is the headless core: it must never import PySide6 (CLI, tests, servers)."""

import ast
import subprocess
import sys
from pathlib import Path

CORE = Path(__file__).resolve().parent.parent / "ycdesk"


def test_no_pyside6_import_statement_in_core():
    offenders = []
    for path in CORE.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = []
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            if any(n.split(".")[0] in ("PySide6", "ui", "pyqtgraph") for n in names):
                # The CLI's lazy imports of ui.app (gui, --self-test) are the one allowed door.
                if not (path.name == "cli.py" and names == ["ui.app"]):
                    offenders.append(f"{path.relative_to(CORE)}:{node.lineno}")
    assert offenders == []


def test_importing_every_core_module_loads_no_qt():
    code = (
        "import pkgutil, importlib, sys, ycdesk\n"
        "for m in pkgutil.walk_packages(ycdesk.__path__, 'ycdesk.'):\n"
        "    if not m.name.endswith('__main__'): importlib.import_module(m.name)\n"
        "import ycdesk.cli; ycdesk.cli.build_parser()\n"
        "bad = [m for m in sys.modules if m.startswith(('PySide6', 'shiboken6', 'pyqtgraph'))]\n"
        "print(bad); sys.exit(1 if bad else 0)\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            cwd=CORE.parent)
    assert result.returncode == 0, result.stdout + result.stderr
