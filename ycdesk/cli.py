"""The ``ycdesk`` command: a thin layer over the core library.

The core knows no GUI: the application's launcher (``ui.launcher``, the installed
``ycdesk`` command) calls :func:`main` with ``extend``, which adds ``gui`` and
``--self-test`` and makes ``gui`` the command run when none is given. ``python -m ycdesk``
runs the core commands alone.

Exit codes: 0 ok, 1 invalid input (nothing written), 2 usage error or unreadable file,
3 a problem of the computer (workspace locked, disk full, read-only, folder missing).
Messages are Chinese; argparse's own wording is translated below.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from ycdesk import __version__
from ycdesk.errors import UserError
from ycdesk.i18n import _

_ARGPARSE_ZH = {
    "usage: ": "用法：",
    "positional arguments": "参数",
    "options": "选项",
    "show this help message and exit": "显示帮助并退出",
    "the following arguments are required: %s": "缺少必需的参数：%s",
    "unrecognized arguments: %s": "无法识别的参数：%s",
    "invalid choice: %(value)r (choose from %(choices)s)": "无效的选项：%(value)r（可选：%(choices)s）",
    "expected one argument": "需要一个值",
    "%(prog)s: error: %(message)s\n": "%(prog)s：错误：%(message)s\n",
    "argument %(argument_name)s: %(message)s": "参数 %(argument_name)s：%(message)s",
    "show program's version number and exit": "显示版本号并退出",
}
argparse._ = lambda text: _ARGPARSE_ZH.get(text, text)  # argparse looks up _() at call time


def _as_of(text: str):
    from datetime import date

    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"日期“{text}”应写作 YYYY-MM-DD") from None


def _db_arg(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--db", metavar="文件", help="工作区文件；省略时使用用户数据目录中的默认工作区")
    parser.add_argument("--operator", metavar="姓名", help="操作人（记入修改记录），默认为登录名")


def _positive(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        value = 0
    if value < 1:
        raise argparse.ArgumentTypeError(f"“{text}”应为正整数")
    return value


def _limit_args(parser: argparse.ArgumentParser) -> None:
    from ycdesk.imports.limits import DEFAULT_LIMITS as d

    parser.add_argument(
        "--max-rows",
        type=_positive,
        default=d.max_rows,
        metavar="N",
        help=f"最多读取的行数，超出则拒绝整个文件（默认 {d.max_rows}）",
    )
    parser.add_argument(
        "--max-columns",
        type=_positive,
        default=d.max_columns,
        metavar="N",
        help=f"最多读取的列数（默认 {d.max_columns}）",
    )
    parser.add_argument(
        "--max-cell-chars",
        type=_positive,
        default=d.max_cell_chars,
        metavar="N",
        help=f"单元格文字的最大字数（默认 {d.max_cell_chars}，即 Excel 的上限）",
    )
    parser.add_argument(
        "--max-file-mb",
        type=_positive,
        default=d.max_file_bytes // 2**20,
        metavar="MB",
        help=f"文件大小上限，单位 MB（默认 {d.max_file_bytes // 2**20}）",
    )


def _limits(args):
    from ycdesk.imports.limits import DEFAULT_LIMITS, ReadLimits

    return ReadLimits(
        max_rows=args.max_rows,
        max_columns=args.max_columns,
        max_cell_chars=args.max_cell_chars,
        max_file_bytes=args.max_file_mb * 2**20,
        max_unzipped_bytes=max(DEFAULT_LIMITS.max_unzipped_bytes, args.max_file_mb * 2**20 * 6),
    )


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="ycdesk", description="越城区生态环境保护“十四五”规划工作台。图形界面：ycdesk gui（或 python -m ui）。"
    )
    parser.add_argument("--version", action="version", version=f"ycdesk {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="子命令", help="各子命令的用法：ycdesk 子命令 --help")
    parser.commands = sub  # for the launcher's extension (ui.launcher adds gui)

    p = sub.add_parser(
        "init", help="从内置样例数据新建工作区", description="从 sample_data 新建工作区（规划数据，默认含演示数据）"
    )
    _db_arg(p)
    p.add_argument("--no-demo", action="store_true", help="只载入规划数据，不载入演示数据")
    p.add_argument("--force", action="store_true", help="文件已存在时仍重建（原文件先备份）")
    p.add_argument(
        "--township-key", metavar="密钥文件", help="用区里签发的登记密钥建立镇街工作区（只能填报本镇街的数据）"
    )

    p = sub.add_parser("summary", help="输出工作区汇总", description="输出项目、指标和考核的汇总")
    _db_arg(p)
    p.add_argument("--json", action="store_true", help="以 JSON 输出（金额为亿元字符串，两位小数）")
    p.add_argument("--as-of", metavar="YYYY-MM-DD", type=_as_of, help="计算逾期的截至日期，默认今天")

    from ycdesk.export.tables import TABLES

    p = sub.add_parser("export", help="导出一张表到 Excel 或 CSV", description="导出一张表（中文表头，可再次导入）")
    p.add_argument("table", choices=list(TABLES), metavar="表", help="表名：" + "、".join(TABLES))
    _db_arg(p)
    p.add_argument("-o", "--output", required=True, metavar="文件", help="输出文件（.xlsx 或 .csv）")
    p.add_argument(
        "--as-of",
        metavar="YYYY-MM-DD",
        type=_as_of,
        help="数据截至日期（计算列：逾期、最新值、累计完成；问题只含此日前检查的），默认今天",
    )

    p = sub.add_parser("demo", help="演示数据：统计或一键删除", description="统计或删除全部演示数据")
    p.add_argument("action", choices=["count", "remove"], metavar="操作", help="count 统计，remove 删除")
    _db_arg(p)

    from ycdesk.reports.kinds import kinds as report_kinds

    p = sub.add_parser("report", help="生成 PDF 报告", description="生成季度报告、中期评估/终期考核报告或整改通知书")
    report_sub = p.add_subparsers(dest="kind", metavar="报告", required=True, help="报告类型")
    for key, kind in report_kinds().items():  # one subcommand per declared report kind
        r = report_sub.add_parser(key, help=kind.label, description=kind.label)
        for param in kind.parameters:
            r.add_argument(
                "--" + param.name.replace("_", "-"),
                dest=param.name,
                required=param.required,
                type=param.type,
                default=param.default,
                metavar="值",
                help=param.help,
            )
        _db_arg(r)
        r.add_argument("-o", "--output", required=True, metavar="文件", help="输出 PDF 文件")
        r.add_argument(
            "--issue",
            action="store_true",
            help="签发：把这份报告（PDF、数据、指纹）存入工作区的签发登记，以后可原样重印",
        )

    p = sub.add_parser(
        "analysis",
        help="导出统计交叉表（Excel，每表一页）",
        description=(
            "按截至日期导出危废考核问题的交叉表：镇街×年度、类别×年度、镇街×类别（未整改）、镇街×账龄（逾期）"
        ),
    )
    _db_arg(p)
    p.add_argument("-o", "--output", required=True, metavar="文件", help="输出的 .xlsx 文件")
    p.add_argument("--as-of", metavar="YYYY-MM-DD", type=_as_of, help="数据截至日期，默认今天")
    p.add_argument("--township", metavar="镇街", help="只含一个镇街；省略为全区")

    p = sub.add_parser(
        "settings",
        help="公文设置：发文机关、文号前缀、法律依据、联系人",
        description=("查看或修改写入报告和整改通知书的单位信息（存于工作区）"),
    )
    _db_arg(p)
    p.add_argument(
        "assignments",
        nargs="*",
        metavar="键=值",
        help="要修改的设置，如 issuer=绍兴市生态环境局越城分局；省略时列出全部",
    )

    p = sub.add_parser(
        "reports",
        help="签发登记：列出、核对、重印",
        description=("列出已签发的报告；截至日前的数据后来有改动的标为“数据已变更”并列出改动"),
    )
    _db_arg(p)
    p.add_argument("--json", action="store_true", help="以 JSON 输出")
    p.add_argument("--reprint", metavar="ID", help="把这份已签发报告原样写出（ID 可只写前几位）")
    p.add_argument("-o", "--output", metavar="文件", help="重印的输出 PDF 文件（与 --reprint 同用）")

    from ycdesk.imports.kinds import IMPORT_KINDS

    import_kinds = list(IMPORT_KINDS)
    p = sub.add_parser("import", help="从 Excel/CSV 导入", description="导入 xlsx/xls/csv；默认全部成功才写入")
    p.add_argument("kind", choices=import_kinds, metavar="类型", help="、".join(import_kinds))
    p.add_argument("file", metavar="文件", help="要导入的 xlsx、xlsm、xls 或 csv 文件")
    _db_arg(p)
    p.add_argument("--sheet", metavar="工作表", help="工作表名称或序号（从0开始），默认第一个")
    p.add_argument("--dry-run", action="store_true", help="只检查并统计，不写入")
    p.add_argument("--valid-only", action="store_true", help="只导入有效行，跳过被拒绝的行")
    p.add_argument("--rejected", metavar="文件", help="把被拒绝的行写入此 xlsx（含“原因”列）")
    p.add_argument(
        "--map",
        action="append",
        default=[],
        metavar="源列=目标列",
        help="把表中的列对应到标准列，可重复；目标列留空表示忽略该列",
    )
    _limit_args(p)

    p = sub.add_parser("template", help="生成空白导入模板", description="生成带批注和下拉列表的导入模板")
    p.add_argument("kind", choices=import_kinds, metavar="类型", help="、".join(import_kinds))
    _db_arg(p)
    p.add_argument("-o", "--output", required=True, metavar="文件", help="输出 .xlsx")

    p = sub.add_parser("batches", help="列出导入批次", description="列出导入批次（可撤销）")
    _db_arg(p)
    p = sub.add_parser(
        "undo-import",
        help="撤销一个导入批次",
        description="把一个导入批次改动的记录恢复原样；导入后又被改动或引用的记录默认拒绝撤销并列出",
    )
    p.add_argument("batch", metavar="批次ID", help="ycdesk batches 列出的批次 ID")
    _db_arg(p)
    p.add_argument(
        "--keep-changed",
        action="store_true",
        help="撤销其余改动，保留导入后又被改动或被后来记录引用的那些记录（逐条列出）",
    )

    _exchange_parser(sub)

    p = sub.add_parser(
        "check",
        help="检查工作区",
        description="检查数据库完整性、外键、修改记录触发器、佐证材料和修改记录校验链；"
        "退出码 0 无问题，1 发现问题，2 无法读取",
    )
    p.add_argument("--db", metavar="文件", help="工作区文件；省略时使用用户数据目录中的默认工作区")
    p.add_argument("--json", action="store_true", help="以 JSON 输出")

    p = sub.add_parser("backup", help="备份工作区", description="用 SQLite 在线备份接口复制工作区，检查后再存入")
    _db_arg(p)
    p.add_argument(
        "-o",
        "--output",
        metavar="文件",
        help="备份文件（佐证材料存入“文件名.files”）；省略时放在工作区旁的 backups 目录",
    )
    p.add_argument("--force", action="store_true", help="允许覆盖已存在的文件（工作区本身除外）")

    p = sub.add_parser(
        "backups", help="列出工作区的备份", description="列出备份：路径、时间、原因、大小、检查结果（最新在前）"
    )
    _db_arg(p)
    p.add_argument("--json", action="store_true", help="以 JSON 输出")
    p.add_argument("--verify", action="store_true", help="重新检查每个备份（quick_check、校验值、佐证材料）")

    p = sub.add_parser(
        "restore", help="从备份恢复工作区", description="检查备份后替换工作区；被替换的工作区先备份，佐证材料一并恢复"
    )
    p.add_argument("backup", metavar="备份", help="备份文件（见 ycdesk backups）")
    _db_arg(p)
    return parser


def _exchange_parser(sub) -> None:
    p = sub.add_parser(
        "exchange",
        help="镇街与区之间的数据报送（交换包）",
        description="镇街与区之间用签名的交换包报送数据。退出码：0 已导入/已导出，"
        "1 被拒绝（范围、签名、版本），未写入任何内容，2 文件无法读取，3 环境问题",
    )
    actions = p.add_subparsers(dest="action", metavar="操作", required=True, help="操作")
    e = actions.add_parser("enroll", help="区里为镇街办理登记，签发登记密钥文件", description="为镇街签发登记密钥文件")
    e.add_argument("--township", required=True, metavar="镇街", help="镇街名称，如 塔山街道")
    e.add_argument("-o", "--output", required=True, metavar="文件", help="输出的登记密钥文件（交给镇街，妥善保管）")
    r = actions.add_parser("revoke", help="撤销镇街的登记", description="撤销后不再接收该镇街用原密钥签发的交换包")
    r.add_argument("--township", required=True, metavar="镇街", help="镇街名称")
    x = actions.add_parser("export", help="导出交换包", description="导出自上次对方确认以来的改动（含佐证文件）")
    x.add_argument("--township", metavar="镇街", help="区里导出时指定发给哪个镇街")
    x.add_argument("-o", "--output", required=True, metavar="文件", help="输出的交换包（.ycx）")
    i = actions.add_parser("import", help="导入交换包", description="检查签名、版本和填报范围后在一个事务中导入")
    i.add_argument("file", metavar="文件", help="交换包（.ycx）")
    i.add_argument("--dry-run", action="store_true", help="只检查并列出将要发生的改动，不写入")
    i.add_argument("--json", action="store_true", help="以 JSON 输出结果")
    t = actions.add_parser("status", help="报送情况：谁在何时报送了什么", description="列出各镇街各季度的报送情况")
    t.add_argument("--json", action="store_true", help="以 JSON 输出")
    for q in (e, r, x, i, t):
        _db_arg(q)


def open_store(args, *, create: bool = False):
    """The workspace named by --db, or the default one; it must exist and be a healthy
    workspace (only ``init`` creates one). ``create`` is accepted for older callers and ignored."""
    from ycdesk.workspace import open_workspace

    return open_workspace(args.db, args.operator)


def cmd_init(args) -> int:
    from ycdesk.paths import default_workspace
    from ycdesk.workspace import create_workspace

    path = Path(args.db) if args.db else default_workspace()
    if args.township_key:  # an unreadable key file stops here, before anything is made
        from ycdesk.exchange.enrolment import read_key_file

        read_key_file(args.township_key)
    existed = path.exists()
    path = create_workspace(args.db, args.operator, demo=not args.no_demo, force=args.force)
    if args.township_key:
        try:
            _bind_township(path, args.township_key, args.operator)
        except BaseException:
            if not existed:  # a key that does not fit leaves no half-made workspace behind
                for leftover in (path, Path(f"{path}-wal"), Path(f"{path}-shm")):
                    leftover.unlink(missing_ok=True)
            raise
    print(_("已创建工作区：{0}").format(path), file=sys.stderr)
    return 0


def _bind_township(path: Path, key_file, operator) -> None:
    """``init --township-key``: the workspace just made at ``path`` becomes that
    township's. A separate step on the finished file, so however ``init`` builds it."""
    from ycdesk.exchange.enrolment import bind
    from ycdesk.store import Store

    with Store(path, operator=operator) as store:
        result = bind(store, key_file)
    print(_("本工作区为{0}的工作区").format(result["township"]), file=sys.stderr)


