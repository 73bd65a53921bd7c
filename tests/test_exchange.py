"""Township ↔ district exchange (issue #16): enrolment, scope at entry, signed packages,
merging in any order, refusals that write nothing, evidence that arrives intact."""

from __future__ import annotations

import hashlib
import json
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from ycdesk.errors import UnreadableFileError, UserError
from ycdesk.exchange import enrolment, keys, packages, slices
from ycdesk.store import Store

T1, T2 = "城南街道", "富盛镇"
EVIDENCE = b"%PDF-1.4 rectification photo \x00\x01\x02 " * 50


def _open(path: Path) -> Store:
    return Store(path, operator="测试员")


def _copy_workspace(src: Path, dest: Path) -> Path:
    """A workspace with its evidence and exchange folders (the WAL checkpointed first)."""
    with _open(src) as s:
        s.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    shutil.copy(src, dest)
    for suffix in (".files", ".exchange"):
        folder = src.parent / (src.name + suffix)
        if folder.exists():
            shutil.copytree(folder, dest.parent / (dest.name + suffix))
    return dest


def dump(store: Store) -> dict:
    """Every exchanged table, row by row, plus the evidence files' bytes."""
    out = {t: [tuple(r) for r in store.conn.execute(f"SELECT * FROM {t} ORDER BY id")] for t in slices.TO_TOWNSHIP}
    folder = store.findings.files_dir
    out["files"] = sorted((p.name, p.read_bytes()) for p in folder.rglob("*") if p.is_file()) if folder.exists() else []
    return out


def fingerprint(store: Store) -> tuple:
    """Everything an import could write: the tables, history, the exchange log, files."""
    return (
        dump(store),
        store.scalar("SELECT COUNT(*) FROM history"),
        store.scalar("SELECT COUNT(*) FROM exchange_packages"),
        store.scalar("SELECT COUNT(*) FROM exchange_rows"),
        store.scalar("SELECT COUNT(*) FROM exchange_conflicts"),
    )


def _open_finding(store: Store, township: str) -> str:
    return store.scalar(
        "SELECT f.id FROM findings f JOIN audits a ON a.id = f.audit_id JOIN enterprises e ON e.id = a.enterprise_id "
        "JOIN townships t ON t.id = e.township_id WHERE t.name = ? AND f.status = '待整改' ORDER BY f.id LIMIT 1",
        (township,),
    )


def _indicator(store: Store, code: str = "FYP14-02") -> str:
    return store.indicators.by_code(code)["id"]


def _township_work(store: Store, township: str, tmp: Path, value: float, amount: int) -> dict:
    """What a township officer does in a quarter: a typed and an imported observation,
    rectification of one of its findings with evidence, investment progress."""
    store.indicators.add_observation(_indicator(store), "2026Q3", value, scope=township)
    sheet = tmp / f"{township}-obs.csv"
    sheet.write_text(f"指标编码,期间,值,范围,来源\nFYP14-02,2026Q2,{value + 1},{township},镇街填报\n", encoding="utf-8")
    from ycdesk.imports import import_file

    result = import_file(store, "observations", sheet)
    assert result.written and not result.errors, result.errors
    finding = _open_finding(store, township)
    store.findings.transition(finding, "整改中")
    store.findings.transition(finding, "已整改", rectified_date="2026-11-20")
    photo = tmp / f"{township}-整改照片.pdf"
    photo.write_bytes(EVIDENCE + township.encode())
    store.findings.attach(finding, photo)
    project = store.scalar(
        "SELECT id FROM projects WHERE township_id = ? ORDER BY seq LIMIT 1", (store.role.township_id,)
    )
    store.projects.add_investment(project, "2025Q4", amount)
    return {"finding": finding, "photo": photo, "project": project}


