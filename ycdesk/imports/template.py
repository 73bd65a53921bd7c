"""Empty import templates: canonical headers with a note each, drop-downs where values are fixed."""

from __future__ import annotations

from pathlib import Path

from ycdesk.errors import UserError
from ycdesk.i18n import _
from ycdesk.imports.fields import canonical_header
from ycdesk.imports.kinds import IMPORT_KINDS

NOTES = {
    "required": "必填。",
    "money": "金额，可带单位（如 3.5亿元）；不带单位时按表头单位。",
    "date": "日期，可写 2021-07-31、2021/7/31、2021.7.31 或 2021年7月31日。",
    "id": "由系统生成，新增时留空；导出后再导入时用于匹配原记录。",
}


def write_template(store, kind: str, path: str | Path) -> Path:
    from openpyxl import Workbook
    from openpyxl.comments import Comment
    from openpyxl.styles import Font
    from openpyxl.worksheet.datavalidation import DataValidation

    if kind not in IMPORT_KINDS:
        raise UserError(_("没有“{0}”模板，可用：{1}").format(kind, "、".join(IMPORT_KINDS)))
    path = Path(path)
    if path.suffix.lower() != ".xlsx":
        raise UserError(_("模板只能保存为 .xlsx"))
    wb = Workbook()
    ws = wb.active
    ws.title = kind
    lists = wb.create_sheet("选项")
    lists.sheet_state = "hidden"
    choices = {
        "township": [t["name"] for t in store.townships.list()],
        "scope": ["全区", *[t["name"] for t in store.townships.list()]],
        "category": store.findings.categories(),
    }
    list_col = 0
    for col, f in enumerate(IMPORT_KINDS[kind].fields, 1):
        cell = ws.cell(row=1, column=col, value=canonical_header(f))
        cell.font = Font(bold=True)
        note = []
        if f.required:
            note.append(NOTES["required"])
        if f.money_unit:
            note.append(NOTES["money"])
        if "date" in f.key or f.key == "deadline":
            note.append(NOTES["date"])
        if f.key == "id":
            note.append(NOTES["id"])
        values = list(f.choices) or choices.get(f.key, [])
        if values:
            note.append("从下拉列表选择。")
            list_col += 1
            for r, value in enumerate(values, 1):
                lists.cell(row=r, column=list_col, value=value)
            letter = lists.cell(row=1, column=list_col).column_letter
            dv = DataValidation(
                type="list",
                formula1=f"=选项!${letter}$1:${letter}${len(values)}",
                allow_blank=True,
                showErrorMessage=True,
                errorTitle="无效的值",
                error=f"请从列表中选择{f.header}",
            )
            ws.add_data_validation(dv)
            dv.add(f"{cell.column_letter}2:{cell.column_letter}5000")
        if note:
            cell.comment = Comment("".join(note), "ycdesk")
        ws.column_dimensions[cell.column_letter].width = max(10, len(cell.value) * 2 + 2)
    ws.freeze_panes = "A2"
    path.parent.mkdir(parents=True, exist_ok=True)
    wb.save(path)
    return path