def cmd_exchange(args) -> int:
    from ycdesk.exchange import enrolment, packages

    with open_store(args, create=False) as store:
        if args.action == "enroll":
            result = enrolment.enroll(store, args.township, args.output)
            print(
                _("已为{0}签发登记密钥：{1}（请当面交给镇街并妥善保管）").format(result["township"], args.output),
                file=sys.stderr,
            )
        elif args.action == "revoke":
            enrolment.revoke(store, args.township)
            print(_("已撤销{0}的登记").format(args.township), file=sys.stderr)
        elif args.action == "export":
            result = packages.export_package(store, args.output, args.township)
            print(
                _("已导出第{0}号交换包 {1}：{2} 条改动，佐证文件 {3} 个").format(
                    result["seq"], args.output, result["rows"], result["files"]
                ),
                file=sys.stderr,
            )
        elif args.action == "import":
            outcome = packages.import_package(store, args.file, dry_run=args.dry_run)
            if args.json:
                print(
                    json.dumps(
                        {
                            "summary": outcome.summary(),
                            "applied": outcome.applied,
                            "by_table": outcome.by_table,
                            "conflicts": outcome.conflicts,
                            "files": outcome.files,
                            "dry_run": outcome.dry_run,
                            "already": outcome.already,
                        },
                        ensure_ascii=False,
                        indent=2,
                        default=str,
                    )
                )
            else:
                print(outcome.summary())
                for c in outcome.conflicts[:50]:
                    print(
                        _("  冲突：{0} {1} {2}：本地 {3}，来件 {4}，保留{5}").format(
                            packages.table_name(c["table"]),
                            c["row_id"],
                            "、".join(c["columns"]),
                            c["local"],
                            c["incoming"],
                            _("来件") if c["kept"] == "incoming" else _("本地"),
                        )
                    )
                if len(outcome.conflicts) > 50:
                    print(_("  ……共 {0} 处冲突（全部记入修改记录，可用 --json 查看）").format(len(outcome.conflicts)))
                if args.dry_run:
                    print(_("试运行：未写入任何内容"))
        else:
            data = packages.status(store)
            if args.json:
                print(json.dumps(data, ensure_ascii=False, indent=2))
            else:
                for peer in data["peers"]:
                    state = _("（已撤销）") if peer["revoked_at"] else ""
                    print(
                        f"{peer['name']}{state}  {_('已发')} {peer['sent']}  {_('已收')} {peer['received']}  "
                        f"{_('最近收到')} {peer['last_received'] or '—'}"
                    )
                    for q, got in peer["quarters"].items():
                        line = (
                            _("未报送")
                            if got is None
                            else _("{0} 条，冲突 {1} 处，{2}").format(got["rows"], got["conflicts"], got["at"][:10])
                        )
                        print(f"    {q}  {line}")
    return 0


