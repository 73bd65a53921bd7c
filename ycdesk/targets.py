"""Targets as the plan writes them (``<28``, ``≥92``, ``100``, ``完成``, ``完成省市下达指标``).

The text is always kept; the parsed form drives status. Text that cannot be parsed is
kept too, with kind ``unparsed`` so the UI can flag it instead of guessing.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

_OPS = {
    "<": "<",
    "＜": "<",
    "≤": "<=",
    "<=": "<=",
    "＜=": "<=",
    ">": ">",
    "＞": ">",
    "≥": ">=",
    ">=": ">=",
    "＞=": ">=",
    "=": "=",
    "": "=",
}
_NUMBER = r"([0-9]+(?:\.[0-9]+)?)"
_SIMPLE = re.compile(r"^(<=|>=|＜=|＞=|[<>≤≥＜＞=])?\s*" + _NUMBER + r"\s*%?\s*(?:[，,；;]\s*(.*))?$")
_RANGE = re.compile(r"^" + _NUMBER + r"\s*[-~～—至]\s*" + _NUMBER + r"\s*%?$")

MILESTONE_WORDS = ("完成",)
DEFERRED_WORDS = ("完成省市下达指标", "省市下达")
NONE_WORDS = ("", "/", "—", "-", "无")


@dataclass(frozen=True)
class Target:
    text: str
    kind: str  # numeric | range | milestone | deferred | none | unparsed
    op: str | None = None  # <, <=, >, >=, = (for numeric)
    value: Decimal | None = None
    high: Decimal | None = None  # upper bound of a range
    note: str | None = None

    def as_row(self) -> dict:
        return {
            "target_text": self.text,
            "target_kind": self.kind,
            "target_op": self.op,
            "target_value": None if self.value is None else str(self.value),
            "target_high": None if self.high is None else str(self.high),
        }


def _full_to_half(s: str) -> str:
    return "".join(chr(ord(c) - 0xFEE0) if "\uff10" <= c <= "\uff19" or c == "\uff0e" else c for c in s)


def parse_target(text: str | None) -> Target:
    raw = (text or "").strip()
    s = _full_to_half(raw).replace(" ", "")
    if s in NONE_WORDS:
        return Target(raw, "none")
    if any(word in s for word in DEFERRED_WORDS):
        return Target(raw, "deferred")
    if s in MILESTONE_WORDS or s.startswith("完成") or s in ("建成", "达到"):
        return Target(raw, "milestone")
    m = _RANGE.match(s)
    if m:
        low, high = Decimal(m.group(1)), Decimal(m.group(2))
        if low <= high:
            return Target(raw, "range", value=low, high=high)
    m = _SIMPLE.match(s)
    if m:
        return Target(raw, "numeric", _OPS[m.group(1) or ""], Decimal(m.group(2)), note=m.group(3) or None)
    return Target(raw, "unparsed")
