"""Exchange packages (``.ycx``): export, import (with dry run) and the status of each peer.

A package is a zip holding ``manifest.json`` (sender, township, schema version, sequence
range, row counts, SHA-256 and size of every part), ``manifest.sig`` (the sender's Ed25519
signature of the manifest's bytes), ``changeset.bin`` (an SQLite session changeset) and
``files/<sha256>`` for each evidence file the changes reference.

Each side numbers the packages it sends to a peer (``seq``) and says in each package the
last ``seq`` it received from that peer (``ack``). A package holds the changes since the
snapshot of the last package the peer acknowledged, so a lost package costs nothing: the
next one carries its changes again, and applying a change twice does nothing.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
import zipfile
import zlib
from dataclasses import dataclass, field
from pathlib import Path

from ycdesk.errors import EnvironmentProblem, UnreadableFileError, UserError
from ycdesk.exchange import keys, slices
from ycdesk.exchange.enrolment import DISTRICT_PEER, peer, require_district
from ycdesk.i18n import _
from ycdesk.periods import Period
from ycdesk.store.ids import new_id

FORMAT = "ycdesk-exchange/1"
SUFFIX = ".ycx"


# -- the child process ------------------------------------------------------------------------


def run_worker(job: dict) -> dict:
    """Run one job of :mod:`ycdesk.exchange.worker` in a child process (see its docstring)."""
    if getattr(sys, "frozen", False):
        command = [sys.executable, "--exchange-worker"]
    else:
        command = [sys.executable, "-m", "ycdesk.exchange.worker"]
    env = {**os.environ, "PYTHONIOENCODING": "utf-8"}
    root = str(Path(__file__).resolve().parents[2])
    env["PYTHONPATH"] = root + os.pathsep + env.get("PYTHONPATH", "")
    try:
        done = subprocess.run(
            command, input=json.dumps(job, ensure_ascii=False).encode(), capture_output=True, env=env, check=False
        )
    except OSError as exc:
        raise EnvironmentProblem(_("无法启动交换进程：{0}").format(exc)) from None
    if done.returncode != 0:
        tail = done.stderr.decode(errors="replace").strip().splitlines()[-1:]
        text = tail[0] if tail else str(done.returncode)
        if any(word in text for word in ("locked", "readonly", "disk", "unable to open")):
            raise EnvironmentProblem(_("交换失败（工作区无法写入）：{0}").format(text))
        raise RuntimeError(f"exchange worker failed: {done.stderr.decode(errors='replace')}")
    if os.environ.get("YCDESK_EXCHANGE_TIMING"):  # the worker's phase times (benchmarks)
        sys.stderr.write(done.stderr.decode(errors="replace"))
    out = json.loads(done.stdout.decode())
    if not out.get("ok"):
        if out.get("busy"):
            raise EnvironmentProblem(out["reason"])
        raise UserError(out["reason"])
    return out


def _snapshot_dir(store) -> Path:
    return store.path.parent / (store.path.name + ".exchange")


def _snapshot(store, peer_id: str, seq: int) -> Path:
    return _snapshot_dir(store) / f"{peer_id}-{seq}.db"


def _snapshots(store, peer_id: str) -> list[tuple[int, Path]]:
    folder = _snapshot_dir(store)
    found = []
    for path in folder.glob(f"{peer_id}-*.db"):
        try:
            found.append((int(path.stem.rsplit("-", 1)[1]), path))
        except ValueError:
            continue
    return sorted(found)


def _direction(store, township: str | None) -> tuple[str, str, str, bool]:
    """(peer id, township id, township name, to_district) for an export from this workspace."""
    role = store.role
    if role.is_township:
        if township and store.townships.id_for(township) != role.township_id:
            raise UserError(_("{0}的工作区只能导出本镇街的交换包").format(role.township))
        return DISTRICT_PEER, role.township_id, role.township, True
    if not township:
        raise UserError(_("区里的工作区导出交换包时需要用 --township 指定镇街"))
    township_id = store.townships.id_for(township)
    row = peer(store, township_id)
    if row is None:
        raise UserError(_("{0}尚未登记，请先办理登记（ycdesk exchange enroll）").format(township))
    if row["revoked_at"]:
        raise UserError(_("{0}的登记已于{1}撤销").format(row["name"], row["revoked_at"][:10]))
    return township_id, township_id, row["name"], False


def snapshot_base(store) -> None:
    """The township's starting point (seq 0): what it holds when it is made."""
    role = store.role
    folder = _snapshot_dir(store)
    folder.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=folder) as tmp:
        run_worker(
            {
                "job": "export",
                "db": str(store.path),
                "township_id": role.township_id,
                "tables": slices.tables(True),
                "base": None,
                "snapshot": str(_snapshot(store, DISTRICT_PEER, 0)),
                "changeset": str(Path(tmp) / "changeset.bin"),
            }
        )


