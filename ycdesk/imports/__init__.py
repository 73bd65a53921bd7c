"""One import engine for every kind of record: read → find the header → parse each row →
apply in one transaction → record the batch for undo.

A dry run performs the whole import inside the transaction and rolls it back, so its
counts (new / updated / unchanged / rejected) are exactly what a real run would do. By
default any rejected row means nothing is written; ``valid_only`` keeps the good rows.
"""

from __future__ import annotations

import gc
import hashlib
import json
from dataclasses import dataclass, field
from itertools import compress
from operator import and_, itemgetter
from pathlib import Path
from typing import TYPE_CHECKING

from ycdesk.errors import UserError
from ycdesk.i18n import _
from ycdesk.imports import values as v
from ycdesk.imports.fields import Field, canonical_header, field_for
from ycdesk.imports.kinds import IMPORT_KINDS
from ycdesk.imports.undo import UndoBlocked, apply_undo, plan_undo, undo_batch
from ycdesk.store.ids import new_id

HEADER_SCAN_ROWS = 30
TOTAL_WORDS = ("合计", "总计", "小计")

__all__ = [
    "ImportResult",
    "RowError",
    "import_file",
    "list_sheets",
    "undo_batch",
    "plan_undo",
    "apply_undo",
    "UndoBlocked",
    "batches",
    "detect",
    "saved_mapping",
    "SheetRead",
]


if TYPE_CHECKING:  # the annotation only; the module loads on first use (below)
    from ycdesk.imports.sheet_read import SheetRead


def __getattr__(name: str):
    # The workbook readers (calamine, the split read, zipfile, defusedxml: ~60 ms of
    # imports) load when a file is first read, not at start-up, where the main window
    # only lists the import kinds (ycdesk.imports.kinds, inside this package).
    if name == "list_sheets":
        from ycdesk.imports.reader import list_sheets

        return list_sheets
    if name == "SheetRead":
        from ycdesk.imports.sheet_read import SheetRead

        return SheetRead
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


@dataclass
class RowError:
    sheet: str
    row: int  # as the spreadsheet numbers it (1-based)
    column: str
    reason: str
    values: list = field(default_factory=list)

    def __str__(self) -> str:
        where = _("工作表“{0}”第{1}行").format(self.sheet, self.row)
        if self.column:
            where += _("“{0}”列").format(self.column)
        return f"{where}：{self.reason}"


@dataclass
class ImportResult:
    kind: str
    file: str
    sheet: str
    header_row: int
    columns: dict[str, str]  # sheet header → field header
    ignored: list[str]
    new: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: list[RowError] = field(default_factory=list)
    written: bool = False
    batch_id: str | None = None
    header: list = field(default_factory=list)
    # The file changed on disk after an earlier step read it, and was read again for this one.
    reread: bool = False

    @property
    def rejected(self) -> int:
        return len({e.row for e in self.errors})

    def summary(self) -> str:
        return _("新增 {0} 行，更新 {1} 行，未变 {2} 行，拒绝 {3} 行").format(
            self.new, self.updated, self.unchanged, self.rejected
        )


def _norm_mapping(kind: str, mapping: dict[str, str] | None) -> dict[str, Field | None]:
    """User mapping ``{sheet header: field header or ""}`` → fields (None: ignore the column)."""
    out = {}
    by_header = {f.header: f for f in IMPORT_KINDS[kind].fields} | {f.key: f for f in IMPORT_KINDS[kind].fields}
    for sheet_header, target in (mapping or {}).items():
        if not target:
            out[sheet_header] = None
        elif target in by_header:
            out[sheet_header] = by_header[target]
        else:
            raise UserError(_("映射目标“{0}”不是{1}的列").format(target, kind))
    return out


