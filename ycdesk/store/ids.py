"""Stable row ids that survive export/import and merge across laptops.

New records get a random UUID. Records that come from the plan or the demo set get a
UUID derived from their natural key, so two workspaces built from the same sample data
agree on every id and a later merge sees the same project as the same row.
"""

from __future__ import annotations

import os
import threading
import time
import uuid

NAMESPACE = uuid.UUID("6f0c2a52-3b9e-5d7c-9b1e-7963646573b0")
_lock = threading.Lock()
_last = [0, 0]  # last millisecond, counter within it


def new_id() -> str:
    """A UUIDv7 (RFC 9562): time-ordered, so new rows append to the primary-key index
    instead of landing at random pages (a bulk import writes about twice as fast), and
    still unique across laptops for merging."""
    with _lock:
        ms = time.time_ns() // 1_000_000
        if ms <= _last[0]:
            ms, counter = _last[0], _last[1] + 1
            if counter > 0xFFF:  # 4096 ids in one millisecond: borrow the next one
                ms, counter = ms + 1, 0
        else:
            counter = 0
        _last[:] = [ms, counter]
    rand_b = int.from_bytes(os.urandom(8), "big") & ((1 << 62) - 1)
    h = f"{(ms << 80) | (0x7 << 76) | (counter << 64) | (0b10 << 62) | rand_b:032x}"
    return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"  # uuid.UUID() is slow in bulk


_VARIANT = {c: "89ab"[int(c, 16) & 3] for c in "0123456789abcdef"}


def new_ids(count: int) -> list[str]:
    """``count`` UUIDv7s at once, as :func:`new_id` would make them one by one, for bulk
    imports (per-id locking and randomness cost a third of a second per 100,000 rows)."""
    with _lock:
        ms = max(time.time_ns() // 1_000_000, _last[0])
        counter = _last[1] + 1 if ms == _last[0] else 0
        slots = []
        for _i in range(count):
            if counter > 0xFFF:
                ms, counter = ms + 1, 0
            slots.append((ms, counter))
            counter += 1
        if slots:
            _last[:] = list(slots[-1])
    rand = os.urandom(8 * count).hex()
    out = []
    prefix_ms, prefix = None, ""
    for i, (ms, counter) in enumerate(slots):
        if ms != prefix_ms:
            h = f"{ms:012x}"
            prefix_ms, prefix = ms, f"{h[:8]}-{h[8:]}-7"
        j = 16 * i
        out.append(f"{prefix}{counter:03x}-{_VARIANT[rand[j]]}{rand[j + 1:j + 4]}-{rand[j + 4:j + 16]}")
    return out


def stable_id(kind: str, *key: object) -> str:
    return str(uuid.uuid5(NAMESPACE, kind + ":" + "|".join(str(k) for k in key)))