@pytest.fixture(scope="module")
def world(tmp_path_factory, _seeded_template):
    """A district with two enrolled townships, each with a quarter's work exported."""
    tmp = tmp_path_factory.mktemp("exchange")
    district_path = tmp / "区.ycdesk"
    shutil.copy(_seeded_template, district_path)
    w = {"tmp": tmp}
    with _open(district_path) as d:
        running = [r["id"] for r in d.query("SELECT id FROM projects WHERE end_year >= 2025 ORDER BY seq LIMIT 2")]
        for project, name in zip(running, (T1, T2)):  # projects marked with a township (a district decision)
            d.projects.update(project, {"township_id": d.townships.id_for(name)})
        w["projects"] = running
        for name, key in ((T1, "k1"), (T2, "k2")):
            w[key] = tmp / f"{name}.key"
            enrolment.enroll(d, name, w[key])
    for name, key, tw in ((T1, "k1", "t1"), (T2, "k2", "t2")):
        path = tmp / f"{name}.ycdesk"
        shutil.copy(_seeded_template, path)
        with _open(path) as t:
            enrolment.bind(t, w[key])
        with _open(district_path) as d:  # the initial district → township slice
            w[f"d_{tw}"] = tmp / f"区-{name}-1.ycx"
            packages.export_package(d, w[f"d_{tw}"], name)
        with _open(path) as t:
            packages.import_package(t, w[f"d_{tw}"])
            w[f"work_{tw}"] = _township_work(t, name, tmp, 18.0 if tw == "t1" else 21.0, 10_000)
            w[f"p_{tw}"] = tmp / f"{name}-1.ycx"
            packages.export_package(t, w[f"p_{tw}"])
        w[tw] = path
    w["district"] = district_path
    return w


def _district_copy(world, name: str) -> Path:
    return _copy_workspace(world["district"], world["tmp"] / f"{name}.ycdesk")


# -- roles and scope at entry ----------------------------------------------------------------


def test_a_township_workspace_is_bound_to_its_township(world):
    with _open(world["t1"]) as t:
        assert t.role.is_township and t.role.township == T1
    with _open(world["district"]) as d:
        assert not d.role.is_township
        peers = {p["name"]: p for p in enrolment.enrolled(d)}
        assert set(peers) == {T1, T2}
        key = enrolment.read_key_file(world["k1"])
        assert peers[T1]["public_key"] == keys.public_key(key["private_key"])
        assert "private_key" not in json.dumps(peers, ensure_ascii=False, default=str).replace("public_key", "")


def test_a_township_records_only_its_own_scope_at_entry(world, tmp_path):
    path = _copy_workspace(world["t1"], tmp_path / "t1.ycdesk")
    with _open(path) as t:
        before = fingerprint(t)
        with pytest.raises(UserError, match="只能填报本镇街"):
            t.indicators.add_observation(_indicator(t), "2026Q3", 30, scope=T2)
        with pytest.raises(UserError, match="不属于"):
            t.indicators.add_observation(_indicator(t), "2026Q3", 30)  # 全区 is the district's
        sheet = tmp_path / "other.csv"
        sheet.write_text(f"指标编码,期间,值,范围\nFYP14-02,2026Q1,30,{T2}\n", encoding="utf-8")
        from ycdesk.imports import import_file

        result = import_file(t, "observations", sheet)
        assert not result.written and "只能填报本镇街" in str(result.errors[0])
        other = _open_finding(t, T2)
        if other:  # another township's finding reached this laptop with the seed data
            with pytest.raises(UserError, match="不属于"):
                t.findings.transition(other, "整改中")
        with pytest.raises(UserError, match="不能新增考核问题"):
            audit = t.scalar("SELECT id FROM audits LIMIT 1")
            t.audits.add_finding({"audit_id": audit, "category": "识别标志", "description": "新问题"})
        with pytest.raises(UserError, match="区里维护"):
            t.projects.update(world["projects"][0], {"note": "镇街改规划"})
        finding = world["work_t1"]["finding"]
        with pytest.raises(UserError, match="销号和退回由区里决定"):
            t.findings.transition(finding, "已销号", verifier="张三", verified_date="2026-11-25")
        with pytest.raises(UserError):
            import_file(t, "findings", sheet)
        assert fingerprint(t) == before


# -- merging ---------------------------------------------------------------------------------


