"""Check a worksheet's XML against the read limits before calamine parses it.

calamine sizes a sheet by the cells it finds: one cell at A1 and one at XFD1048576 make it
allocate the whole rectangle between them (hundreds of GB) and the process aborts — not an
exception anyone can catch. So the sheet's XML is streamed from the zip and every cell
reference is checked first, at the speed of ``re`` over a few MB at a time:

- One regular expression finds each ``<c`` start tag that is *not* of the everyday form
  ``<c r="A1" s="…" t="…">`` with its reference inside the limits. Nearly every cell
  matches the everyday form, so the expression reports almost nothing and costs one scan.
- Each reported tag is then read exactly, as calamine reads it: the *last* ``r`` attribute
  counts, lower-case letters and leading zeros are accepted, an empty ``<c …/>`` holds no
  value and is ignored. A cell with content but no ``r`` (calamine would place it by
  counting) is refused: the scan cannot bound it without tracking every row.
- Elements with a namespace prefix (``<x:c>``, as the .NET Open XML SDK writes) are
  checked the same way with the prefix of the sheet's root element; any other prefixed
  cell is reported and read exactly.
- A ``<!DOCTYPE`` (entity declarations: XXE, billion laughs) is refused outright.
- Text: every stretch of ``max_cell_chars`` bytes must contain a cell start (found with
  ``rfind`` from the far end of each window, so a few thousand calls per 100 MB). Where one
  does not, that cell's text is measured exactly. A single text longer than ten bytes per
  allowed character is refused as soon as it is seen, so a 200 MB cell is refused after
  reading a few hundred KB of it.

The text check trusts the tags it sees; a cell could hide its length behind tags calamine
ignores inside ``<is>``. ``reader.check_rows`` measures every text again after reading, and
the uncompressed-size limit bounds what such a file can cost before that.
"""

from __future__ import annotations

import re
import zipfile

from ycdesk.errors import UnreadableFileError
from ycdesk.i18n import _
from ycdesk.imports.limits import ReadLimits

CHUNK = 2 * 2**20
SLACK = 10  # bytes per character at most: "&#x10FFFF;"
_ROOT = re.compile(rb"<(?:([A-Za-z_][\w.-]*):)?(worksheet|sst)[\s>]")
_DIMENSION = re.compile(rb"<(?:[\w.-]+:)?dimension\b[^>]*?\sref\s*=\s*[\"']([^\"']*)[\"']")
_R_ATTR = re.compile(rb"""(?<=[\s"'])r\s*=\s*(["'])(.*?)\1""", re.S)
_REF = re.compile(rb"([A-Za-z]+)([0-9]+)")
_ENTITY = re.compile(rb"&(?:#[0-9]+|#x[0-9A-Fa-f]+|[A-Za-z]+);")
_TAG = re.compile(rb"<[^>]*>")
_START_TAG = re.compile(rb"""<[^>"']*(?:(?:"[^"]*"|'[^']*')[^>"']*)*>""")


def column_name(number: int) -> str:
    """1 → A, 27 → AA, 16384 → XFD."""
    name = ""
    while number > 0:
        number, rest = divmod(number - 1, 26)
        name = chr(65 + rest) + name
    return name


def _at_most(limit: int) -> bytes:
    """A pattern for the decimal numbers 1..limit (no leading zeros)."""
    text = str(limit)
    alternatives = [rb"[1-9][0-9]{0,%d}" % (len(text) - 2)] if len(text) > 1 else []
    for i, digit in enumerate(text):
        low = 1 if i == 0 else 0
        if int(digit) > low:
            rest = len(text) - i - 1
            alternatives.append(
                text[:i].encode() + b"[%d-%d]" % (low, int(digit) - 1) + (b"[0-9]{%d}" % rest if rest else b"")
            )
    alternatives.append(text.encode())
    return b"(?:" + b"|".join(alternatives) + b")"


def _columns_at_most(limit: int) -> bytes:
    """A pattern for the column names A..column_name(limit), upper case."""
    text = column_name(limit)
    alternatives = [b"[A-Z]{1,%d}" % (len(text) - 1)] if len(text) > 1 else []
    for i, letter in enumerate(text):
        if letter > "A":
            rest = len(text) - i - 1
            alternatives.append(
                text[:i].encode() + b"[A-%s]" % chr(ord(letter) - 1).encode() + (b"[A-Z]{%d}" % rest if rest else b"")
            )
    alternatives.append(text.encode())
    return b"(?:" + b"|".join(alternatives) + b")"


def _fail(file: str, reason: str) -> UnreadableFileError:
    return UnreadableFileError(_("无法读取“{0}”：{1}").format(file, reason))


def text_chars(xml: bytes) -> int:
    """Characters of text in a piece of XML (tags left out, each entity one character)."""
    text = _TAG.sub(b"", xml)
    return len(text.decode("utf-8", "replace")) - sum(len(e) - 1 for e in _ENTITY.findall(text))