def cmd_summary(args) -> int:
    from ycdesk.summary import summary

    with open_store(args, create=False) as store:
        data = summary(store, args.as_of)
    if args.json:
        print(json.dumps(data, ensure_ascii=False, indent=2))
        return 0
    p = data["projects"]
    print(
        _("重大工程 {0} 项，总投资 {1} 亿元，其中十四五计划投资 {2} 亿元，已完成 {3} 亿元").format(
            p["count"], p["total_investment"], p["fyp_investment"], p["completed"]
        )
    )
    for domain, d in p["by_domain"].items():
        print(f"  {domain}：{d['count']} 项，{d['total']} / {d['fyp']} 亿元")
    plans = data["indicators"]["by_plan"]
    print(
        _("指标：十四五 {0} 项，十三五 {1} 项，规划文本目标 {2} 项，监测序列 {3} 项").format(
            plans["十四五"], plans["十三五"], plans["规划文本"], plans["监测"]
        )
    )
    f = data["findings"]
    print(
        _("考核问题：截至{0}未销号 {1} 处，其中逾期 {2} 处，7天内到期 {3} 处").format(
            f["as_of"], f["open"], f["overdue"], f["due_soon"]
        )
    )
    for year, levels in data["findings"]["by_year_level"].items():
        for level, f in levels.items():
            print(
                _("  {0}年{1}考核：{2} 家，发现问题 {3} 处，整改完成 {4} 处").format(
                    year, level, f["units"], f["found"], f["rectified"]
                )
            )
    return 0