def test_packages_in_either_order_give_the_same_district(world):
    a, b = _district_copy(world, "A"), _district_copy(world, "B")
    with _open(a) as s:
        first = packages.import_package(s, world["p_t1"])
        packages.import_package(s, world["p_t2"])
        dump_a = dump(s)
        from ycdesk.export import rows
        from ycdesk.export.tables import TABLES

        # Every table the app exports; history is the log of when each laptop applied
        # what, so it differs by nature (the rows it records are compared above).
        exports_a = {name: rows(s, name) for name in TABLES if name != "history"}
        assert (
            s.scalar(
                "SELECT value FROM observations WHERE scope = ? AND period = '2026Q3' AND deleted_at IS NULL", (T1,)
            )
            == 18.0
        )
        assert s.get("findings", world["work_t1"]["finding"])["status"] == "已整改"
        assert s.get("findings", world["work_t2"]["finding"])["rectified_date"] == "2026-11-20"
    assert first.applied >= 7 and not first.conflicts  # 2 observations, finding, 2 events, file, investment
    with _open(b) as s:
        packages.import_package(s, world["p_t2"])
        packages.import_package(s, world["p_t1"])
        assert dump(s) == dump_a
        assert {name: rows(s, name) for name in TABLES if name != "history"} == exports_a
    # What the packages wrote joined the tamper-evident history chain (sealed in the worker).
    from ycdesk.check import check_workspace

    for path in (a, b):
        report = check_workspace(path)
        assert not report.problems, report.problems


def test_a_package_twice_changes_nothing(world):
    path = _district_copy(world, "twice")
    with _open(path) as s:
        packages.import_package(s, world["p_t1"])
        before = fingerprint(s)
        again = packages.import_package(s, world["p_t1"])
        assert again.already and fingerprint(s) == before
    # The same changes again in a new package (a re-send: nothing acknowledged yet) change no row.
    t1 = _copy_workspace(world["t1"], world["tmp"] / "t1-resend.ycdesk")
    resend = world["tmp"] / "resend.ycx"
    with _open(t1) as t:
        packages.export_package(t, resend)
    with _open(path) as s:
        rows_before = dump(s)
        outcome = packages.import_package(s, resend)
        assert dump(s) == rows_before and not outcome.conflicts


def test_an_older_package_after_a_newer_one_changes_nothing_the_newer_set(world):
    t1 = _copy_workspace(world["t1"], world["tmp"] / "t1-newer.ycdesk")
    newer = world["tmp"] / "t1-2.ycx"
    with _open(t1) as t:
        obs = t.scalar("SELECT id FROM observations WHERE scope = ? AND period = '2026Q3'", (T1,))
        t.indicators.update_observation(obs, 17.0)
        finding = _open_finding(t, T1)
        t.findings.transition(finding, "整改中")
        packages.export_package(t, newer)
    path = _district_copy(world, "older-after-newer")
    with _open(path) as s:
        packages.import_package(s, newer)
        after_newer = dump(s)
        packages.import_package(s, world["p_t1"])  # the older one, seq 1
        assert dump(s) == after_newer
        assert s.get("observations", obs)["value"] == 17.0
        assert s.get("findings", finding)["status"] == "整改中"


def test_evidence_arrives_byte_identical(world):
    path = _district_copy(world, "evidence")
    with _open(path) as s:
        outcome = packages.import_package(s, world["p_t1"])
        assert outcome.files == 1
        attachment = s.findings.attachments(world["work_t1"]["finding"])[0]
        stored = s.findings.attachment_path(attachment).read_bytes()
        assert stored == world["work_t1"]["photo"].read_bytes()
        assert hashlib.sha256(stored).hexdigest() == attachment["sha256"] and s.findings.verify(attachment)


def test_a_field_changed_on_both_sides_is_a_conflict_listed_and_kept(world):
    path = _district_copy(world, "conflict")
    t1 = _copy_workspace(world["t1"], world["tmp"] / "t1-conflict.ycdesk")
    finding = world["work_t1"]["finding"]
    pkg = world["tmp"] / "t1-conflict.ycx"
    with _open(t1) as t:
        t.update("findings", finding, {"note": "镇街：已更换标识牌"})
        packages.export_package(t, pkg)
    with _open(path) as s:
        s.update("findings", finding, {"note": "区里：请补充照片"})
        dry = packages.import_package(s, pkg, dry_run=True)
        assert dry.conflicts and s.get("findings", finding)["note"] == "区里：请补充照片"
        outcome = packages.import_package(s, pkg)
        [conflict] = [c for c in outcome.conflicts if c["row_id"] == finding]
        assert conflict["columns"] == ["note"] and conflict["kept"] == "incoming"
        assert conflict["local"] == {"note": "区里：请补充照片"}
        assert s.get("findings", finding)["note"] == "镇街：已更换标识牌"  # the owner's value wins
        kept = packages.conflicts(s)
        assert any(json.loads(c["local"]) == {"note": "区里：请补充照片"} for c in kept)
        # Never silently lost: the district's value is in the finding's history too.
        assert any("区里：请补充照片" in (h["old"] or "") for h in s.history("findings", finding))
        assert s.history("exchange_conflicts")


