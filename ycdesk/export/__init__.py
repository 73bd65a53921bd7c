"""Write any table of a workspace to .xlsx or .csv with Chinese headers.

Files are written to a temporary name and moved into place, so an interrupted export
never leaves a half-written file where the user expects a good one. Text that a
spreadsheet would run as a formula (``=``, ``+``, ``-``, ``@`` …) is kept as text; codes
stay text so leading zeros survive.

In CSV that takes a leading apostrophe (the "formula guard"), which the importer removes
again (``unguard``) so that export → import is exact. To keep that unambiguous a text that
itself starts with apostrophes before a formula character gets one more: ``'=x`` is
written ``''=x`` and reads back as ``'=x``. xlsx needs no guard (cells are typed), but a
cell holds at most 32,767 characters: a longer text is refused, naming the row and column,
rather than silently cut.
"""

from __future__ import annotations

import csv
import os
import tempfile
from collections.abc import Iterable
from pathlib import Path

from ycdesk.errors import UserError
from ycdesk.export.tables import TABLES, Column, TableSpec, cell_value
from ycdesk.i18n import _
from ycdesk.tempdir import scratch

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
XLSX_MAX_CHARS = 32_767  # Excel's limit for one cell
FORMATS = (".xlsx", ".csv", ".pdf")
PDF_MAX_ROWS = 5000  # a printed table longer than this is not something anyone reads


def spec(name: str) -> TableSpec:
    try:
        return TABLES[name]
    except KeyError:
        raise UserError(_("没有名为“{0}”的表，可导出：{1}").format(name, "、".join(TABLES))) from None


def rows(store, name: str, as_of=None) -> tuple[list[str], list[list]]:
    """Headers and cells of table ``name``; computed columns as of ``as_of`` (default today)."""
    table = spec(name)
    records = store.query(table.sql)
    if table.enrich is not None:
        records = table.enrich(store, records, as_of or store.today())
    headers = [c.header for c in table.columns]
    data = [[cell_value(c, r.get(c.key)) for c in table.columns] for r in records]
    return headers, data


