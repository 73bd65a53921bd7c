"""What a file on disk is, before anything opens it as a workspace.

Opening a file with :class:`~ycdesk.store.Store` migrates it, so a file that is not a
workspace must be recognised first: an empty file, a stranger's SQLite database, a file
cut short by a copy or a full disk, or one whose pages are damaged. :func:`probe` reads
the header and the schema (and runs ``PRAGMA quick_check`` when asked) and never writes.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from pathlib import Path

MAGIC = b"SQLite format 3\x00"
# Tables every ycdesk workspace has had since schema 1: the marker that it is ours.
MARKER_TABLES = {"meta", "history", "townships"}
ENVIRONMENT = ("locked", "unable to open", "readonly", "busy")


@dataclass
class Probe:
    kind: str  # ok, missing, directory, empty, not_sqlite, truncated, damaged, blank, foreign
    detail: str = ""
    schema_version: int = 0
    workspace_id: str | None = None

    @property
    def ok(self) -> bool:
        return self.kind == "ok"


def probe(path: str | Path, *, check: bool = True) -> Probe:
    path = Path(path)
    if not path.exists():
        return Probe("missing")
    if path.is_dir():
        return Probe("directory")
    size = path.stat().st_size
    if size == 0:
        return Probe("empty")
    with open(path, "rb") as fh:
        head = fh.read(100)
    if not head.startswith(MAGIC):
        return Probe("truncated", f"{size}") if MAGIC.startswith(head) else Probe("not_sqlite")
    if len(head) < 100:
        return Probe("truncated", f"{size}")
    short = _short_of_header(path, head, size)
    if short:
        return Probe("truncated", short)
    try:
        return _inspect(path, check)
    except sqlite3.OperationalError as exc:
        if any(word in str(exc) for word in ENVIRONMENT):
            # Locked, or a folder it cannot write its -shm into: the computer is in the
            # way, not the file. Opening it properly reports that (with a wait for a lock).
            return Probe("ok", str(exc))
        return Probe("damaged", str(exc))
    except sqlite3.DatabaseError as exc:
        return Probe("damaged", str(exc))


def _short_of_header(path: Path, head: bytes, size: int) -> str:
    """``expected/actual`` bytes when the file is shorter than its header says, else ''.

    A pending -wal or hot -journal may legitimately hold what the file lacks (a checkpoint
    killed half-way): SQLite itself repairs that on open, so it is not judged here."""
    for suffix in ("-wal", "-journal"):
        companion = path.with_name(path.name + suffix)
        if companion.exists() and companion.stat().st_size > 0:
            return ""
    page_size = int.from_bytes(head[16:18], "big")
    page_size = 65536 if page_size == 1 else page_size
    pages = int.from_bytes(head[28:32], "big")
    # The page count in the header is valid only when the change counter matches.
    if not pages or head[24:28] != head[92:96] or page_size < 512:
        return ""
    expected = pages * page_size
    return f"{expected}/{size}" if size < expected else ""


def read_only(path: Path) -> sqlite3.Connection:
    """A connection that writes nothing, not even the -wal/-shm a plain read-only one
    creates beside a WAL-mode file. Without a -wal no connection has the file open in WAL
    mode, so reading it as immutable is safe; with one, SQLite must read it."""
    wal = path.with_name(path.name + "-wal")
    mode = "mode=ro" if wal.exists() else "immutable=1"
    return sqlite3.connect(f"{path.resolve().as_uri()}?{mode}", uri=True)


def _inspect(path: Path, check: bool) -> Probe:
    conn = read_only(path)
    try:
        version = conn.execute("PRAGMA user_version").fetchone()[0]
        tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        if not tables:
            return Probe("blank", schema_version=version)
        if version == 0 or not MARKER_TABLES <= tables:
            return Probe("foreign", "、".join(sorted(tables)[:5]), schema_version=version)
        row = conn.execute("SELECT value FROM meta WHERE key = 'workspace_id'").fetchone()
        found = Probe("ok", schema_version=version, workspace_id=row[0] if row else None)
        if check:
            result = [r[0] for r in conn.execute("PRAGMA quick_check(5)")]
            if result != ["ok"]:
                return Probe("damaged", "；".join(result), schema_version=version)
        return found
    finally:
        conn.close()


def quick_check(path: Path) -> str:
    """``ok`` or what ``PRAGMA quick_check`` (or opening) found wrong with a database file."""
    try:
        conn = read_only(path)
        try:
            result = [r[0] for r in conn.execute("PRAGMA quick_check(5)")]
        finally:
            conn.close()
    except sqlite3.DatabaseError as exc:
        return str(exc)
    return "ok" if result == ["ok"] else "；".join(result)