def _output(args, path, inputs=()):
    """Refuse an output path that is the workspace, an input or another workspace."""
    from ycdesk.outputs import check_output_path
    from ycdesk.paths import default_workspace

    return check_output_path(path, workspace=args.db or default_workspace(), inputs=inputs)


def cmd_export(args) -> int:
    from ycdesk.export import export_table

    _output(args, args.output)
    with open_store(args, create=False) as store:
        count = export_table(store, args.table, args.output, as_of=args.as_of)
    print(_("已导出 {0} 行到 {1}").format(count, args.output), file=sys.stderr)
    return 0


def cmd_demo(args) -> int:
    from ycdesk.seed import demo_count, remove_demo

    with open_store(args, create=False) as store:
        if args.action == "count":
            print(demo_count(store))
        else:
            store.check_writable()
            store.backup(reason="before-demo-removal")
            removed = remove_demo(store)
            print(_("已删除演示数据 {0} 条").format(removed), file=sys.stderr)
    return 0


def cmd_report(args) -> int:
    from ycdesk.reports import kinds, register

    params = {p.name: getattr(args, p.name) for p in kinds.kind(args.kind).parameters}
    _output(args, args.output)
    with open_store(args, create=False) as store:
        if args.issue:
            row = register.issue(store, args.kind, params)
            register.reprint(store, row["id"], args.output)
            print(
                _("已签发 {0}（登记号 {1}，数据指纹 {2}）").format(args.output, row["id"][:8], row["fingerprint"][:12]),
                file=sys.stderr,
            )
            return 0
        result = kinds.build(store, args.kind, params, args.output)
    print(_("已生成 {0}（数据指纹 {1}）").format(args.output, result["hash"][:12]), file=sys.stderr)
    return 0