def detect(
    kind: str, rows: list[list], mapping: dict | None = None
) -> tuple[int, dict[int, tuple[Field, str | None]], list[str]]:
    """The header row (most recognised cells in the first rows) and column → field."""
    user = _norm_mapping(kind, mapping)
    best, best_score = None, 0
    for index, row in enumerate(rows[:HEADER_SCAN_ROWS]):
        score = 0
        for cell in row:
            text = str(cell).strip() if cell is not None else ""
            if text in user and user[text] is not None or field_for(kind, cell)[0] is not None:
                score += 1
        if score > best_score:
            best, best_score = index, score
    if best is None or best_score < 2:
        raise UserError(
            _("没有找到表头：前{0}行中没有可识别的列名（如 {1}）").format(
                HEADER_SCAN_ROWS, "、".join(f.header for f in IMPORT_KINDS[kind].fields[:4])
            )
        )
    columns: dict[int, tuple[Field, str | None]] = {}
    ignored = []
    for col, cell in enumerate(rows[best]):
        text = str(cell).strip() if cell is not None else ""
        if not text:
            continue
        if text in user:
            f = user[text]
            unit = field_for(kind, cell)[1]
        else:
            f, unit = field_for(kind, cell)
        if f is None or any(existing[0].key == f.key for existing in columns.values()):
            ignored.append(text)
            continue
        columns[col] = (f, unit)
    missing = [
        f.header for f in IMPORT_KINDS[kind].fields if f.required and all(c[0].key != f.key for c in columns.values())
    ]
    if kind == "observations" and all(c[0].key not in ("code", "indicator") for c in columns.values()):
        missing.append("指标编码或指标名称")
    if kind == "investments" and all(c[0].key not in ("seq", "project") for c in columns.values()):
        missing.append("项目序号或项目名称")
    if missing:
        raise UserError(_("缺少必需的列：{0}（可在导入向导中把已有的列对应过去）").format("、".join(missing)))
    return best, columns, ignored


