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
        Option("indicators/header", b"", bytes),
        Option("indicators/filters", "", str),
    )
}


class Settings:
    def __init__(self, qsettings: QSettings | None = None) -> None:
        self.q = qsettings or QSettings(ORGANIZATION, APPLICATION)

    def get(self, key: str) -> Any:
        option = OPTIONS[key]
        value = self.q.value(key, option.default)
        if option.kind is bytes:
            return bytes(value) if value else b""
        try:
            return option.kind(value)
        except (TypeError, ValueError):  # a hand-edited or older settings file
            return option.default

    def set(self, key: str, value: Any) -> None:
        if key not in OPTIONS:
            raise KeyError(key)
        self.q.setValue(key, value)