def cmd_analysis(args) -> int:
    from ycdesk import stats

    if not args.output.lower().endswith(".xlsx"):
        raise UserError(_("交叉表导出为 .xlsx 文件，收到“{0}”").format(args.output))
    _output(args, args.output)
    with open_store(args, create=False) as store:
        cut = stats.Cut(
            as_of=args.as_of or store.today(),
            township_id=store.townships.id_for(args.township) if args.township else None,
        )
        sheets = stats.export_crosstabs(store, cut, args.output)
    print(_("已导出 {0}（{1}）").format(args.output, "、".join(sheets)), file=sys.stderr)
    return 0


def cmd_settings(args) -> int:
    from ycdesk.reports import profile

    with open_store(args, create=False) as store:
        for item in args.assignments:
            key, sep, value = item.partition("=")
            if not sep:
                raise UserError(_("设置“{0}”应写作 键=值").format(item))
            profile.set_value(store, key.strip(), value)
        for key, value in profile.all_settings(store).items():
            print(f"{key}\t{profile.FIELDS[key][0]}：{value or _('（未填写）')}")
    return 0


def cmd_reports(args) -> int:
    from ycdesk.reports import register

    with open_store(args, create=False) as store:
        if args.reprint:
            if not args.output:
                raise UserError(_("重印需要用 -o 指定输出文件"))
            _output(args, args.output)
            register.reprint(store, args.reprint, args.output)
            print(_("已重印到 {0}").format(args.output), file=sys.stderr)
            return 0
        rows = register.issued(store)
    keys = (
        "id",
        "kind",
        "title",
        "period",
        "scope",
        "as_of",
        "fingerprint",
        "operator",
        "issued_at",
        "state",
        "changes",
    )
    if args.json:
        print(json.dumps([{k: r[k] for k in keys} for r in rows], ensure_ascii=False, indent=2))
        return 0
    if not rows:
        print(_("还没有签发过报告（生成报告时加 --issue 即签发）"))
    for r in rows:
        print(
            f"{r['id'][:8]}  {r['issued_at'][:16].replace('T', ' ')}  {r['title']}  {r['period']}  "
            f"{r['scope']}  {_('数据截至')} {r['as_of']}  {r['operator']}  {r['state']}"
        )
        for change in r["changes"]:
            print(f"    {change}")
    return 0


