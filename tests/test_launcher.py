"""The installed ``ycdesk`` command is the application's (ui.launcher): it adds the GUI to the
core's command line; ``python -m ycdesk`` is the core alone and says where the GUI is."""

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_the_launcher_starts_the_gui_by_default_and_runs_core_commands(monkeypatch, seeded, capsys):
    from ui.launcher import main

    started = []
    monkeypatch.setattr("ui.app.run", lambda db=None, operator=None: started.append((db, operator)) or 0)
    assert main([]) == 0
    assert main(["gui", "--db", "乙.ycdesk", "--operator", "张三"]) == 0
    assert started == [(None, None), ("乙.ycdesk", "张三")]
    assert main(["summary", "--db", str(seeded.path)]) == 0  # dispatched to the core
    assert "29" in capsys.readouterr().out


def test_the_core_command_line_has_no_gui_and_says_where_it_is():
    result = subprocess.run([sys.executable, "-m", "ycdesk", "gui"], capture_output=True, text=True, cwd=ROOT)
    assert result.returncode == 2 and "python -m ui" in result.stderr
    result = subprocess.run([sys.executable, "-m", "ycdesk"], capture_output=True, text=True, cwd=ROOT)
    assert result.returncode == 0 and "ycdesk gui" in result.stdout and " gui " not in result.stdout
    assert "PySide6" not in result.stderr


def test_the_installed_command_points_at_the_launcher():
    import tomllib

    scripts = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]["scripts"]
    assert scripts == {"ycdesk": "ui.launcher:main"}
    assert "from ui.launcher import main" in (ROOT / "build_installer.py").read_text(encoding="utf-8")
