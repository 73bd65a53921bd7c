"""Read the sheets auditors really get: xlsx/xlsm/xls via python-calamine, csv in UTF-8
(with or without BOM) or GBK/GB18030. Hostile or broken files are refused quickly.

Nothing reaches calamine unchecked. The path must be a regular file (a folder or a FIFO is
refused before it is opened, so a FIFO cannot block). An xlsx's zip directory is checked
(entry count, uncompressed size, compression ratio: zip bombs), its shared strings and the
sheet's XML are streamed through ``sheet_scan`` against the ``ReadLimits`` (cell
references beyond the rows/columns allowed, over-long texts, DTDs), and only then parsed.
What was read is checked once more (``check_rows``): the rows of a csv or xls, and any text
an xlsx managed to disguise from the scan. calamine is Rust; a panic there surfaces as
``PanicException``, which is a ``BaseException`` — contained here.
"""

from __future__ import annotations

import csv
import io
import os
import stat
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from ycdesk.errors import UnreadableFileError
from ycdesk.i18n import _
from ycdesk.imports.limits import DEFAULT_LIMITS, ReadLimits
from ycdesk.imports.sheet_scan import SharedStringsScan, SheetScan, column_name, scan_entry, shared_strings_entry
from ycdesk.imports.split_read import locate_sheet, read_split
from ycdesk.imports.xls_scan import check_xls

MAX_ENTRIES = 10_000
MAX_RATIO = 200  # uncompressed / compressed, for entries over 1 MB
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # .xls, and encrypted Office files
SPREADSHEETS = (".xlsx", ".xlsm", ".xls")


@dataclass
class RawSheet:
    name: str
    rows: list[list]
    merged: list[tuple[tuple[int, int], tuple[int, int]]] = field(default_factory=list)


def _fail(path: Path, reason: str) -> UnreadableFileError:
    return UnreadableFileError(_("无法读取“{0}”：{1}").format(path.name, reason))