def cmd_import(args) -> int:
    from ycdesk.imports import import_file, write_rejected

    mapping = {}
    for item in args.map:
        if "=" not in item:
            raise UserError(_("映射“{0}”应写作 源列=目标列").format(item))
        source, target = item.split("=", 1)
        mapping[source.strip()] = target.strip()
    if args.rejected:
        _output(args, args.rejected, inputs=[args.file])

    def progress(done, total):  # the engine reports checking as 0–80 %, writing the rest
        if total >= 2000:
            print(f"\r{_('导入中')} {done * 100 // total}%（{total} {_('行')}）", end="", file=sys.stderr, flush=True)

    with open_store(args, create=False) as store:
        result = import_file(
            store,
            args.kind,
            args.file,
            sheet=args.sheet,
            mapping=mapping,
            dry_run=args.dry_run,
            valid_only=args.valid_only,
            progress=progress,
            limits=_limits(args),
        )
    print(file=sys.stderr)
    print(_("工作表“{0}”（表头在第{1}行）：{2}").format(result.sheet, result.header_row, result.summary()))
    if result.ignored:
        print(_("未识别、已忽略的列：{0}").format("、".join(result.ignored)))
    for error in result.errors[:50]:
        print("  " + str(error))
    if len(result.errors) > 50:
        print(_("  ……共 {0} 条错误").format(len(result.errors)))
    if args.rejected and result.errors:
        write_rejected(result, args.rejected)
        print(_("被拒绝的行已写入 {0}").format(args.rejected))
    if args.dry_run:
        print(_("试运行：未写入任何内容"))
        return 1 if result.errors else 0
    if not result.written:
        print(_("有被拒绝的行，未写入任何内容（可改正后重新导入，或使用 --valid-only）"), file=sys.stderr)
        return 1
    print(_("已写入，批次 {0}").format(result.batch_id))
    return 0


