"""Read one big xlsx sheet on several cores.

calamine parses a sheet on one core, releasing the GIL while it does, and parsing is most
of an import's reading time (0.8 of 1.0 s for 100,000 rows). So a big sheet's rows are cut,
at ``<row`` tags, into a few small workbooks (uncompressed zips in a temporary folder, each a
copy of the original's workbook, styles and shared strings with only its share of the rows),
and calamine parses them on worker threads while the next part is still being written and
the previous one converted to Python values.

Anything unusual — no ``<sheetData>`` where expected, namespace prefixes, a ``<row>``
without its ``r`` number, comments or CDATA, rows out of order — returns None and the
caller reads the sheet the ordinary way. ``tests/test_imports_split_read.py`` checks that
both ways give the same cells and merged ranges.
"""

from __future__ import annotations

import os
import posixpath
import zipfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from defusedxml import ElementTree

from ycdesk.errors import UnreadableFileError
from ycdesk.tempdir import scratch

MIN_BYTES = 8 * 2**20  # smaller sheets parse in well under 0.1 s: not worth the copies
MAX_PARTS = 4
CHUNK = 2 * 2**20
SHEET_DATA = b"<sheetData>"
CLOSE = b"</sheetData></worksheet>"
STUB = (
    b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData/></worksheet>'
)
WORKSHEET = "/worksheet"
OFFICE_DOCUMENT = "/officeDocument"


class _Unusual(Exception):
    """The parts do not fit together as one sheet (rows out of order): read it the ordinary way."""


def read_split(path: Path, sheet: str, parts: int | None = None, scan=None):
    """(rows, merged ranges) of the sheet, as ``to_python(skip_empty_area=False)`` gives
    them, or None when splitting does not apply. Every chunk of the sheet's XML goes
    through ``scan`` (a ``sheet_scan.SheetScan``) before it is written into a part, so no
    part reaches calamine unchecked; a refusal from the scan is raised as it is."""
    parts = parts or min(os.cpu_count() or 1, MAX_PARTS)
    if parts < 2:
        return None
    if scan is None:
        from ycdesk.imports.limits import DEFAULT_LIMITS
        from ycdesk.imports.sheet_scan import SheetScan

        scan = SheetScan(DEFAULT_LIMITS, Path(path).name, sheet)
    try:
        with zipfile.ZipFile(path) as source:
            located = locate_sheet(source, sheet)
            if located is None or source.getinfo(located[0]).file_size < MIN_BYTES:
                return None
            entry, worksheets = located
            others = [
                (info.filename, STUB if info.filename in worksheets else source.read(info))
                for info in source.infolist()
                if info.filename != entry
            ]
            return _read_parts(source, entry, others, sheet, parts, scan)
    except UnreadableFileError:
        raise
    except BaseException as exc:  # noqa: BLE001 - calamine's PanicException is a BaseException
        if isinstance(exc, (KeyboardInterrupt, SystemExit)):
            raise
        # No room for the parts, a damaged entry, a part calamine refuses, rows out of
        # order: the ordinary read decides (and names the problem if the sheet is broken).
        return None


def _read_parts(source: zipfile.ZipFile, entry: str, others: list, sheet: str, parts: int, scan):
    with scratch("read-") as folder, ThreadPoolExecutor(parts) as pool:
        futures = []

        def parse(book: str) -> None:
            futures.append(pool.submit(_parse, book, sheet))

        if not _Parts(folder, entry, others, scan).split(source, parts, parse):
            pool.shutdown(cancel_futures=True)
            return None
        return _join(futures)


def _parse(book: str, sheet: str):
    import python_calamine

    workbook = python_calamine.CalamineWorkbook.from_path(book)
    try:
        return workbook.get_sheet_by_name(sheet)
    finally:
        workbook.close()  # the part's file can then be removed, also on Windows


def _join(futures) -> tuple[list[list], list]:
    """The parts' rows in order, padded to one rectangle exactly as one parse pads them.
    Each part is converted as soon as it is parsed, while later parts are still parsing."""
    rows: list[list] = []
    width = 0
    last = None
    for number, future in enumerate(futures):
        last = future.result()
        if number == 0:
            rows = last.to_python(skip_empty_area=False)
            width = len(rows[0]) if rows else 0
            continue
        if last.start is None or not last.height:
            continue
        (top, left), (_, right) = last.start, last.end
        if top < len(rows):
            raise _Unusual
        block = last.to_python(skip_empty_area=True)
        if left:
            block = [[""] * left + row for row in block]
        rows.extend([""] * width for _ in range(top - len(rows)))
        rows.extend(block)
        width = max(width, right + 1)
    for row in rows:
        if len(row) < width:
            row.extend([""] * (width - len(row)))
    return rows, list(last.merged_cell_ranges or []) if last is not None else []