class _Scan:
    """Shared by worksheets and the shared-strings table: streaming, DOCTYPE, root prefix
    and the text-length windows. ``anchor`` starts each unit of text (a cell, a string)."""

    unit = b"c"
    end_name = b"sheetData>"

    def __init__(self, limits: ReadLimits, file: str, where: str) -> None:
        self.limits, self.file, self.where = limits, file, where
        self.carry = b""
        self.head = True
        self.prefix = b""
        self.anchor = b"<c "
        self.unit_head = b""
        self.texts_done = False
        self.end_marker = b"</sheetData>"
        self.last_ref = ""

    def feed(self, chunk: bytes) -> None:
        data = self.carry + chunk if self.carry else chunk
        if self.head:
            data = self._head(data)
            if data is None:
                return
        cut = data.rfind(b"<")
        if cut <= 0:
            self._hold(data)
            return
        self._segment(data, cut)  # up to the last tag start; the rest waits for more
        self.carry = data[cut:]
        self._bound_carry()

    def finish(self) -> None:
        if self.head and self.carry.find(b"<!DOCTYPE") >= 0:
            raise self._hostile()
        if self.carry:
            self._segment(self.carry, len(self.carry))
            self.carry = b""

    # --- the part before the data -------------------------------------------------------

    def _head(self, data: bytes):
        if data.find(b"<!DOCTYPE") >= 0 or data.find(b"<!ENTITY") >= 0:
            raise self._hostile()
        root = _ROOT.search(data)
        if root is None:
            if len(data) > CHUNK:
                raise _fail(self.file, _("{0}不是有效的表格 XML").format(self.where))
            self.carry = data
            return None
        if root.group(1):
            self.prefix = root.group(1) + b":"
        self.anchor = b"<" + self.prefix + self.unit + b" "
        self.end_marker = b"</" + self.prefix + self.end_name
        self._compile()
        self.head = False
        self._start(data, root.end())
        return data

    def _start(self, data: bytes, at: int) -> None:
        pass

    def _compile(self) -> None:
        pass

    def _hostile(self) -> UnreadableFileError:
        return _fail(self.file, _("{0}含有 DTD/实体声明（<!DOCTYPE>），疑似恶意文件，已拒绝").format(self.where))

    # --- text length ----------------------------------------------------------------------

    def _texts(self, data: bytes, end: int) -> None:
        """Every window of max_cell_chars bytes holds a unit start, or the unit is measured.
        ``self.unit_head`` holds the start of the unit still open from earlier chunks."""
        if self.texts_done:
            return
        stop = data.find(self.end_marker, 0, end)
        if stop >= 0:  # past the data, nothing is a cell's text any more
            end, self.texts_done = stop, True
        limit = self.limits.max_cell_chars
        first = data.find(self.anchor, 0, end)
        if first < 0:
            self.unit_head += data[:end]
            if len(self.unit_head) > SLACK * limit:
                self._refuse_text()
            return
        if len(self.unit_head) + first > limit:
            self._measure(self.unit_head + data[:first])
        start = first
        while end - start > limit:
            nearest = data.rfind(self.anchor, start + 1, start + limit + 1)
            if nearest > 0:
                start = nearest
                continue
            following = data.find(self.anchor, start + 1, end)
            if following < 0:
                break
            self._measure(data[start:following])
            start = following
        self.unit_head = data[data.rfind(self.anchor, start, end) : end]
        if len(self.unit_head) > SLACK * limit:
            self._refuse_text()

    def _measure(self, unit: bytes) -> None:
        limit = self.limits.max_cell_chars
        if len(unit) > SLACK * limit or text_chars(unit) > limit:
            self._refuse_text()

    def _refuse_text(self):
        raise _fail(
            self.file,
            _("{0}有单元格文字超过 {1} 字（Excel 单元格的上限）{2}").format(
                self.where, self.limits.max_cell_chars, _("，位置 {0}").format(self.last_ref) if self.last_ref else ""
            ),
        )

    def _segment(self, data: bytes, end: int) -> None:
        self._texts(data, end)

    def _hold(self, data: bytes) -> None:
        self.carry = data
        self._bound_carry()

    def _bound_carry(self) -> None:
        # Text without a tag for longer than SLACK × the limit is too long whatever it is.
        if len(self.carry) > SLACK * self.limits.max_cell_chars + 4096:
            self._refuse_text()


