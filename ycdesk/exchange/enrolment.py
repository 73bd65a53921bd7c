"""Roles and keys: the district enrols a township (issues its key file) and may revoke it;
a township workspace is made from that key file (``ycdesk init --township-key``).

The key file holds the township's private key and the district's public key; the
district keeps only the township's public key. Whoever holds the key file can sign
packages as that township, so it travels like a password (USB stick, by hand) and a lost
one is revoked and re-issued.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

from ycdesk.errors import UnreadableFileError, UserError
from ycdesk.exchange import keys
from ycdesk.i18n import _
from ycdesk.rules.scope import DISTRICT, TOWNSHIP

KEY_FORMAT = "ycdesk-enrolment/1"
DISTRICT_PEER = "district"


def require_district(store) -> None:
    if store.role.is_township:
        raise UserError(_("这是{0}的工作区，只有区里的工作区能办理镇街登记").format(store.role.township))


def _own_key(store) -> str:
    private = store.meta("exchange_private_key")
    if not private:
        private = keys.new_private_key()
        store.set_meta("exchange_private_key", private)
    return private


def peer(store, peer_id: str) -> dict | None:
    rows = store.query("SELECT * FROM exchange_peers WHERE id = ?", (peer_id,))
    return rows[0] if rows else None


def enroll(store, township: str, out: str | Path) -> dict:
    """Issue ``township``'s key file at ``out``; a township enrolled before gets a new key
    (the old one stops being accepted)."""
    require_district(store)
    township_id = store.townships.id_for(township)
    name = store.get("townships", township_id)["name"]
    township_private = keys.new_private_key()
    now = store.now()
    with store.transaction():
        district_public = keys.public_key(_own_key(store))
        record = {"name": name, "public_key": keys.public_key(township_private), "enrolled_at": now, "revoked_at": None}
        if peer(store, township_id) is None:
            store.insert("exchange_peers", {"id": township_id, **record})
        else:
            store.update("exchange_peers", township_id, record)
        _write_private(
            Path(out),
            {
                "format": KEY_FORMAT,
                "township": name,
                "township_id": township_id,
                "private_key": township_private,
                "district_public_key": district_public,
                "enrolled_at": now,
            },
        )
    return {"township": name, "township_id": township_id, "file": str(out)}


def revoke(store, township: str) -> None:
    require_district(store)
    township_id = store.townships.id_for(township)
    row = peer(store, township_id)
    if row is None:
        raise UserError(_("{0}尚未登记").format(township))
    if row["revoked_at"] is None:
        store.update("exchange_peers", township_id, {"revoked_at": store.now()})


def enrolled(store) -> list[dict]:
    return store.query(
        "SELECT * FROM exchange_peers WHERE id != ? AND deleted_at IS NULL ORDER BY name", (DISTRICT_PEER,)
    )


def read_key_file(path: str | Path) -> dict:
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise UnreadableFileError(_("找不到登记密钥文件：{0}").format(path)) from None
    except (OSError, UnicodeDecodeError, json.JSONDecodeError):
        raise UnreadableFileError(_("“{0}”不是 ycdesk 登记密钥文件").format(path)) from None
    if not isinstance(data, dict) or data.get("format") != KEY_FORMAT:
        raise UnreadableFileError(_("“{0}”不是 ycdesk 登记密钥文件").format(path))
    try:
        keys.public_key(data["private_key"])
        bytes.fromhex(data["district_public_key"])
    except (KeyError, ValueError, TypeError):
        raise UnreadableFileError(_("登记密钥文件“{0}”已损坏").format(path)) from None
    return data


def bind(store, key_file: str | Path) -> dict:
    """Make a freshly built workspace ``key_file``'s township's. Called by ``init``."""
    data = read_key_file(key_file)
    if store.meta("exchange_role") or store.scalar("SELECT COUNT(*) FROM exchange_peers"):
        raise UserError(_("工作区已经设置过交换身份，不能再绑定登记密钥"))
    row = store.query("SELECT id, name FROM townships WHERE id = ? AND deleted_at IS NULL", (data["township_id"],))
    if not row or row[0]["name"] != data["township"]:
        raise UserError(_("登记密钥中的镇街“{0}”与本工作区的镇街名单不符").format(data["township"]))
    now = store.now()
    with store.transaction():
        store.insert(
            "exchange_peers",
            {
                "id": DISTRICT_PEER,
                "name": "全区",
                "public_key": data["district_public_key"],
                "enrolled_at": data["enrolled_at"],
            },
        )
        store.set_meta("exchange_private_key", data["private_key"])
        store.set_meta("exchange_township_id", data["township_id"])
        store.set_meta("exchange_township", data["township"])
        store.set_meta("exchange_bound_at", now)
        store.set_meta("exchange_role", TOWNSHIP)
    # What this laptop starts from is the common base: its first package carries only
    # what it records from now on.
    from ycdesk.exchange.packages import snapshot_base

    snapshot_base(store)
    return {"township": data["township"]}


def role_label(store) -> str:
    role = store.role
    return role.township if role.is_township else _("全区（区级）")


def _write_private(path: Path, data: dict) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".part")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        json.dump(data, fh, ensure_ascii=False, indent=2)
    tmp.replace(path)


__all__ = ["enroll", "revoke", "bind", "enrolled", "read_key_file", "DISTRICT", "TOWNSHIP"]