def cmd_template(args) -> int:
    from ycdesk.imports.template import write_template

    _output(args, args.output)
    with open_store(args, create=False) as store:
        write_template(store, args.kind, args.output)
    print(_("已生成模板 {0}").format(args.output), file=sys.stderr)
    return 0


def cmd_batches(args) -> int:
    from ycdesk.history_text import local_time
    from ycdesk.imports import batches
    from ycdesk.imports.kinds import kind_label

    with open_store(args, create=False) as store:
        for b in batches(store):
            state = _("已撤销") if b["undone_at"] else ""
            print(
                f"{b['id']}  {local_time(b['created_at'])}  {kind_label(b['kind'])}  {b['file_name']}  "
                f"新增{b['new']} 更新{b['updated']} 未变{b['unchanged']} 拒绝{b['rejected']}  {state}"
            )
    return 0


def cmd_undo_import(args) -> int:
    from ycdesk.imports import apply_undo, plan_undo

    with open_store(args, create=False) as store:
        plan = plan_undo(store, args.batch)
        count = apply_undo(store, plan, keep_changed=args.keep_changed)
    print(_("已撤销批次，恢复 {0} 处改动").format(count), file=sys.stderr)
    if plan.kept:
        print(_("以下 {0} 条记录在导入后又被改动或被引用，已保留原样：").format(len(plan.kept)), file=sys.stderr)
        for kept in plan.kept:
            print(f"  {kept}", file=sys.stderr)
    return 0


def cmd_check(args) -> int:
    from ycdesk.check import check_workspace
    from ycdesk.paths import default_workspace

    report = check_workspace(Path(args.db) if args.db else default_workspace())
    if args.json:
        print(json.dumps(report.as_dict(), ensure_ascii=False, indent=2))
        return report.exit_code
    for note in report.notes:
        print(_("提示：{0}").format(note))
    if report.ok:
        print(
            _("工作区检查通过：数据库完整，外键、触发器无误，佐证材料 {0} 份，修改记录 {1} 条校验链完整").format(
                report.evidence_files, report.history_rows
            )
        )
        if report.history_head:
            print(_("修改记录链尾校验值：{0}").format(report.history_head))
        return 0
    print(_("发现 {0} 个问题：").format(len(report.problems)))
    for problem in report.problems:
        print(f"  {problem.message}")
    return report.exit_code


def cmd_backup(args) -> int:
    with open_store(args) as store:
        if args.output:
            _check_backup_output(Path(args.output), store.path, args.force)
        dest = store.backup(args.output)
    print(_("已备份到 {0}").format(dest), file=sys.stderr)
    return 0


def _check_backup_output(out: Path, workspace: Path, force: bool) -> None:
    from ycdesk.store.probe import probe

    if out.exists() and out.resolve() == workspace.resolve():
        raise UserError(_("备份文件不能是工作区本身：{0}").format(out))
    if out.is_dir():
        raise UserError(_("“{0}”是一个文件夹，请给出备份文件名").format(out))
    if out.exists() and not force:
        what = _("另一个工作区") if probe(out, check=False).ok else _("已存在的文件")
        raise UserError(_("“{0}”是{1}，不会覆盖；确需覆盖请加 --force").format(out, what))