class SheetScan(_Scan):
    """Feed a worksheet's XML in chunks; raises ``UnreadableFileError`` naming the cell and
    the limit at the first thing over a limit."""

    def __init__(self, limits: ReadLimits, file: str, sheet: str) -> None:
        super().__init__(limits, file, _("工作表“{0}”").format(sheet))

    def _compile(self) -> None:
        prefix = re.escape(self.prefix)
        # Any cell start tag that is not exactly the everyday form — <c r="A1" s="3" t="s">
        # with the reference inside the limits and nothing else in the tag (so no second r
        # attribute, which calamine would use instead) — one pass, nearly nothing matches …
        good = (
            b' r="'
            + _columns_at_most(self.limits.max_columns)
            + _at_most(self.limits.max_rows)
            + rb'"(?: s="[0-9]+")?(?: t="[a-zA-Z]+")?/?>'
        )
        # (The everyday form is tried first: a third faster than checking the tag name ends.)
        self.unusual = re.compile(b"<" + prefix + rb"c(?!" + good + rb")(?=[\s/>])")
        # … and a cell start tag with another (or no) prefix.
        if self.prefix:
            own = re.escape(self.prefix[:-1])
            self.foreign = re.compile(rb"(?:<|(?<!<" + own + rb")(?<!/" + own + rb"):)c(?=[\s/>])")
        else:
            self.foreign = re.compile(rb":c(?=[\s/>])")

    def _start(self, data: bytes, at: int) -> None:
        dimension = _DIMENSION.search(data, at)
        if dimension is None:
            return
        for ref in dimension.group(1).split(b":"):
            parsed = _REF.fullmatch(ref)
            if parsed is not None:
                self._check(
                    ref.decode("ascii", "replace"),
                    *parsed.groups(),
                    _("（表格声明的范围 {0}）").format(dimension.group(1).decode("ascii", "replace")),
                )

    def _segment(self, data: bytes, end: int) -> None:
        for match in self.unusual.finditer(data, 0, end):
            self._exact(data, match.start())
        if self.prefix or data.find(b":", 0, end) >= 0 and data.find(b":c", 0, end) >= 0:
            for match in self.foreign.finditer(data, 0, end):
                self._inspect(data, match.start() + 1)
        last = data.rfind(self.anchor, 0, end)
        if last >= 0:
            ref = _R_ATTR.search(data, last, data.find(b">", last) + 1 or len(data))
            self.last_ref = ref.group(2).decode("ascii", "replace") if ref else self.last_ref
        super()._segment(data, end)

    def _inspect(self, data: bytes, at: int) -> None:
        """``at`` is inside some tag, or in text: if that tag is a cell's start tag, read it."""
        start = data.rfind(b"<", 0, at + 1)
        if start < 0 or data.find(b">", start, at) >= 0:
            return  # in text, not in a tag
        if re.match(rb"<(?:[A-Za-z_][\w.-]*:)?c[\s/>]", data[start : start + 64]):
            self._exact(data, start)

    def _exact(self, data: bytes, at: int) -> None:
        """One cell start tag read as calamine reads it."""
        whole = _START_TAG.match(data, at)  # quotes respected: a ">" may sit in a value
        tag = whole.group() if whole else data[at:]
        if tag.endswith(b"/>"):
            return  # no value: calamine skips the cell
        refs = _R_ATTR.findall(tag)
        if not refs:
            raise _fail(
                self.file,
                _("{0}有单元格缺少位置（r 属性），无法安全读取；请在 Excel 或 WPS 中打开后另存为 xlsx 再导入").format(
                    self.where
                ),
            )
        ref = refs[-1][1]
        parsed = _REF.fullmatch(ref)
        if parsed is None:
            return  # calamine refuses the reference itself
        self._check(ref.decode("ascii", "replace"), *parsed.groups())

    def _check(self, ref: str, letters: bytes, digits: bytes, note: str = "") -> None:
        column = 0
        for letter in letters.upper():
            column = column * 26 + letter - 64
            if column > self.limits.max_columns:
                break
        row = int(digits) if len(digits.lstrip(b"0")) <= 12 else 10**12
        if column > self.limits.max_columns:
            raise _fail(
                self.file,
                _("{0}单元格 {1} 超出列数上限（{2} 列，即 {3} 列）{4}").format(
                    self.where, ref[:40], self.limits.max_columns, column_name(self.limits.max_columns), note
                ),
            )
        if row > self.limits.max_rows:
            raise _fail(
                self.file,
                _("{0}单元格 {1} 在第 {2} 行，超出行数上限（{3} 行）{4}").format(
                    self.where, ref[:40], row if row < 10**12 else digits.decode()[:40], self.limits.max_rows, note
                ),
            )


class SharedStringsScan(_Scan):
    """The shared-strings table: DOCTYPE and the length of each string."""

    unit = b"si"
    end_name = b"sst>"

    def __init__(self, limits: ReadLimits, file: str) -> None:
        super().__init__(limits, file, _("共享字符串表"))

    def _compile(self) -> None:
        self.anchor = b"<" + self.prefix + b"si>"

    # "<si>" is how every writer starts a string ("<si " with attributes is not in the
    # standard): a string disguised otherwise is measured again after reading.


def scan_entry(source: zipfile.ZipFile, entry: str, scan: _Scan) -> None:
    with source.open(entry) as xml:
        while chunk := xml.read(CHUNK):
            scan.feed(chunk)
    scan.finish()


def shared_strings_entry(source: zipfile.ZipFile) -> str | None:
    """calamine reads ``xl/sharedStrings.xml``, matching the name case-insensitively."""
    return next((n for n in source.namelist() if n.lower() == "xl/sharedstrings.xml"), None)