class _Parts:
    """Streams the sheet's XML into part workbooks, cutting before a ``<row r="…">`` once a
    part holds its share of the bytes; each finished part goes to ``done``."""

    def __init__(self, folder: Path, entry: str, others: list[tuple[str, bytes]], scan):
        self.folder, self.entry, self.others, self.scan = folder, entry, others, scan
        self.count = 0
        self.book: zipfile.ZipFile | None = None
        self.stream = None

    def split(self, source: zipfile.ZipFile, parts: int, done) -> bool:
        share = source.getinfo(self.entry).file_size // parts
        self._open()
        try:
            return self._split(source, parts, done, share)
        except BaseException:
            self._finish()
            raise

    def _split(self, source: zipfile.ZipFile, parts: int, done, share: int) -> bool:
        head, seen, pending, last = None, 0, b"", b""
        with source.open(self.entry) as xml:
            while chunk := xml.read(CHUNK):
                self.scan.feed(chunk)
                if _markup(chunk, last):
                    return self._abandon()
                last = chunk[-1:]
                if head is None:
                    pending += chunk
                    at = pending.find(SHEET_DATA)
                    if at < 0:
                        if len(pending) > CHUNK:
                            return self._abandon()
                        continue
                    head, chunk, pending = pending[: at + len(SHEET_DATA)], pending, b""
                seen += len(chunk)
                cut = _row_start(chunk) if self.count < parts - 1 and seen >= share * (self.count + 1) else -1
                if cut < 0:
                    self.stream.write(chunk)
                    continue
                self.stream.write(memoryview(chunk)[:cut])
                self.stream.write(CLOSE)
                done(self._close())
                self._open()
                self.stream.write(head)
                self.stream.write(memoryview(chunk)[cut:])
        if self.count == 0:  # never found a place to cut: nothing to gain
            return self._abandon()
        self.scan.finish()
        done(self._close())
        return True

    def _open(self) -> None:
        self.book = zipfile.ZipFile(self.folder / f"part{self.count}.xlsx", "w", zipfile.ZIP_STORED)
        for name, data in self.others:
            self.book.writestr(name, data)
        self.stream = self.book.open(self.entry, "w")

    def _finish(self) -> None:
        if self.book is None:
            return
        self.stream.close()
        self.book.close()
        self.book = None

    def _close(self) -> str:
        name = self.book.filename
        self._finish()
        self.count += 1
        return name

    def _abandon(self) -> bool:
        self._finish()
        return False


def _markup(chunk: bytes, last: bytes) -> bool:
    """Whether a comment or CDATA starts in the chunk: a "<row " inside one is not a row.
    Looks for "!" (rare in cell text, found by memchr) rather than "<!" ("<" is everywhere)."""
    at = chunk.find(b"!")
    while at >= 0:
        if (chunk[at - 1 : at] if at else last) == b"<":
            return True
        at = chunk.find(b"!", at + 1)
    return False


def _row_start(chunk: bytes) -> int:
    """Where a ``<row`` tag carrying its row number starts in the chunk, or -1."""
    at = chunk.find(b"<row ")
    while at >= 0:
        end = chunk.find(b">", at)
        if end < 0:
            return -1
        if b' r="' in chunk[at:end]:
            return at
        at = chunk.find(b"<row ", end)
    return -1


def locate_sheet(source: zipfile.ZipFile, sheet: str) -> tuple[str, set[str]] | None:
    """The zip entry holding the sheet, and every worksheet entry, from the package's
    relationships; None if the package is laid out in a way this does not follow."""
    try:
        names = set(source.namelist())
        workbook = next(
            (
                _resolve("", target)
                for target, kind in _relations(source, "_rels/.rels").values()
                if kind.endswith(OFFICE_DOCUMENT)
            ),
            None,
        )
        if workbook not in names:
            return None
        base = posixpath.dirname(workbook)
        rels = _relations(source, posixpath.join(base, "_rels", posixpath.basename(workbook) + ".rels"))
        sheets = [
            (el.get("name"), next((v for k, v in el.attrib.items() if k.endswith("}id")), None))
            for el in ElementTree.fromstring(source.read(workbook)).iter()
            if _local(el.tag) == "sheet"
        ]
        rel = next((rid for name, rid in sheets if name == sheet), None)
        if rel not in rels:
            return None
        worksheets = {_resolve(base, target) for target, kind in rels.values() if kind.endswith(WORKSHEET)}
        entry = _resolve(base, rels[rel][0])
        return (entry, worksheets) if entry in names and entry in worksheets else None
    except (KeyError, ValueError, ElementTree.ParseError):
        return None


def _relations(source: zipfile.ZipFile, name: str) -> dict[str, tuple[str, str]]:
    root = ElementTree.fromstring(source.read(name))
    return {
        el.get("Id"): (el.get("Target", ""), el.get("Type", ""))
        for el in root.iter()
        if _local(el.tag) == "Relationship"
    }


def _resolve(base: str, target: str) -> str:
    return target.lstrip("/") if target.startswith("/") else posixpath.normpath(posixpath.join(base, target))


def _local(tag) -> str:
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""
