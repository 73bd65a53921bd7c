"""Every file dialog of the app goes through here, so each opens in the folder the user
last chose a file in (remembered across starts) instead of the program's folder."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QFileDialog

from ui.settings import Settings

KEY = "dialogs/folder"


def _settings(parent) -> Settings:
    # The main window's own settings where there is one (tests give it a private file).
    window = parent.window() if parent is not None else None
    found = getattr(window, "settings", None)
    return found if isinstance(found, Settings) else Settings()


def last_folder(parent) -> str:
    folder = _settings(parent).get(KEY)
    return folder if folder and Path(folder).is_dir() else ""


def _start(parent, name: str) -> str:
    folder = last_folder(parent)
    if not name:
        return folder
    return str(Path(folder) / name) if folder else name


def _remember(parent, path: str) -> str:
    if path:
        _settings(parent).set(KEY, str(Path(path).parent))
    return path


def open_file(parent, title: str, filters: str = "") -> str:
    path, _ = QFileDialog.getOpenFileName(parent, title, _start(parent, ""), filters)
    return _remember(parent, path)


def open_files(parent, title: str, filters: str = "") -> list[str]:
    paths, _ = QFileDialog.getOpenFileNames(parent, title, _start(parent, ""), filters)
    if paths:
        _remember(parent, paths[0])
    return paths


def save_file(parent, title: str, name: str = "", filters: str = "") -> str:
    """``name`` is the suggested file name, placed in the remembered folder."""
    path, _ = QFileDialog.getSaveFileName(parent, title, _start(parent, name), filters)
    return _remember(parent, path)
