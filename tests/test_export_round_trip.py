"""Export → import is exact (issue #14): the CSV formula guard is removed again on import,
over-long text is refused at xlsx export rather than cut, and a failed export leaves no
file and no scratch files behind."""

import pytest

from ycdesk import tempdir
from ycdesk.errors import UserError
from ycdesk.export import export_table, neutralize, rows, unguard
from ycdesk.imports import import_file

TRICKY = ["-", "=SUM(A1:A3)", "+86 0575", "@备注", "'=x", "''-", "'普通引号开头", "正常文字"]


@pytest.mark.parametrize("text", [*TRICKY, "\t缩进"])  # (import trims surrounding blanks of any text)
def test_unguard_inverts_neutralize(text):
    assert unguard(neutralize(text)) == text
    assert not neutralize(text).lstrip("'").startswith(("=", "+", "-", "@")) or neutralize(text)[0] == "'"


@pytest.fixture
def plain(tmp_path):
    from ycdesk.seed import load_plan
    from ycdesk.store import Store

    s = Store(tmp_path / "plain.ycdesk", operator="审核员")
    load_plan(s)
    yield s
    s.close()


def test_csv_export_reimports_formula_like_text_unchanged(seeded, plain, tmp_path):
    """Regression: re-importing the app's own CSV turned "-" into "'-"."""
    ids = [r["id"] for r in seeded.query("SELECT id FROM findings WHERE deleted_at IS NULL ORDER BY id")]
    for finding, text in zip(ids, TRICKY):
        seeded.update("findings", finding, {"description": text, "note": text})
    for kind in ("enterprises", "findings"):
        out = tmp_path / f"{kind}.csv"
        export_table(seeded, kind, out)
        result = import_file(plain, kind, out)
        assert result.rejected == 0, [str(e) for e in result.errors][:3]
    assert rows(plain, "findings") == rows(seeded, "findings")
    notes = {r["note"] for r in plain.query("SELECT note FROM findings")}
    assert set(TRICKY) <= notes


def test_xlsx_export_refuses_text_over_the_cell_limit_naming_row_and_column(seeded, tmp_path):
    finding = seeded.query("SELECT id FROM findings WHERE deleted_at IS NULL LIMIT 1")[0]["id"]
    seeded.update("findings", finding, {"note": "长" * 32_768})
    out = tmp_path / "findings.xlsx"
    with pytest.raises(UserError, match=rf"记录 ID {finding}.*“备注”列的文字有 32768 字") as info:
        export_table(seeded, "findings", out)
    assert "CSV" in str(info.value)
    assert not out.exists() and not list(tmp_path.glob(".ycdesk-*"))
    assert not list(tempdir.process_dir().iterdir())  # XlsxWriter's scratch files are gone too
    export_table(seeded, "findings", tmp_path / "findings.csv")  # CSV has no such limit
    seeded.update("findings", finding, {"note": "长" * 32_767})
    export_table(seeded, "findings", out)
    assert out.exists()