def cmd_backups(args) -> int:
    from ycdesk.backups import list_backups, verify
    from ycdesk.paths import default_workspace
    from ycdesk.store.probe import probe

    path = Path(args.db) if args.db else default_workspace()
    found = probe(path, check=False)  # a damaged workspace still has backups to list
    items = list_backups(path, found.workspace_id)
    if args.verify:
        for b in items:
            b.check = verify(b)
    if args.json:
        print(json.dumps([b.as_json() for b in items], ensure_ascii=False, indent=2))
        return 0
    if not items:
        print(_("“{0}”还没有备份").format(path), file=sys.stderr)
    for b in items:
        print(
            f"{b.created_at:%Y-%m-%d %H:%M:%S}  {b.describe_reason()}  {b.size_text()}  "
            f"{_('检查通过') if b.ok else b.check}  {b.path}"
        )
    return 0


def cmd_restore(args) -> int:
    from datetime import datetime

    from ycdesk.backups.restore import restore
    from ycdesk.paths import default_workspace

    path = Path(args.db) if args.db else default_workspace()
    result = restore(args.backup, path, datetime.now().astimezone())
    print(_("已从 {0} 恢复工作区 {1}").format(result.backup, result.workspace), file=sys.stderr)
    if result.kept:
        print(_("被替换的工作区已保存为 {0}").format(result.kept), file=sys.stderr)
    if result.evidence:
        print(_("恢复佐证材料 {0} 份").format(result.evidence), file=sys.stderr)
    if result.missing:
        print(_("注意：{0} 份佐证材料在备份和工作区中都找不到").format(len(result.missing)), file=sys.stderr)
    return 0


COMMANDS = {
    "init": cmd_init,
    "summary": cmd_summary,
    "export": cmd_export,
    "reports": cmd_reports,
    "settings": cmd_settings,
    "analysis": cmd_analysis,
    "demo": cmd_demo,
    "backup": cmd_backup,
    "backups": cmd_backups,
    "restore": cmd_restore,
    "exchange": cmd_exchange,
    "report": cmd_report,
    "import": cmd_import,
    "template": cmd_template,
    "batches": cmd_batches,
    "undo-import": cmd_undo_import,
    "check": cmd_check,
}


def main(argv: list[str] | None = None, extend=None) -> int:
    """Run one command. ``extend(parser, subparsers)``, from the application, may add
    arguments and subcommands; it returns ``(commands, default)``: their handlers by name,
    and the command run when none is given (None: print the help)."""
    if (argv if argv is not None else sys.argv[1:])[:1] == ["--exchange-worker"]:
        # The built app has no ``python -m``: it runs its exchange child process this way.
        from ycdesk.exchange.worker import main as worker

        return worker()
    if extend is None and (argv if argv is not None else sys.argv[1:])[:1] == ["gui"]:
        # python -m ycdesk gui: the core has no window; say where it is.
        print(_("图形界面由应用启动：ycdesk gui，或 python -m ui"), file=sys.stderr)
        return 2
    parser = build_parser()
    commands, default = dict(COMMANDS), None
    if extend is not None:
        added, default = extend(parser, parser.commands)
        commands.update(added)
    args = parser.parse_args(argv)  # exits 2 with a Chinese message on usage errors
    if args.command is None:
        if default is None:
            parser.print_help()
            print(_("\n图形界面：ycdesk gui，或 python -m ui"))
            return 0
        args = parser.parse_args([default, *(argv if argv is not None else sys.argv[1:])])
    from ycdesk.tempdir import remove_stale

    remove_stale()  # temporary folders of earlier runs that were killed
    try:
        return commands[args.command](args)
    except UserError as exc:
        print(_("错误：{0}").format(exc), file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        print(_("已取消"), file=sys.stderr)
        return 130
    except BrokenPipeError:
        # Output piped into `head` and closed early: not an error worth a traceback.
        import os

        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    except Exception as exc:
        # A locked or read-only workspace, a full disk, a missing folder: the computer's
        # problem, said in Chinese with exit 3 (an unreadable input: 2). Anything else is a bug.
        from ycdesk.environment import environment_problem

        problem = environment_problem(exc, getattr(args, "db", None), inputs=[getattr(args, "file", None)])
        if problem is None:
            raise
        print(_("错误：{0}").format(problem), file=sys.stderr)
        return problem.exit_code