# -- export ----------------------------------------------------------------------------------


def export_package(store, out: str | Path, township: str | None = None) -> dict:
    """Write the next package for the peer (the district, or ``township`` at the district)."""
    peer_id, township_id, township_name, to_district = _direction(store, township)
    if not to_district:
        require_district(store)
    row = peer(store, peer_id)
    private = store.meta("exchange_private_key")
    if row is None or not private:
        raise UserError(_("本工作区尚未登记，不能导出交换包"))
    seq = row["out_seq"] + 1
    base_seq = row["acked_out"]
    base = _snapshot(store, peer_id, base_seq)
    folder = _snapshot_dir(store)
    folder.mkdir(parents=True, exist_ok=True)
    out = Path(out)
    with tempfile.TemporaryDirectory(dir=folder) as tmp:
        changeset = Path(tmp) / "changeset.bin"
        snapshot = Path(tmp) / "snapshot.db"
        result = run_worker(
            {
                "job": "export",
                "db": str(store.path),
                "township_id": township_id,
                "tables": slices.tables(to_district),
                "base": str(base) if base.exists() else None,
                "snapshot": str(snapshot),
                "changeset": str(changeset),
            }
        )
        data = changeset.read_bytes()
        parts = {"changeset.bin": _part(data)}
        files = {}
        for sha in result["files"]:
            path = store.findings.files_dir / sha[:2] / sha
            if not path.is_file():
                raise UserError(_("整改佐证文件缺失：{0}（请用 ycdesk check 检查工作区）").format(sha))
            files[sha] = path
            parts[f"files/{sha}"] = {"sha256": sha, "size": path.stat().st_size}
        now = store.now()
        manifest = {
            "format": FORMAT,
            "package_id": new_id(),
            "sender": "township" if to_district else "district",
            "township": township_name,
            "township_id": township_id,
            "schema_version": store.schema_version,
            "seq": seq,
            "base_seq": base_seq,
            "ack": row["last_in_seq"],
            "made_at": now,
            "period": str(_quarter(store)),
            "operator": store.operator,
            "rows": result["rows"],
            "counts": result["counts"],
            "parts": parts,
        }
        body = json.dumps(manifest, ensure_ascii=False, sort_keys=True, indent=1).encode()
        partial = out.with_name(out.name + ".part")
        try:
            with zipfile.ZipFile(partial, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as z:
                z.writestr("manifest.json", body)
                z.writestr("manifest.sig", keys.sign(private, body))
                z.writestr("changeset.bin", data)
                for sha, path in files.items():
                    z.write(path, f"files/{sha}", compress_type=zipfile.ZIP_STORED)
        except OSError as exc:
            partial.unlink(missing_ok=True)
            raise EnvironmentProblem(_("无法写入交换包“{0}”：{1}").format(out, exc.strerror or exc)) from None
        with store.transaction():
            store.update("exchange_peers", peer_id, {"out_seq": seq})
            _log(store, manifest, "out", peer_id, out.name, applied=0, conflicts=0)
            partial.replace(out)
        shutil.move(str(snapshot), _snapshot(store, peer_id, seq))
    return {
        "file": str(out),
        "seq": seq,
        "base_seq": base_seq,
        "rows": result["rows"],
        "counts": result["counts"],
        "files": len(files),
        "township": township_name,
    }


def _part(data: bytes) -> dict:
    return {"sha256": hashlib.sha256(data).hexdigest(), "size": len(data)}


def _quarter(store) -> Period:
    today = store.today()
    return Period(today.year, (today.month - 1) // 3 + 1)


def _log(store, manifest: dict, direction: str, peer_id: str, file_name: str, *, applied: int, conflicts: int):
    store.conn.execute(
        "INSERT INTO exchange_packages (id, direction, peer_id, township, seq, base_seq, period, file_name, "
        "made_at, at, operator, rows, applied, conflicts, counts) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
        (
            manifest["package_id"],
            direction,
            peer_id,
            manifest["township"],
            manifest["seq"],
            manifest["base_seq"],
            manifest["period"],
            file_name,
            manifest["made_at"],
            store.now(),
            store.operator,
            manifest["rows"],
            applied,
            conflicts,
            json.dumps(manifest["counts"], ensure_ascii=False),
        ),
    )


# -- import ----------------------------------------------------------------------------------


@dataclass
class ImportOutcome:
    township: str
    sender: str
    seq: int
    rows: int
    applied: int = 0
    by_table: dict = field(default_factory=dict)
    conflicts: list = field(default_factory=list)
    files: int = 0
    dry_run: bool = False
    already: bool = False
    tables: list = field(default_factory=list)  # the tables rows were written in

    # What applying a package records besides its rows (see worker.apply, step 3).
    RECORDS = ("exchange_packages", "exchange_rows", "exchange_conflicts", "exchange_peers")

    @property
    def changed_tables(self) -> frozenset[str]:
        """The tables this import changed: none for a dry run or a package imported before;
        else those it wrote rows in and the exchange records."""
        if self.dry_run or self.already:
            return frozenset()
        return frozenset(self.tables) | frozenset(self.RECORDS)

    def summary(self) -> str:
        who = self.township if self.sender == "township" else _("区里（发给{0}）").format(self.township)
        if self.already:
            return _("来自{0}的第{1}号交换包已经导入过，未作任何改动").format(who, self.seq)
        verb = _("将写入") if self.dry_run else _("已写入")
        tables = "，".join(f"{table_name(t)} {n}" for t, n in sorted(self.by_table.items())) or _("无")
        return _("来自{0}的第{1}号交换包：共 {2} 条改动，{3} {4} 条（{5}），冲突 {6} 处，佐证文件 {7} 个").format(
            who, self.seq, self.rows, verb, self.applied, tables, len(self.conflicts), self.files
        )


def table_name(table: str) -> str:
    """A table as a user knows it (for summaries and conflict lists)."""
    return TABLE_NAMES.get(table, table)


TABLE_NAMES = {
    "townships": "镇街",
    "indicators": "指标",
    "observations": "指标观测值",
    "projects": "重大工程",
    "project_units": "项目责任单位",
    "project_plan_years": "项目年度计划",
    "investments": "投资进展",
    "initiatives": "改革政策平台",
    "initiative_progress": "改革政策平台进展",
    "finding_categories": "问题类别",
    "period_locks": "期间锁定",
    "audit_aggregates": "考核汇总",
    "sludge": "污泥台账",
    "enterprises": "企业",
    "audits": "考核",
    "findings": "考核问题",
    "finding_events": "整改记录",
    "attachments": "整改佐证",
}


def read_package(path: str | Path) -> tuple[dict, bytes, zipfile.ZipFile]:
    """The manifest, its signature and the open zip; unreadable files raise exit 2."""
    path = Path(path)
    if not path.is_file():
        raise UnreadableFileError(_("找不到交换包：{0}").format(path))
    try:
        z = zipfile.ZipFile(path)
        body = z.read("manifest.json")
        signature = z.read("manifest.sig")
        manifest = json.loads(body)
    except zipfile.BadZipFile as exc:
        if "CRC" in str(exc):  # a readable zip whose content was changed
            raise UserError(_("交换包“{0}”的内容已被改动，拒绝导入").format(path.name)) from None
        raise UnreadableFileError(_("“{0}”不是 ycdesk 交换包").format(path.name)) from None
    except zlib.error:
        raise UserError(_("交换包“{0}”的内容已被改动，拒绝导入").format(path.name)) from None
    except (KeyError, ValueError, OSError, EOFError):
        raise UnreadableFileError(_("“{0}”不是 ycdesk 交换包").format(path.name)) from None
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise UnreadableFileError(_("“{0}”不是 ycdesk 交换包").format(path.name))
    manifest["_body"], manifest["_signature"] = body, signature
    return manifest, body, z


def _check_sender(store, manifest: dict) -> str:
    """The peer id whose key signed ``manifest``, after checking it may send here."""
    role = store.role
    name = manifest.get("township")
    if role.is_township:
        if manifest.get("sender") != "district":
            raise UserError(_("这是{0}的工作区，只接收区里发来的交换包").format(role.township))
        if manifest.get("township_id") != role.township_id:
            raise UserError(_("这是发给{0}的交换包，本工作区是{1}的").format(name, role.township))
        peer_id = DISTRICT_PEER
    else:
        if manifest.get("sender") != "township":
            raise UserError(_("区里的工作区只接收镇街发来的交换包"))
        peer_id = manifest.get("township_id") or ""
    row = peer(store, peer_id)
    if row is None:
        raise UserError(_("{0}尚未登记，拒绝导入它的交换包").format(name))
    if row["revoked_at"]:
        raise UserError(_("{0}的登记已于{1}撤销，拒绝导入它的交换包").format(name, row["revoked_at"][:10]))
    if not keys.verify(row["public_key"], manifest["_signature"], manifest["_body"]):
        raise UserError(
            _("交换包的签名与{0}登记的密钥不符（可能被改动，或不是用登记的密钥签发的），拒绝导入").format(name)
        )
    return peer_id


def _read_parts(z: zipfile.ZipFile, manifest: dict) -> dict[str, bytes]:
    parts = manifest.get("parts") or {}
    names = set(z.namelist()) - {"manifest.json", "manifest.sig"}
    if names != set(parts):
        raise UserError(_("交换包的内容与清单不符，拒绝导入"))
    out = {}
    for name, expected in parts.items():
        try:
            data = z.read(name)
        except (zipfile.BadZipFile, zlib.error, EOFError):
            raise UserError(_("交换包的内容已被改动，拒绝导入")) from None
        if _part(data) != {"sha256": expected.get("sha256"), "size": expected.get("size")}:
            raise UserError(_("交换包中的“{0}”与清单记录的 SHA-256 不符，拒绝导入").format(name))
        out[name] = data
    return out


def import_package(store, path: str | Path, *, dry_run: bool = False) -> ImportOutcome:
    """Check and apply ``path`` in one transaction (see the module docstring); a refusal
    raises :class:`UserError` with nothing written."""
    manifest, _body, z = read_package(path)
    with z:
        peer_id = _check_sender(store, manifest)
        if manifest.get("schema_version") != store.schema_version:
            raise UserError(
                _("交换包的数据版本为{0}，本工作区为{1}：请先把两边的 ycdesk 升级到同一版本").format(
                    manifest.get("schema_version"), store.schema_version
                )
            )
        parts = _read_parts(z, manifest)
    outcome = ImportOutcome(
        manifest["township"], manifest["sender"], manifest["seq"], manifest["rows"], dry_run=dry_run
    )
    if store.scalar("SELECT 1 FROM exchange_packages WHERE id = ?", (manifest["package_id"],)):
        outcome.already = True
        return outcome
    if not dry_run:
        store.backup(reason="before-exchange-import")
    folder = _snapshot_dir(store)
    folder.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=folder) as tmp:
        changeset = Path(tmp) / "changeset.bin"
        changeset.write_bytes(parts["changeset.bin"])
        role = store.role
        job = {
            "job": "apply",
            "db": str(store.path),
            "changeset": str(changeset),
            "peer_id": peer_id,
            "seq": manifest["seq"],
            "ack": manifest.get("ack") or 0,
            "sender": manifest["sender"],
            "township": manifest["township"],
            "township_id": manifest["township_id"],
            "role": {"kind": role.kind, "township_id": role.township_id, "township": role.township},
            "tables": list(slices.tables(manifest["sender"] == "township")),
            "operator": _("交换包：{0}").format(store.operator),
            "now": store.now(),
            "dry_run": dry_run,
            "absorb": [str(p) for _s, p in _snapshots(store, peer_id)],
            # What this side sends back to the sender, to keep its snapshots to that.
            "outgoing": slices.tables(role.is_township),
            "outgoing_township": manifest["township_id"],
            "tables_in": slices.tables(manifest["sender"] == "township"),
            "package": {
                "id": manifest["package_id"],
                "base_seq": manifest["base_seq"],
                "period": manifest["period"],
                "file_name": Path(path).name,
                "made_at": manifest["made_at"],
                "rows": manifest["rows"],
                "counts": manifest["counts"],
            },
        }
        staged = _stage_files(Path(tmp), parts) if not dry_run else {}
        result = run_worker(job)
        # The rows are in: now their evidence (checked by hash already). A refused package
        # leaves nothing behind, the staged files go with the temporary folder.
        outcome.files = _place_files(store, staged)
    outcome.applied, outcome.by_table, outcome.conflicts = result["applied"], result["by_table"], result["conflicts"]
    outcome.tables = result["tables"]
    if dry_run:
        outcome.files = sum(1 for name in parts if name.startswith("files/"))
    else:
        _drop_old_snapshots(store, peer_id)
    return outcome


def _stage_files(folder: Path, parts: dict[str, bytes]) -> dict[str, Path]:
    """The package's evidence written beside the workspace before the rows are applied, so
    that afterwards putting each in place is a rename on the same disk."""
    staged = {}
    try:
        for name, data in parts.items():
            if name.startswith("files/"):
                sha = name.removeprefix("files/")
                staged[sha] = folder / sha
                staged[sha].write_bytes(data)
    except OSError as exc:
        raise EnvironmentProblem(_("无法写入整改佐证文件：{0}").format(exc.strerror or exc)) from None
    return staged


def _place_files(store, staged: dict[str, Path]) -> int:
    """Staged evidence into the workspace's content-addressed folder."""
    for sha, path in staged.items():
        target = store.findings.files_dir / sha[:2] / sha
        if not target.exists():
            target.parent.mkdir(parents=True, exist_ok=True)
            os.replace(path, target)
    return len(staged)


def _drop_old_snapshots(store, peer_id: str) -> None:
    acked = peer(store, peer_id)["acked_out"]
    for seq, path in _snapshots(store, peer_id):
        if seq < acked:
            path.unlink(missing_ok=True)


# -- status ----------------------------------------------------------------------------------


def status(store) -> dict:
    """Who sent what and when: for each peer, its packages; at the district, each
    enrolled township × quarter with the last package received (missing ones marked)."""
    peers = store.query("SELECT * FROM exchange_peers WHERE deleted_at IS NULL ORDER BY name")
    packages = store.query("SELECT * FROM exchange_packages ORDER BY at, seq")
    conflicts = {
        r["package_id"]: r["n"]
        for r in store.query("SELECT package_id, COUNT(*) AS n FROM exchange_conflicts GROUP BY package_id")
    }
    quarters = _quarters(store, packages)
    out = {
        "role": "township" if store.role.is_township else "district",
        "township": store.role.township,
        "quarters": [str(q) for q in quarters],
        "peers": [],
    }
    for p in peers:
        mine = [r for r in packages if r["peer_id"] == p["id"]]
        received = [r for r in mine if r["direction"] == "in"]
        by_quarter = {}
        for q in quarters:
            got = [r for r in received if r["period"] == str(q)]
            last = got[-1] if got else None
            by_quarter[str(q)] = (
                None
                if last is None
                else {
                    "seq": last["seq"],
                    "at": last["at"],
                    "rows": sum(r["rows"] for r in got),
                    "applied": sum(r["applied"] for r in got),
                    "conflicts": sum(conflicts.get(r["id"], 0) for r in got),
                }
            )
        out["peers"].append(
            {
                "id": p["id"],
                "name": p["name"],
                "enrolled_at": p["enrolled_at"],
                "revoked_at": p["revoked_at"],
                "sent": p["out_seq"],
                "acknowledged": p["acked_out"],
                "received": p["last_in_seq"],
                "last_received": received[-1]["at"] if received else None,
                "packages": [
                    {
                        k: r[k]
                        for k in (
                            "direction",
                            "seq",
                            "period",
                            "file_name",
                            "made_at",
                            "at",
                            "rows",
                            "applied",
                            "conflicts",
                        )
                    }
                    for r in mine
                ],
                "quarters": by_quarter,
                "missing": [q for q, v in by_quarter.items() if v is None and q >= p["enrolled_at"][:4]],
            }
        )
    return out


def _quarters(store, packages) -> list[Period]:
    """From the first enrolment's quarter to the current one."""
    first = store.scalar("SELECT MIN(enrolled_at) FROM exchange_peers")
    current = _quarter(store)
    if not first:
        return [current]
    year, month = int(first[:4]), int(first[5:7])
    q, out = Period(year, (month - 1) // 3 + 1), []
    while (q.year, q.quarter) <= (current.year, current.quarter) and len(out) < 40:
        out.append(q)
        q = Period(q.year + (q.quarter == 4), q.quarter % 4 + 1)
    return out


def conflicts(store, package_id: str | None = None) -> list[dict]:
    sql = "SELECT * FROM exchange_conflicts" + (" WHERE package_id = ?" if package_id else "")
    return store.query(sql + " ORDER BY created_at, rowid", (package_id,) if package_id else ())
