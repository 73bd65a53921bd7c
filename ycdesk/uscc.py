"""统一社会信用代码 (GB 32100-2015): 18 characters with a mod-31 check character.

A malformed code (length or characters outside the standard's set) is an error. A wrong
check character is only a warning: some early real codes fail the check and must still
be recorded as issued.
"""

from __future__ import annotations

from dataclasses import dataclass

from ycdesk.i18n import _

# The standard's 31 characters: digits and capitals without I, O, S, V, Z.
CHARSET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28]
_VALUE = {c: i for i, c in enumerate(CHARSET)}


@dataclass(frozen=True)
class CodeCheck:
    code: str
    error: str | None = None
    warning: str | None = None

    @property
    def ok(self) -> bool:
        return self.error is None and self.warning is None


def normalize(code: str) -> str:
    # Full-width letters/digits and stray spaces come from hand-typed sheets.
    out = []
    for ch in code.strip():
        if "\uff01" <= ch <= "\uff5e":
            ch = chr(ord(ch) - 0xFEE0)
        if not ch.isspace():
            out.append(ch.upper())
    return "".join(out)


def check_character(first17: str) -> str:
    total = sum(_VALUE[c] * w for c, w in zip(first17, WEIGHTS))
    return CHARSET[(31 - total % 31) % 31]


def validate(code: str) -> CodeCheck:
    code = normalize(code)
    if len(code) != 18:
        return CodeCheck(code, error=_("统一社会信用代码应为18位，“{0}”为{1}位").format(code, len(code)))
    bad = sorted({c for c in code if c not in _VALUE})
    if bad:
        return CodeCheck(code, error=_("统一社会信用代码“{0}”含有不允许的字符：{1}").format(code, "".join(bad)))
    expected = check_character(code[:17])
    if code[17] != expected:
        return CodeCheck(
            code,
            warning=_("统一社会信用代码“{0}”校验位应为{1}，请核对").format(code, expected),
        )
    return CodeCheck(code)


def make(first17: str) -> str:
    """Complete 17 characters with their check character (used for demo records)."""
    return first17 + check_character(first17)