def export_table(store, name: str, path: str | Path, progress=None, as_of=None) -> int:
    """Write table ``name`` to ``path`` (.xlsx, .csv or .pdf). Returns the number of rows.

    ``progress(done, total)`` is called as rows are written; raising from it (a cancel)
    stops the export and leaves no file behind."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in FORMATS:
        raise UserError(_("不支持的导出格式“{0}”，请使用 .xlsx、.csv 或 .pdf").format(path.suffix))
    headers, data = rows(store, name, as_of)
    write_rows(path, headers, _reporting(data, progress), title=spec(name).title)
    return len(data)


def export_rows(path: str | Path, headers: list[str], data: list[list], title: str) -> int:
    """Write rows as a tab shows them (its filter and order, the cells' text) to ``path``
    (.xlsx, .csv or .pdf), with the same guards as any export. Returns the number of rows."""
    path = Path(path)
    if path.suffix.lower() not in FORMATS:
        raise UserError(_("不支持的导出格式“{0}”，请使用 .xlsx、.csv 或 .pdf").format(path.suffix))
    write_rows(path, headers, data, title=title)
    return len(data)


VIEW_PAGE = 5000  # findings read per query while exporting a view


def export_findings_view(
    store, path: str | Path, flt, *, order: str | None = None, descending: bool = False, progress=None
) -> int:
    """Write exactly the findings the 危废考核 list shows — those ``flt`` selects, in its
    order (``order``/``descending`` as for :meth:`ycdesk.findings.Findings.page`) — to
    ``path``. The columns are the findings table's (so the file re-imports), plus 逾期天数
    as the list shows it. Returns the number of rows."""
    from ycdesk.findings import overdue_days

    path = Path(path)
    if path.suffix.lower() not in FORMATS:
        raise UserError(_("不支持的导出格式“{0}”，请使用 .xlsx、.csv 或 .pdf").format(path.suffix))
    table = spec("findings")
    columns = (*table.columns, Column("逾期天数", "overdue_days", "int"))
    total = store.findings.count(flt)

    def data():
        after, done = None, 0
        while True:
            page = store.findings.page(flt, after, VIEW_PAGE, order=order, descending=descending)
            if not page:
                break
            after = page[-1]["sk"] if order else page[-1]["rk"]
            for r in page:
                late = overdue_days(r, flt.as_of)
                r["overdue_days"], r["overdue_text"] = late, "是" if late else "否"
                yield [cell_value(c, r.get(c.key)) for c in columns]
            done += len(page)
            if progress is not None:
                progress(done, total)

    count = 0

    def counted():
        nonlocal count
        for row in data():
            count += 1
            yield row

    write_rows(path, [c.header for c in columns], counted(), title=table.title)
    return count


def _reporting(data: list[list], progress):
    if progress is None:
        return data

    def rows_with_progress():
        for i, row in enumerate(data):
            if i % 1000 == 0:
                progress(i, len(data))
            yield row
        progress(len(data), len(data))

    return rows_with_progress()


def write_rows(path: Path, headers: list[str], data: Iterable[list], *, title: str = "Sheet1") -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=".ycdesk-", suffix=path.suffix, dir=path.parent)
    os.close(fd)
    try:
        if path.suffix.lower() == ".csv":
            _write_csv(Path(tmp), headers, data)
        elif path.suffix.lower() == ".pdf":
            from ycdesk.reports.table_pdf import write_table_pdf

            write_table_pdf(Path(tmp), title, headers, list(data), PDF_MAX_ROWS)
        else:
            _write_xlsx(Path(tmp), headers, data, title)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def neutralize(value):
    """Text a spreadsheet would evaluate gets a leading apostrophe (CSV only); so does text
    that already starts with apostrophes before such a character (see ``unguard``)."""
    if isinstance(value, str) and value.lstrip("'").startswith(FORMULA_STARTS):
        return "'" + value
    return value


def unguard(value: str) -> str:
    """The inverse of ``neutralize`` for a CSV cell read back: one leading apostrophe is
    removed where ``neutralize`` would have added it. Any other text is left alone."""
    if value.startswith("'") and value.lstrip("'").startswith(FORMULA_STARTS):
        return value[1:]
    return value


def _write_csv(path: Path, headers: list[str], data: Iterable[list]) -> None:
    # UTF-8 with BOM: Excel and WPS open it as Chinese text without an import dialog.
    with open(path, "w", encoding="utf-8-sig", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(headers)
        for row in data:
            writer.writerow(["" if v is None else neutralize(v) for v in row])


def _write_xlsx(path: Path, headers: list[str], data: Iterable[list], title: str) -> None:
    # XlsxWriter in constant-memory mode streams rows to disk: 100,000 findings take a
    # few seconds and little memory (openpyxl's write-only cells took 20 s).
    with scratch("export-") as tmpdir:
        _write_xlsx_in(path, headers, data, title, tmpdir)


def _write_xlsx_in(path: Path, headers: list[str], data: Iterable[list], title: str, tmpdir: Path) -> None:
    from decimal import Decimal

    import xlsxwriter

    wb = xlsxwriter.Workbook(
        str(path),
        {
            "constant_memory": True,
            # Its scratch files go in this process's temporary folder, removed on every path.
            "tmpdir": str(tmpdir),
            # Text is always written as text: never turned into a formula, link or number.
            "strings_to_formulas": False,
            "strings_to_urls": False,
            "strings_to_numbers": False,
        },
    )
    try:
        ws = wb.add_worksheet(title[:31])
        ws.freeze_panes(1, 0)
        for i, h in enumerate(headers):
            ws.set_column(i, i, max(8, min(40, len(h) * 2 + 2)))
        ws.write_row(0, 0, headers, wb.add_format({"bold": True}))
        text = wb.add_format({"num_format": "@"})
        decimals = {-2: wb.add_format({"num_format": "0.00"}), -1: wb.add_format({"num_format": "0.0"})}
        write_string, write_number = ws.write_string, ws.write_number
        for r, row in enumerate(data, 1):
            for c, value in enumerate(row):
                if value is None:
                    continue
                if type(value) is str:
                    if write_string(r, c, value, text) == -2:  # XlsxWriter cut it at 32,767
                        raise _too_long(headers, row, r, c, value)
                elif isinstance(value, Decimal):
                    # Written as its shortest decimal text; every figure we export has at
                    # most 15 significant digits, so the cell reads back exactly.
                    write_number(r, c, value, decimals.get(value.as_tuple().exponent))
                elif isinstance(value, (int, float)):
                    write_number(r, c, value)
                elif write_string(r, c, str(value), text) == -2:
                    raise _too_long(headers, row, r, c, str(value))
    finally:
        wb.close()


def _too_long(headers: list[str], row: list, r: int, c: int, value: str) -> UserError:
    record = row[headers.index("ID")] if "ID" in headers and headers.index("ID") < len(row) else None
    which = _("第 {0} 行").format(r + 1) + (_("（记录 ID {0}）").format(record) if record else "")
    return UserError(
        _(
            "无法导出为 xlsx：{0}“{1}”列的文字有 {2} 字，超过 Excel 单元格上限 {3} 字；"
            "请改为导出 CSV（不限长度），或先缩短该内容"
        ).format(which, headers[c] if c < len(headers) else c + 1, len(value), XLSX_MAX_CHARS)
    )
