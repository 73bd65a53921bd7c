"""ycdesk/ is the headless core: it must never import PySide6 or the application (ui/), and ui/
reads and writes through the core's named methods only."""

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
            # No exception, not even a lazy one: the application registers its GUI on the
            # core's command line (ui.launcher), never the other way round.
            if any(n.split(".")[0] in ("PySide6", "ui", "pyqtgraph") for n in names):
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
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=CORE.parent)
    assert result.returncode == 0, result.stdout + result.stderr


UI = CORE.parent / "ui"
SQL = __import__("re").compile(
    r"\b(SELECT\s.+\sFROM|INSERT\s+INTO|DELETE\s+FROM|UPDATE\s+\w+\s+SET|CREATE\s+(TABLE|INDEX)"
    r"|PRAGMA\s)",
    __import__("re").IGNORECASE,
)
PRIVATE = __import__("re").compile(r"\bstore\.(conn|query|scalar|_\w+)\b|\.(meta|set_meta)\(")


def ui_offences(root: Path) -> list[str]:
    """SQL text, or reaching into the store's connection, raw queries or meta keys, in ui/:
    the UI reads and writes through the core's named methods only."""
    found = []
    for path in root.rglob("*.py"):
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            code = line.split("#", 1)[0]
            if SQL.search(code) or PRIVATE.search(code):
                found.append(f"{path.relative_to(root.parent)}:{number}: {line.strip()}")
    return found


def test_ui_has_no_sql_and_no_private_store_access():
    assert ui_offences(UI) == []


def test_the_ui_check_catches_a_planted_query(tmp_path):
    planted = tmp_path / "ui" / "tabs"
    planted.mkdir(parents=True)
    (planted / "bad.py").write_text(
        'rows = self.store.query("SELECT id FROM findings WHERE status = ?", (s,))\n'
        'x = "select name from audits"\nkey = store.meta("import_mapping:findings")\n',
        encoding="utf-8",
    )
    assert len(ui_offences(tmp_path / "ui")) == 3
