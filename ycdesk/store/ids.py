"""Stable row ids that survive export/import and merge across laptops.

New records get a random UUID. Records that come from the plan or the demo set get a
UUID derived from their natural key, so two workspaces built from the same sample data
agree on every id and a later merge sees the same project as the same row.
"""

from __future__ import annotations

import uuid

NAMESPACE = uuid.UUID("6f0c2a52-3b9e-5d7c-9b1e-7963646573b0")


def new_id() -> str:
    return str(uuid.uuid4())


def stable_id(kind: str, *key: object) -> str:
    return str(uuid.uuid5(NAMESPACE, kind + ":" + "|".join(str(k) for k in key)))