def test_dry_run_shows_the_changes_and_writes_nothing(world):
    path = _district_copy(world, "dry")
    with _open(path) as s:
        before = fingerprint(s)
        outcome = packages.import_package(s, world["p_t1"], dry_run=True)
        assert outcome.dry_run and outcome.applied >= 7 and outcome.by_table.get("observations") == 2
        assert fingerprint(s) == before


def test_the_district_slice_reaches_the_township(world):
    with _open(world["t1"]) as t, _open(world["district"]):
        project = world["projects"][0]
        assert t.get("projects", project)["township_id"] == t.role.township_id
        assert t.scalar("SELECT COUNT(*) FROM exchange_packages WHERE direction = 'in'") == 1


# -- refusals: each writes nothing -----------------------------------------------------------


def _refused(path: Path, package: Path, match: str, exc=UserError) -> None:
    with _open(path) as s:
        before = fingerprint(s)
        with pytest.raises(exc, match=match):
            packages.import_package(s, package)
        assert fingerprint(s) == before


def test_refused_from_a_township_never_enrolled_or_signed_with_another_key(world, _seeded_template):
    tmp = world["tmp"]
    other = tmp / "另一个区.ycdesk"
    shutil.copy(_seeded_template, other)
    made = {}
    for name in (T1, "陶堰街道"):
        with _open(other) as d:
            enrolment.enroll(d, name, tmp / f"other-{name}.key")
        ws = tmp / f"other-{name}.ycdesk"
        shutil.copy(_seeded_template, ws)
        with _open(ws) as t:
            enrolment.bind(t, tmp / f"other-{name}.key")
            t.indicators.add_observation(_indicator(t), "2026Q3", 5, scope=name)
            made[name] = tmp / f"other-{name}.ycx"
            packages.export_package(t, made[name])
    path = _district_copy(world, "refusals")
    _refused(path, made["陶堰街道"], "尚未登记")
    _refused(path, made[T1], "签名")


def test_refused_when_revoked(world):
    path = _district_copy(world, "revoked")
    with _open(path) as s:
        enrolment.revoke(s, T2)
    _refused(path, world["p_t2"], "撤销")
    with _open(path) as s, pytest.raises(UserError, match="撤销"):
        packages.export_package(s, world["tmp"] / "to-revoked.ycx", T2)


