"""One temporary folder per process, removed on every way out.

Everything ycdesk writes only for a while (the split read's part workbooks, XlsxWriter's
scratch files during an export) goes under ``process_dir()``: a folder named
``ycdesk-<pid>-…`` in the system's temporary directory, made the first time it is asked
for and removed at exit. A run that is killed cannot remove its folder, so every start
of the CLI or the app calls ``remove_stale()``, which removes the folders of processes
that are no longer alive.
"""

from __future__ import annotations

import atexit
import os
import re
import shutil
import tempfile
import threading
from contextlib import contextmanager
from pathlib import Path

PREFIX = "ycdesk-"
_NAME = re.compile(r"ycdesk-(\d+)-[A-Za-z0-9_]+$")
_lock = threading.Lock()
_folder: Path | None = None


def process_dir() -> Path:
    """This process's temporary folder (made on first use)."""
    global _folder
    with _lock:
        if _folder is None or not _folder.is_dir():
            _folder = Path(tempfile.mkdtemp(prefix=f"{PREFIX}{os.getpid()}-"))
            atexit.register(cleanup)
        return _folder


@contextmanager
def scratch(prefix: str):
    """A sub-folder of the process folder, removed when the block ends however it ends."""
    folder = Path(tempfile.mkdtemp(prefix=prefix, dir=process_dir()))
    try:
        yield folder
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def cleanup() -> None:
    """Remove this process's folder (at exit; also safe to call any time nothing uses it)."""
    global _folder
    with _lock:
        if _folder is not None:
            shutil.rmtree(_folder, ignore_errors=True)
            _folder = None


def remove_stale(root: str | Path | None = None) -> list[Path]:
    """Remove the folders left by ycdesk processes that no longer run. Returns them."""
    root = Path(root or tempfile.gettempdir())
    removed = []
    try:
        candidates = list(root.glob(PREFIX + "*"))
    except OSError:
        return removed
    for folder in candidates:
        match = _NAME.match(folder.name)
        if not match or not folder.is_dir() or _alive(int(match.group(1))):
            continue
        shutil.rmtree(folder, ignore_errors=True)
        if not folder.exists():
            removed.append(folder)
    return removed


def _alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    if os.name == "nt":
        return _alive_windows(pid)
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # someone else's process: alive, and not ours to judge
    except OSError:
        return True
    return True


def _alive_windows(pid: int) -> bool:
    import ctypes

    process = ctypes.windll.kernel32.OpenProcess(0x1000, False, pid)  # QUERY_LIMITED_INFORMATION
    if not process:
        return False
    try:
        code = ctypes.c_ulong()
        ctypes.windll.kernel32.GetExitCodeProcess(process, ctypes.byref(code))
        return code.value == 259  # STILL_ACTIVE
    finally:
        ctypes.windll.kernel32.CloseHandle(process)
