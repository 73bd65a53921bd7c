"""The one translation function of the core.

Messages in ycdesk/ are written in Simplified Chinese and pass through ``_()`` so that a
catalogue can later map them to another language without touching call sites. The Qt
side uses ``tr()`` for its own strings.
"""

from __future__ import annotations

_catalogue: dict[str, str] = {}


def _(message: str) -> str:
    return _catalogue.get(message, message)


def install(catalogue: dict[str, str]) -> None:
    _catalogue.clear()
    _catalogue.update(catalogue)