def test_refused_with_one_byte_changed(world):
    bad = world["tmp"] / "one-byte.ycx"
    shutil.copy(world["p_t1"], bad)
    with zipfile.ZipFile(bad) as z:
        info = z.getinfo("changeset.bin")
    data = bytearray(bad.read_bytes())
    start = info.header_offset + 30 + len(info.filename.encode()) + len(info.extra)
    data[start + info.compress_size // 2] ^= 0x01
    bad.write_bytes(bytes(data))
    _refused(_district_copy(world, "byte"), bad, "改动")


def test_refused_a_district_package_for_another_township(world):
    path = _copy_workspace(world["t2"], world["tmp"] / "t2-wrong.ycdesk")
    _refused(path, world["d_t1"], f"发给{T1}")


def _forge(
    world, name: str, changeset_from: Path, tables: dict, township_id: str, files: tuple = (), **manifest_changes
) -> Path:
    """A package signed with 城南街道's genuine key whose changeset is made elsewhere."""
    key = enrolment.read_key_file(world["k1"])
    with zipfile.ZipFile(world["p_t1"]) as z:
        manifest = json.loads(z.read("manifest.json"))
    out = world["tmp"] / f"{name}.changeset"
    snap = world["tmp"] / f"{name}.snapshot.db"
    result = packages.run_worker(
        {
            "job": "export",
            "db": str(changeset_from),
            "township_id": township_id,
            "tables": tables,
            "base": None,
            "snapshot": str(snap),
            "changeset": str(out),
        }
    )
    data = out.read_bytes()
    parts = {"changeset.bin": {"sha256": hashlib.sha256(data).hexdigest(), "size": len(data)}}
    for blob in files:
        parts[f"files/{hashlib.sha256(blob).hexdigest()}"] = {
            "sha256": hashlib.sha256(blob).hexdigest(),
            "size": len(blob),
        }
    manifest.update(
        package_id=f"forged-{name}", rows=result["rows"], counts=result["counts"], parts=parts, **manifest_changes
    )
    body = json.dumps(manifest, ensure_ascii=False).encode()
    forged = world["tmp"] / f"{name}.ycx"
    with zipfile.ZipFile(forged, "w") as z:
        z.writestr("manifest.json", body)
        z.writestr("manifest.sig", keys.sign(key["private_key"], body))
        z.writestr("changeset.bin", data)
        for blob in files:
            z.writestr(f"files/{hashlib.sha256(blob).hexdigest()}", blob)
    return forged


def test_refused_a_genuinely_signed_package_stepping_out_of_scope(world):
    with _open(world["t2"]) as t:
        t2_id = t.role.township_id
        theirs = {r["id"] for r in t.query("SELECT id FROM observations WHERE township_id = ?", (t2_id,))}
    forged = _forge(
        world,
        "out-of-scope",
        world["t2"],
        {"observations": "township_id = :t"},
        t2_id,
        files=(b"evidence of a refused package",),
    )
    path = _district_copy(world, "forged")
    with _open(path) as s:
        before = fingerprint(s)
        with pytest.raises(UserError, match=f"不属于{T1}") as refused:
            packages.import_package(s, forged)
        assert fingerprint(s) == before  # its evidence file included
    named = str(refused.value).split("指标观测值（")[1].split("）")[0]
    assert named in theirs  # the row is named
    # A township may not send audits either, whoever it claims to be.
    with _open(world["t1"]) as t:
        t1_id = t.role.township_id
    forged = _forge(world, "audits", world["t1"], {"audits": slices.TO_TOWNSHIP["audits"]}, t1_id)
    _refused(path, forged, "不在交换范围内")


def test_refused_a_genuinely_signed_row_the_validators_refuse(world):
    """In scope but not valid: an observation for a quarter still to come, with no reason,
    is refused by the observation validator, as on a form."""
    t1 = _copy_workspace(world["t1"], world["tmp"] / "t1-invalid.ycdesk")
    with _open(t1) as t:
        obs = t.scalar("SELECT id FROM observations WHERE scope = ? AND period = '2026Q3'", (T1,))
        t.conn.execute("UPDATE observations SET period = '2030Q4' WHERE id = ?", (obs,))  # behind the API's back
        t_id = t.role.township_id
    forged = _forge(world, "invalid", t1, {"observations": "township_id = :t"}, t_id)
    _refused(_district_copy(world, "invalid"), forged, "2030年第4季度尚未到来")


def test_refused_another_schema_version(world):
    with _open(world["t1"]) as t:
        t1_id = t.role.township_id
    forged = _forge(world, "schema", world["t1"], {"observations": "township_id = :t"}, t1_id, schema_version=1)
    _refused(_district_copy(world, "schema"), forged, "数据版本")


def test_an_unreadable_file_is_exit_2(world, tmp_path):
    junk = tmp_path / "junk.ycx"
    junk.write_bytes(b"not a zip at all")
    _refused(_district_copy(world, "junk"), junk, "不是 ycdesk 交换包", UnreadableFileError)


# -- the child process and the CLI -----------------------------------------------------------


def test_the_exchange_child_process_never_opens_a_file_with_pythons_sqlite3(tmp_path):
    # The worker's guard: in the child, only apsw may open the workspace.
    code = (
        "from ycdesk.exchange import worker; worker._forbid_sqlite3(); import sqlite3; "
        f"sqlite3.connect({str(tmp_path / 'x.db')!r})"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=Path(__file__).resolve().parent.parent
    )
    assert done.returncode != 0 and "only apsw may open" in done.stderr
    assert not (tmp_path / "x.db").exists()


def test_cli_contract_and_exit_codes(world, capsys):
    from ycdesk.cli import main

    path = _district_copy(world, "cli")
    assert main(["exchange", "import", str(world["p_t1"]), "--db", str(path), "--dry-run"]) == 0
    assert "试运行" in capsys.readouterr().out
    assert main(["exchange", "import", str(world["d_t1"]), "--db", str(path)]) == 1
    junk = world["tmp"] / "cli-junk.ycx"
    junk.write_bytes(b"PK\x03\x04broken")
    assert main(["exchange", "import", str(junk), "--db", str(path)]) == 2
    assert main(["exchange", "import", str(world["p_t1"]), "--db", str(path)]) == 0
    capsys.readouterr()
    assert main(["exchange", "status", "--db", str(path), "--json"]) == 0
    status = json.loads(capsys.readouterr().out)
    peers = {p["name"]: p for p in status["peers"]}
    assert peers[T1]["received"] == 1 and peers[T2]["received"] == 0
    quarter = status["quarters"][-1]
    assert peers[T1]["quarters"][quarter]["rows"] >= 7 and peers[T2]["quarters"][quarter] is None
    assert quarter in peers[T2]["missing"]


def test_cli_enroll_and_init_a_township_workspace(tmp_path, _seeded_template, capsys):
    from ycdesk.cli import main

    district = tmp_path / "区.ycdesk"
    shutil.copy(_seeded_template, district)
    key = tmp_path / "塔山街道.key"
    assert main(["exchange", "enroll", "--township", "塔山街道", "--db", str(district), "-o", str(key)]) == 0
    assert main(["init", "--db", str(tmp_path / "missing-key.ycdesk"), "--township-key", str(tmp_path / "no.key")]) == 2
    assert not (tmp_path / "missing-key.ycdesk").exists()
    township = tmp_path / "塔山.ycdesk"
    assert main(["init", "--db", str(township), "--township-key", str(key)]) == 0
    with _open(township) as t:
        assert t.role.is_township and t.role.township == "塔山街道"
    assert main(["exchange", "export", "--db", str(township), "-o", str(tmp_path / "塔山-1.ycx")]) == 0
    assert main(["exchange", "import", str(tmp_path / "塔山-1.ycx"), "--db", str(district)]) == 0
    assert main(["exchange", "revoke", "--township", "塔山街道", "--db", str(district)]) == 0
    assert (
        main(["exchange", "export", "--db", str(district), "--township", "塔山街道", "-o", str(tmp_path / "x.ycx")])
        == 1
    )


def test_removals_travel_the_districts_demo_data_and_an_undone_import(world):
    from ycdesk.imports import import_file, undo_batch
    from ycdesk.seed import demo_count, remove_demo

    district = _district_copy(world, "demo-removed")
    t1 = _copy_workspace(world["t1"], world["tmp"] / "t1-demo.ycdesk")
    with _open(t1) as t:
        with pytest.raises(UserError):
            remove_demo(t)  # not a township's to remove
        sheet = world["tmp"] / "undo.csv"
        sheet.write_text(f"指标编码,期间,值,范围\nFYP14-02,2026Q1,12,{T1}\n", encoding="utf-8")
        batch = import_file(t, "observations", sheet).batch_id
        sent = world["tmp"] / "t1-before-undo.ycx"
        packages.export_package(t, sent)
    q1 = "SELECT COUNT(*) FROM observations WHERE scope = ? AND period = '2026Q1'"
    with _open(district) as d:
        packages.import_package(d, world["p_t1"])
        packages.import_package(d, sent)
        assert d.scalar(q1, (T1,)) == 1
        remove_demo(d)
        pkg = world["tmp"] / "区-demo-removed.ycx"
        packages.export_package(d, pkg, T1)  # also acknowledges the township's packages
    mine = (
        "SELECT COUNT(*) FROM findings f JOIN audits a ON a.id = f.audit_id JOIN enterprises e "
        "ON e.id = a.enterprise_id WHERE f.is_demo = 1 AND e.township_id = ?"
    )
    with _open(t1) as t:
        before = t.scalar(mine, (t.role.township_id,))
        packages.import_package(t, pkg)
        assert before and t.scalar(mine, (t.role.township_id,)) == 0
        assert demo_count(t) > 0  # other townships' demo rows never were part of its slice
        undo_batch(t, batch)  # the import it had already sent, undone
        undone = world["tmp"] / "t1-after-undo.ycx"
        packages.export_package(t, undone)
    with _open(district) as d:
        packages.import_package(d, undone)
        assert d.scalar(q1, (T1,)) == 0
