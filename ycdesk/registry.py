"""Declaring an entry in one of the core's registries (import kinds, report kinds, export
tables): each key is declared once, and a second declaration is a programming error."""

from __future__ import annotations


def declare(entries: dict, key: str, value, what: str):
    if key in entries:
        raise ValueError(f"{what} {key!r} declared twice")
    entries[key] = value
    return value
