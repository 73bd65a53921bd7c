"""One sheet read once and kept for the import's steps (preview, dry run, import).

The wizard used to read the sheet three times: to show the preview, for the dry run and for
the import — three times the seconds a 100,000-row sheet takes to read. A
:class:`SheetRead` holds the sheet's rows as :func:`reader.read_sheet` gave them (merged
ranges filled in), read once through the reader with all its limits and scans, together with
the file's identity on disk (size, modification time, inode). Each later step calls
:meth:`SheetRead.refresh`: an unchanged file is not read again; a file changed since (saved
again in Excel between the dry run and the import, say) is read again, and the step says so,
so that what is written is what is in the file now.

Only one copy of the rows is held: a re-read drops the old rows before reading the new.
"""

from __future__ import annotations

import threading
from pathlib import Path

from ycdesk.imports.limits import DEFAULT_LIMITS, ReadLimits
from ycdesk.imports.reader import fill_merged, read_sheet


def _identity(path: Path) -> tuple | None:
    """What changes when the file is written or replaced; None if it cannot be stat'ed
    (then the next step reads again and the reader names the problem)."""
    try:
        info = path.stat()
    except OSError:
        return None
    return info.st_size, info.st_mtime_ns, info.st_ino, info.st_dev


class SheetRead:
    """The rows of sheet ``sheet`` (a name, an index, or None for the first) of ``path``."""

    def __init__(self, path: str | Path, sheet: str | int | None = None, limits: ReadLimits | None = None) -> None:
        self.path = Path(path)
        self.sheet = sheet
        self.limits = limits or DEFAULT_LIMITS
        self.name = ""  # the sheet's own name
        self.rows: list[list] = []
        self._identity: tuple | None = None
        # Two steps' workers may refresh at once (the user went back and on again quickly).
        self._lock = threading.Lock()
        self._read()

    def _read(self) -> None:
        # Taken before reading: a file written while it is read differs from it next time.
        identity = _identity(self.path)
        self.rows = []  # the old rows go before the new are read: one copy in memory
        raw = read_sheet(self.path, self.sheet, self.limits)
        self.name, self.rows, self._identity = raw.name, fill_merged(raw), identity

    def changed(self) -> bool:
        """Whether the file on disk is no longer the one read."""
        return self._identity is None or _identity(self.path) != self._identity

    def refresh(self) -> bool:
        """Read the sheet again if the file changed on disk since it was read; True if so."""
        with self._lock:
            if not self.changed():
                return False
            self._read()
            return True

    def is_for(self, path: str | Path, sheet: str | int | None, limits: ReadLimits | None = None) -> bool:
        """Whether this is a read of ``sheet`` of ``path`` under ``limits`` (whatever its age)."""
        return Path(path) == self.path and sheet == self.sheet and (limits or DEFAULT_LIMITS) == self.limits