def file_hash(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def import_file(
    store,
    kind: str,
    path: str | Path,
    *,
    sheet: str | int | None = None,
    mapping: dict | None = None,
    dry_run: bool = False,
    valid_only: bool = False,
    progress=None,
    limits=None,
    read: SheetRead | None = None,
) -> ImportResult:
    """Import ``path`` as records of ``kind``. See the module docstring for the semantics.
    ``limits`` (a ``ReadLimits``) bounds what is read; the defaults apply when omitted.
    ``read``, a :class:`SheetRead` of the same file and sheet made by an earlier step (the
    wizard's preview), is used instead of reading the sheet again — unless the file changed
    on disk since, when it is read again and the result says so (``reread``)."""
    if read is not None and not read.is_for(path, sheet, limits):
        raise ValueError(f"{read.path} sheet {read.sheet!r} is not {path} sheet {sheet!r}")
    if store.readonly:
        if not dry_run:
            store.check_writable()
        # A dry run writes and rolls back, which a read-only file cannot do: it runs on a
        # scratch copy instead, with exactly the same outcome.
        with store.scratch_copy() as scratch:
            return import_file(
                scratch,
                kind,
                path,
                sheet=sheet,
                mapping=mapping,
                dry_run=True,
                valid_only=valid_only,
                progress=progress,
                limits=limits,
                read=read,
            )
    # A big sheet is a few hundred thousand lists and tuples, none in a reference cycle:
    # the cyclic collector would rescan them all again and again (0.3 s of a 100,000-row
    # import) for nothing. Reference counting still frees everything as usual.
    collecting = gc.isenabled()
    gc.disable()
    try:
        return _import(store, kind, path, sheet, mapping, dry_run, valid_only, progress, limits, read)
    finally:
        if collecting:
            gc.enable()


def _import(store, kind, path, sheet, mapping, dry_run, valid_only, progress, limits, read) -> ImportResult:
    if kind not in IMPORT_KINDS:
        raise UserError(_("不支持导入“{0}”，可导入：{1}").format(kind, "、".join(IMPORT_KINDS)))
    table = IMPORT_KINDS[kind].handler.table
    if store.role.is_township and table not in ("observations", "investments"):
        # The same rule as a typed record: a township workspace records only its own scope.
        store.check_scope(table, {"id": ""})
    path = Path(path)
    reread = read is not None and read.refresh()
    from ycdesk.imports.sheet_read import SheetRead

    raw = read if read is not None else SheetRead(path, sheet, limits)
    rows = raw.rows
    saved = saved_mapping(store, kind)
    header_row, columns, ignored = detect(kind, rows, {**saved, **(mapping or {})})
    result = ImportResult(
        kind,
        path.name,
        raw.name,
        header_row + 1,
        {str(rows[header_row][c]).strip(): f.header for c, (f, _u) in columns.items()},
        ignored,
        header=list(rows[header_row]),
        reread=reread,
    )
    batch_id = new_id()
    step = progress or (lambda done, total: None)
    body = rows[header_row + 1 :]
    # Rows that carry data, with their spreadsheet row numbers (blank and total rows skipped).
    flags = _data_rows(body)
    kept = list(compress(body, flags))
    numbers = list(compress(range(header_row + 2, header_row + 2 + len(body)), flags))
    del body, flags
    parsed_columns, suspect = _parse_columns(kept, columns)
    keys = [f.key for f, _u in columns.values()]
    labels = [canonical_header(f) if f.money_unit else f.header for f, _u in columns.values()]
    errors = _cell_errors(parsed_columns, suspect, columns)
    valid = [i for i in range(len(kept)) if i not in errors]
    # The batch holds the write lock from here: every history row after this one is its own.
    first_seq = store.begin()
    total = len(kept)
    # The backup before the batch: the committed state, which nobody can change while the
    # batch holds the lock, copied on another thread while the rows are applied (a full
    # copy of a big workspace took as long as the import itself). It is published only
    # when the batch is about to be written: a rejected import writes nothing, so it must
    # not push a good restore point out of the rotation.
    pending = None

    def checking(done, of):  # checking and matching: the first 80 % of the bar, writing the rest
        step(done * total * 4 // (5 * max(of, 1)), total)

    try:
        if not dry_run:
            pending = store.backup_started(reason=f"before-import-{kind}")
        handler = IMPORT_KINDS[kind].handler(store)
        # A big file builds the table's indexes once, after the load.
        with store.indexes_deferred(handler.table, len(valid)) as indexes:
            counts, refused = handler.apply_rows(keys, parsed_columns, valid, checking)
            for i, reason in refused:
                errors[i] = [(None, reason)]
            rejected = {i: list(kept[i]) for i in errors}
            # Everything to write is queued now: the sheet's cells can go before the write,
            # when SQLite's page cache and the index builds take their memory (a 100,000-row
            # sheet is ~150 MB of Python objects). A sheet the caller read (the wizard's)
            # stays with the caller.
            del parsed_columns, kept, rows
            if read is None:
                raw.rows = []
            step(total * 4 // 5, total)
            handler.bulk.flush()
            indexes.rolling_back = dry_run or bool(errors and not valid_only)
        step(total * 19 // 20, total)
        for i in sorted(errors):
            result.errors += [
                RowError(raw.name, numbers[i], "" if c is None else labels[c], reason, rejected[i])
                for c, reason in errors[i]
            ]
        result.new, result.updated, result.unchanged = counts["new"], counts["updated"], counts["unchanged"]
        if dry_run or (result.errors and not valid_only):
            store.conn.execute("ROLLBACK")
            step(total, total)
            return result
        pending.publish()
        _record_batch(store, result, path, batch_id, first_seq)
        store.seal_history(first_seq)
        store.conn.execute("COMMIT")
        step(total, total)
        result.batch_id = batch_id
    except BaseException:
        if store.conn.in_transaction:
            store.conn.execute("ROLLBACK")
        raise
    finally:
        if pending is not None:
            pending.discard()
    result.written = True
    if mapping:
        store.set_meta(f"import_mapping:{kind}", json.dumps({**saved, **mapping}, ensure_ascii=False))
    return result


def saved_mapping(store, kind: str) -> dict[str, str]:
    """The column mapping the user last confirmed for ``kind`` (source header → field)."""
    return json.loads(store.meta(f"import_mapping:{kind}", "{}"))


def _cell_errors(parsed_columns: list[list], suspect: list[bool], columns) -> dict[int, list[tuple[int, str]]]:
    """Row index → (column, reason) for cells that did not parse, or else for required
    cells left empty. Only columns that may hold such a cell are scanned."""
    errors: dict[int, list[tuple[int, str]]] = {}
    for c, column in enumerate(parsed_columns):
        if not suspect[c]:
            continue
        for i in [i for i, value in enumerate(column) if type(value) is _Bad]:
            errors.setdefault(i, []).append((c, column[i].message))
    empty: dict[int, list[tuple[int, str]]] = {}
    for c, (f, _u) in enumerate(columns.values()):
        if f.required and suspect[c]:
            for i in [i for i, value in enumerate(parsed_columns[c]) if value is None or value == ""]:
                if i not in errors:
                    empty.setdefault(i, []).append((c, _("{0}不能为空").format(f.header)))
    return errors | empty


class _Bad:
    """A cell that did not parse, carrying the reason (kept in the parsed column)."""

    __slots__ = ("message",)

    def __init__(self, message: str) -> None:
        self.message = message


def _parse_columns(kept: list[list], columns) -> tuple[list[list], list[bool]]:
    """Each mapped column parsed top to bottom, and for each whether it may hold a cell
    that failed or is empty (only those columns are scanned for row errors). Sheets
    repeat the same names, dates and statuses thousands of times, so each distinct cell
    value is parsed once and the column is filled by lookup."""
    out, suspect = [], []
    width = min(map(len, kept), default=0)
    # The sheet turned into columns in one C-level pass (a list comprehension per column
    # was 0.4 s of a 100,000-row import); columns past a ragged csv's shortest row are
    # picked one by one below.
    transposed = list(zip(*kept)) if width else []
    for col, (f, unit) in columns.items():
        parse = (lambda cell, f=f, u=unit or f.money_unit: f.parse(cell, u)) if f.money_unit else f.parse

        def one(cell, parse=parse):
            try:
                return parse(cell)
            except ValueError as exc:
                return _Bad(str(exc))

        if col < width:
            cells = transposed[col]
        else:  # a ragged csv: short rows have no cell here
            cells = [row[col] if col < len(row) else None for row in kept]
        parsed = None
        if f.parse is v.text and len(set(cells)) > len(cells) // 2:  # descriptions, notes: mostly unique
            parsed = v.text_column(cells)  # None if a text is over the cell limit: parsed below
        if parsed is not None:
            suspect.append(not all(parsed))
        else:
            memo = _Memo(one)
            try:
                parsed = list(map(memo.__getitem__, cells))
            except TypeError:  # an unhashable cell: parse one by one
                parsed, memo = list(map(one, cells)), None
            values = parsed if memo is None else memo.values()
            suspect.append(any(type(x) is _Bad or x is None or x == "" for x in values))
        out.append(parsed)
    return out, suspect


class _Memo(dict):
    """cell → parsed value, parsing a cell the first time it is looked up."""

    def __init__(self, parse) -> None:
        super().__init__()
        self.parse = parse

    def __missing__(self, cell):
        value = self[cell] = self.parse(cell)
        return value


def _data_rows(body: list[list]) -> list[bool]:
    """``_has_data`` of every row. A row whose first two cells are both filled and neither
    starts a total is decided by two dict lookups over the distinct values of those two
    columns (0.5 s of Python per 100,000 rows otherwise); any other row by ``_has_data``."""
    if not body or min(map(len, body)) < 2:
        return list(map(_has_data, body))
    plain = _Memo(_plain_cell)
    try:
        first = map(plain.__getitem__, map(itemgetter(0), body))
        second = map(plain.__getitem__, map(itemgetter(1), body))
        quick = list(map(and_, first, second))
    except TypeError:  # an unhashable cell
        return list(map(_has_data, body))
    return quick if all(quick) else [True if q else _has_data(row) for q, row in zip(quick, body)]


def _plain_cell(cell) -> bool:
    """A filled cell that does not start a total row (合计/总计/小计)."""
    if cell is None or cell == "":
        return False
    if isinstance(cell, str):
        text = cell.strip()
        return bool(text) and not text.replace(" ", "").startswith(TOTAL_WORDS)
    return True


def _has_data(row: list) -> bool:
    """False for a blank row and for a total row (合计/总计/小计 in its first two filled cells)."""
    seen = 0
    for cell in row:
        if cell is None or cell == "":
            continue
        if isinstance(cell, str):
            text = cell.strip()
            if not text:
                continue
            if text.replace(" ", "").startswith(TOTAL_WORDS):
                return False
        seen += 1
        if seen == 2:
            return True
    return seen > 0


def _record_batch(store, result: ImportResult, path: Path, batch_id: str, first_seq: int) -> None:
    store.conn.execute(
        "INSERT INTO import_batches (id, kind, file_name, sheet, sha256, operator, created_at, new, updated, "
        "unchanged, rejected, first_seq, last_seq) VALUES (?,?,?,?,?,?,?,?,?,?,?,?, "
        "(SELECT COALESCE(MAX(seq), 0) FROM history))",
        (
            batch_id,
            result.kind,
            path.name,
            result.sheet,
            file_hash(path),
            store.operator,
            store.now(),
            result.new,
            result.updated,
            result.unchanged,
            result.rejected,
            first_seq,
        ),
    )


def batches(store) -> list[dict]:
    return store.query("SELECT * FROM import_batches ORDER BY created_at DESC, rowid DESC")


def write_rejected(result: ImportResult, path: str | Path) -> None:
    """The rejected rows as they were, with a 原因 column, ready to fix and re-import."""
    from ycdesk.export import write_rows

    by_row: dict[int, list[RowError]] = {}
    for e in result.errors:
        by_row.setdefault(e.row, []).append(e)
    header = [("" if h is None else h) for h in result.header]
    data = []
    for number in sorted(by_row):
        errs = by_row[number]
        values = [("" if v is None else v) for v in errs[0].values]
        values += [""] * (len(header) - len(values))
        data.append([*values[: len(header)], number, "；".join(str(e) for e in errs)])
    write_rows(Path(path), [*header, "原行号", "原因"], data, title="被拒绝的行")
