"""File dialogs open where the user last chose a file, everywhere in the app."""

from __future__ import annotations

import re
from pathlib import Path

from PySide6.QtWidgets import QFileDialog

ROOT = Path(__file__).resolve().parent.parent


def test_every_file_dialog_goes_through_the_helper():
    direct = [
        str(p.relative_to(ROOT))
        for p in (ROOT / "ui").rglob("*.py")
        if p.name != "file_dialogs.py" and re.search(r"QFileDialog\.get", p.read_text(encoding="utf-8"))
    ]
    assert direct == []


def test_the_next_dialog_starts_in_the_last_folder(main_window, tmp_path, monkeypatch):
    asked = []
    folder = tmp_path / "报表"
    folder.mkdir()

    def fake_save(parent, title, start, filters):
        asked.append(start)
        return str(folder / "指标.xlsx"), ""

    monkeypatch.setattr(QFileDialog, "getSaveFileName", fake_save)
    monkeypatch.setattr(
        QFileDialog, "getOpenFileName", lambda parent, title, start, filters: asked.append(start) or ("", "")
    )
    main_window.export("indicators")
    assert asked[0] == "指标.xlsx"  # nothing remembered yet
    main_window.open_workspace()  # a different dialog, cancelled: still starts in that folder
    assert Path(asked[1]) == folder
    main_window.tab(0).export_chart()
    assert Path(asked[2]) == folder / "指标趋势.png"
    assert main_window.settings.get("dialogs/folder") == str(folder)