def _check_file(path: Path, limits: ReadLimits) -> None:
    """A regular, readable, non-empty file within the size limit — decided from ``stat``
    before anything opens it (opening a FIFO would block)."""
    try:
        info = path.stat()
    except FileNotFoundError:
        raise _fail(path, _("文件不存在")) from None
    except OSError as exc:
        raise _fail(path, _("无法访问（{0}）").format(exc.strerror or type(exc).__name__)) from None
    if stat.S_ISDIR(info.st_mode):
        raise _fail(path, _("这是一个文件夹，请选择其中的表格文件"))
    if not stat.S_ISREG(info.st_mode):
        raise _fail(path, _("不是普通文件（可能是管道或设备）"))
    if info.st_size == 0:
        raise _fail(path, _("文件是空的"))
    if info.st_size > limits.max_file_bytes:
        raise _fail(
            path, _("文件过大（{0} MB，上限 {1} MB）").format(-(-info.st_size // 2**20), limits.max_file_bytes // 2**20)
        )
    if not os.access(path, os.R_OK):
        raise _fail(path, _("没有读取权限"))


def _check_zip(path: Path, limits: ReadLimits) -> None:
    try:
        with open(path, "rb") as fh:
            head = fh.read(8)
    except OSError as exc:
        raise _fail(path, _("无法打开（{0}）").format(exc.strerror or type(exc).__name__)) from None
    if head == OLE_MAGIC:
        raise _fail(path, _("文件已加密（设置了打开密码），请在 Excel 中取消密码后另存再导入"))
    try:
        with zipfile.ZipFile(path) as zf:
            infos = zf.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, ValueError):
        raise _fail(path, _("不是有效的 Excel 文件（文件可能已损坏或扩展名不对）")) from None
    if len(infos) > MAX_ENTRIES:
        raise _fail(path, _("压缩包内文件过多，疑似恶意文件"))
    total = sum(i.file_size for i in infos)
    if total > limits.max_unzipped_bytes:
        raise _fail(
            path,
            _("解压后过大（{0} MB，上限 {1} MB），疑似恶意文件").format(
                total // 2**20, limits.max_unzipped_bytes // 2**20
            ),
        )
    for info in infos:
        if info.file_size > 2**20 and info.file_size > MAX_RATIO * max(info.compress_size, 1):
            raise _fail(path, _("压缩比异常（{0}），疑似压缩炸弹").format(info.filename))


def _zip_entries(path: Path, scan) -> None:
    """Run ``scan(zipfile)``, turning a damaged zip into a refusal."""
    try:
        with zipfile.ZipFile(path) as zf:
            scan(zf)
    except (zipfile.BadZipFile, EOFError, OSError, NotImplementedError, RuntimeError):
        # RuntimeError: an encrypted entry; NotImplementedError: an unknown compression.
        raise _fail(path, _("不是有效的 Excel 文件（文件可能已损坏或扩展名不对）")) from None


def _check_shared_strings(path: Path, limits: ReadLimits) -> None:
    """calamine loads every shared string as soon as it opens the workbook."""

    def scan(zf):
        entry = shared_strings_entry(zf)
        if entry is not None:
            scan_entry(zf, entry, SharedStringsScan(limits, path.name))

    _zip_entries(path, scan)


def check_sheet_xml(path: Path, sheet: str, limits: ReadLimits) -> None:
    """Stream the sheet's XML through the scan (or, if the package is laid out in a way
    ``locate_sheet`` does not follow, every worksheet-like entry calamine might read)."""

    def scan(zf):
        located = locate_sheet(zf, sheet)
        entries = (
            [located[0]]
            if located
            else [
                n
                for n in zf.namelist()
                if n.lower().endswith(".xml") and n.lower().startswith("xl/") and _looks_like_worksheet(zf, n)
            ]
        )
        for entry in entries:
            scan_entry(zf, entry, SheetScan(limits, path.name, sheet))

    _zip_entries(path, scan)


def _looks_like_worksheet(zf: zipfile.ZipFile, entry: str) -> bool:
    with zf.open(entry) as fh:
        return b"worksheet" in fh.read(4096)


def list_sheets(path: str | Path, limits: ReadLimits | None = None) -> list[str]:
    path = Path(path)
    limits = limits or DEFAULT_LIMITS
    if path.suffix.lower() == ".csv":
        _check_file(path, limits)
        return [path.stem]
    return [s.name for s in _workbook(path, limits).sheets_metadata]


def _workbook(path: Path, limits: ReadLimits):
    import python_calamine

    _check_file(path, limits)
    if path.suffix.lower() in (".xlsx", ".xlsm"):
        _check_zip(path, limits)
        _check_shared_strings(path, limits)
    elif path.suffix.lower() == ".xls":
        check_xls(path, limits)  # calamine reads every sheet of an .xls when it opens it
    else:
        raise _fail(path, _("不支持的文件类型“{0}”，请使用 xlsx、xls 或 csv").format(path.suffix))
    try:
        return python_calamine.CalamineWorkbook.from_path(str(path))
    except BaseException as exc:  # noqa: BLE001 - includes pyo3's PanicException
        if isinstance(exc, (KeyboardInterrupt, SystemExit)):
            raise
        raise _fail(path, _("文件格式错误（{0}）").format(type(exc).__name__)) from None


def read_sheet(path: str | Path, sheet: str | int | None = None, limits: ReadLimits | None = None) -> RawSheet:
    """One sheet's cells as Python values (str, float, int, date, datetime, bool)."""
    path = Path(path)
    limits = limits or DEFAULT_LIMITS
    if path.suffix.lower() == ".csv":
        raw = RawSheet(path.stem, _read_csv(path, limits))
        check_rows(raw, limits, path)
        return raw
    wb = _workbook(path, limits)
    names = [s.name for s in wb.sheets_metadata]
    if sheet is None:
        sheet = 0
    if isinstance(sheet, str) and sheet.isdigit() and sheet not in names:
        sheet = int(sheet)
    try:
        if isinstance(sheet, int):
            if not 0 <= sheet < len(names):
                raise _fail(path, _("没有第{0}个工作表（共{1}个）").format(sheet + 1, len(names)))
        elif sheet not in names:
            raise _fail(path, _("没有名为“{0}”的工作表，现有：{1}").format(sheet, "、".join(names)))
        name = names[sheet] if isinstance(sheet, int) else sheet
        if path.suffix.lower() != ".xls":
            # A big sheet is scanned while it is cut into parts; any other sheet here.
            split = read_split(path, name, scan=SheetScan(limits, path.name, name))
            if split is not None:
                raw = RawSheet(name, *split)
                check_rows(raw, limits, path)
                return raw
            check_sheet_xml(path, name, limits)
        ws = wb.get_sheet_by_index(sheet) if isinstance(sheet, int) else wb.get_sheet_by_name(sheet)
        rows = ws.to_python(skip_empty_area=False)
        merged = list(ws.merged_cell_ranges or [])
    except UnreadableFileError:
        raise
    except BaseException as exc:  # noqa: BLE001 - PanicException is not an Exception
        if isinstance(exc, (KeyboardInterrupt, SystemExit)):
            raise
        raise _fail(path, _("工作表无法解析（{0}）").format(type(exc).__name__)) from None
    raw = RawSheet(ws.name, rows, merged)
    check_rows(raw, limits, path)
    return raw


def check_rows(raw: RawSheet, limits: ReadLimits, path: Path) -> None:
    """The rows as read, against the limits: what an xls holds is only known now. (An
    xlsx's texts were measured by the scan, a csv's by the csv reader; a text an xlsx hides
    from the scan behind tags calamine ignores is refused where it is parsed, ``values.text``.)"""
    rows = raw.rows
    where = _("工作表“{0}”").format(raw.name)
    if len(rows) > limits.max_rows:
        raise _fail(path, _("{0}有 {1} 行，超出行数上限（{2} 行）").format(where, len(rows), limits.max_rows))
    width = max(map(len, rows), default=0)
    if width > limits.max_columns:
        raise _fail(path, _("{0}有 {1} 列，超出列数上限（{2} 列）").format(where, width, limits.max_columns))
    if path.suffix.lower() != ".xls":
        return
    limit = limits.max_cell_chars
    for r, row in enumerate(rows):
        long = [c for c, v in enumerate(row) if type(v) is str and len(v) > limit]
        if long:
            raise _fail(
                path,
                _("{0}单元格 {1}{2} 的文字有 {3} 字，超过 {4} 字（Excel 单元格的上限）").format(
                    where, column_name(long[0] + 1), r + 1, len(row[long[0]]), limit
                ),
            )


def _read_csv(path: Path, limits: ReadLimits) -> list[list]:
    _check_file(path, limits)
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise _fail(path, _("无法打开（{0}）").format(exc.strerror or type(exc).__name__)) from None
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = raw.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:  # gb18030 decodes nearly anything; this is for truly binary files
        raise _fail(path, _("无法识别文字编码，请另存为 UTF-8 或 GBK 编码的 CSV"))
    del raw
    if "\x00" in text:
        raise _fail(path, _("不是文本文件"))
    guarded = "'" in text  # the export's formula guard, removed below (see export.unguard)
    rows = []
    reader = csv.reader(io.StringIO(text))
    previous = csv.field_size_limit(limits.max_cell_chars)
    try:
        for row in reader:
            rows.append(row)
            if len(rows) > limits.max_rows:
                raise _fail(path, _("超过 {0} 行（行数上限）").format(limits.max_rows))
            if len(row) > limits.max_columns:
                raise _fail(
                    path,
                    _("第{0}行有 {1} 列，超出列数上限（{2} 列）").format(reader.line_num, len(row), limits.max_columns),
                )
    except csv.Error as exc:
        if "field larger than field limit" in str(exc):
            raise _fail(
                path,
                _("第{0}行有单元格文字超过 {1} 字（Excel 单元格的上限）").format(
                    reader.line_num, limits.max_cell_chars
                ),
            ) from None
        raise _fail(path, _("CSV 格式错误：{0}").format(exc)) from None
    finally:
        csv.field_size_limit(previous)
    if guarded:
        from ycdesk.export import unguard

        rows = [[unguard(cell) if cell[:1] == "'" else cell for cell in row] for row in rows]
    return rows


def fill_merged(sheet: RawSheet) -> list[list]:
    """Each merged range's value copied to every cell it covers (an enterprise name merged
    down over its findings belongs to each of those rows). Fills the sheet's own rows in
    place: a copy of a 100,000-row sheet would double the import's memory."""
    rows = sheet.rows
    for (r0, c0), (r1, c1) in sheet.merged:
        if r0 >= len(rows) or c0 >= len(rows[r0]):
            continue
        value = rows[r0][c0]
        for r in range(r0, min(r1, len(rows) - 1) + 1):
            for c in range(c0, min(c1, len(rows[r]) - 1) + 1):
                rows[r][c] = value
    return rows
