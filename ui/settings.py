"""Typed settings over QSettings, declared once (after Picard's options)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QSettings

ORGANIZATION = "越城区生态环境分局"
APPLICATION = "ycdesk"


@dataclass(frozen=True)
class Option:
    key: str
    default: Any
    kind: type


OPTIONS = {
    o.key: o
    for o in (
        Option("window/geometry", b"", bytes),
        Option("window/state", b"", bytes),
        Option("window/tab", 0, int),
        Option("workspace/last", "", str),
        Option("dialogs/folder", "", str),  # where the last file was chosen (ui.file_dialogs)
        Option("operator", "", str),
        # Per workspace (see Settings.get's ``workspace``): a table's header (column widths
        # and sort) and a tab's filters belong to the workspace they were chosen in.
        Option("indicators/header", b"", bytes),
        Option("indicators/filters", "", str),
        Option("projects/header", b"", bytes),
        Option("findings/header", b"", bytes),
        Option("findings/filters", "", str),
    )
}


class Settings:
    def __init__(self, qsettings: QSettings | None = None) -> None:
        self.q = qsettings or QSettings(ORGANIZATION, APPLICATION)

    @staticmethod
    def _where(key: str, workspace: str | None) -> str:
        # QSettings keys are paths: the workspace id is a plain hex text, kept as a group.
        return key if workspace is None else f"workspaces/{workspace}/{key}"

    def get(self, key: str, workspace: str | None = None) -> Any:
        """The value of ``key``; with ``workspace`` (a workspace's id), the value saved for
        that workspace only, never another's."""
        option = OPTIONS[key]
        value = self.q.value(self._where(key, workspace), option.default)
        if option.kind is bytes:
            return bytes(value) if value else b""
        try:
            return option.kind(value)
        except (TypeError, ValueError):  # a hand-edited or older settings file
            return option.default

    def set(self, key: str, value: Any, workspace: str | None = None) -> None:
        if key not in OPTIONS:
            raise KeyError(key)
        self.q.setValue(self._where(key, workspace), value)


def workspace_key(store) -> str:
    """What remembered view state is filed under: the workspace's id, so the same workspace
    under another file name keeps its state and another workspace never sees it. A
    workspace made without an id is given one now (as its first backup would), so the key
    does not change later."""
    return store.ensure_workspace_id()
