"""Mnemonics (Alt+letter) for menu entries built from a registry (one per export table,
one per import kind): the list grows when an area is registered, so the letters are
assigned here rather than written into each title, and never clash within the menu."""

from __future__ import annotations

from string import ascii_uppercase

# The letter a table or import kind asks for first: the initial of its English name.
LETTERS = {
    "projects": "P",
    "indicators": "I",
    "observations": "O",
    "investments": "M",  # money: I is the indicators'
    "initiatives": "R",  # reforms
    "townships": "T",
    "enterprises": "E",
    "audits": "A",
    "findings": "F",
    "audit_aggregates": "G",
    "sludge": "S",
    "history": "H",
}


def with_mnemonic(text: str, letter: str | None) -> str:
    """``导入批次…`` with H → ``导入批次(&H)…`` (Chinese style: the letter after the text)."""
    if not letter:
        return text
    base, dots = (text[:-1], "…") if text.endswith("…") else (text, "")
    return f"{base}(&{letter}){dots}"


def assign(keys: list[str], taken: set[str] = frozenset()) -> dict[str, str | None]:
    """A letter for each key, unique among them and not in ``taken``: its own (LETTERS)
    when free, else the first free one; None once all 26 are used."""
    used = set(taken)
    out: dict[str, str | None] = {}
    for key in keys:  # the keys with a letter of their own first, so a newcomer cannot take it
        if LETTERS.get(key) and LETTERS[key] not in used:
            out[key] = LETTERS[key]
            used.add(out[key])
    for key in keys:
        if key not in out:
            out[key] = next((c for c in ascii_uppercase if c not in used), None)
            used.add(out[key])
    return {key: out[key] for key in keys}
