"""The ``ycdesk`` command: a thin layer over the core library.

Exit codes: 0 ok, 1 invalid input (nothing written), 2 usage error or unreadable file.
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


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="ycdesk", description="越城区生态环境保护“十四五”规划工作台。不带子命令时启动图形界面。"
    )
    parser.add_argument("--version", action="version", version=f"ycdesk {__version__}")
    parser.add_argument("--self-test", action="store_true",
                        help="自检：用内置样例数据建立临时工作区、生成季度报告并打开主窗口（不联网）")
    sub = parser.add_subparsers(dest="command", metavar="子命令", help="不带子命令时启动图形界面")

    p = sub.add_parser("gui", help="启动图形界面", description="启动图形界面")
    _db_arg(p)

    p = sub.add_parser("init", help="从内置样例数据新建工作区", description="从 sample_data 新建工作区（规划数据，默认含演示数据）")
    _db_arg(p)
    p.add_argument("--no-demo", action="store_true", help="只载入规划数据，不载入演示数据")
    p.add_argument("--township-key", metavar="密钥文件",
                   help="用区里签发的登记密钥建立镇街工作区（只能填报本镇街的数据）")

    p = sub.add_parser("summary", help="输出工作区汇总", description="输出项目、指标和考核的汇总")
    _db_arg(p)
    p.add_argument("--json", action="store_true", help="以 JSON 输出（金额为亿元字符串，两位小数）")
    p.add_argument("--as-of", metavar="YYYY-MM-DD", type=_as_of, help="计算逾期的截至日期，默认今天")

    from ycdesk.export.tables import TABLES

    p = sub.add_parser("export", help="导出一张表到 Excel 或 CSV", description="导出一张表（中文表头，可再次导入）")
    p.add_argument("table", choices=list(TABLES), metavar="表", help="表名：" + "、".join(TABLES))
    _db_arg(p)
    p.add_argument("-o", "--output", required=True, metavar="文件", help="输出文件（.xlsx 或 .csv）")
    p.add_argument("--as-of", metavar="YYYY-MM-DD", type=_as_of,
                   help="数据截至日期（计算列：逾期、最新值、累计完成；问题只含此日前检查的），默认今天")

    p = sub.add_parser("demo", help="演示数据：统计或一键删除", description="统计或删除全部演示数据")
    p.add_argument("action", choices=["count", "remove"], metavar="操作", help="count 统计，remove 删除")
    _db_arg(p)

    p = sub.add_parser("report", help="生成 PDF 报告", description="生成季度报告、中期评估/终期考核报告或整改通知书")
    kinds = p.add_subparsers(dest="kind", metavar="报告", required=True, help="报告类型")
    q = kinds.add_parser("quarterly", help="季度报告", description="季度报告（指标、重大工程、危废考核）")
    q.add_argument("--period", required=True, metavar="季度", help="季度，如 2024Q3")
    q.add_argument("--township", metavar="镇街", help="只含一个镇街；省略为全区")
    q.add_argument("--notes", default="", metavar="文字", help="写入报告“备注”一节的文字")
    e = kinds.add_parser("evaluation", help="中期评估（2023）或终期考核（2025）", description="中期评估或终期考核报告")
    e.add_argument("--year", required=True, type=int, metavar="年份", help="2023（中期评估）或 2025（终期考核）")
    n = kinds.add_parser("notice", help="整改通知书", description="一次考核的整改通知书")
    n.add_argument("--audit", required=True, metavar="ID", help="考核记录 ID（见 ycdesk export audits 的 ID 列）")
    for r in (q, e, n):
        _db_arg(r)
        r.add_argument("-o", "--output", required=True, metavar="文件", help="输出 PDF 文件")
        r.add_argument("--issue", action="store_true",
                       help="签发：把这份报告（PDF、数据、指纹）存入工作区的签发登记，以后可原样重印")

    p = sub.add_parser("reports", help="签发登记：列出、核对、重印", description=(
        "列出已签发的报告；截至日前的数据后来有改动的标为“数据已变更”并列出改动"))
    _db_arg(p)
    p.add_argument("--json", action="store_true", help="以 JSON 输出")
    p.add_argument("--reprint", metavar="ID", help="把这份已签发报告原样写出（ID 可只写前几位）")
    p.add_argument("-o", "--output", metavar="文件", help="重印的输出 PDF 文件（与 --reprint 同用）")

    import_kinds = ["findings", "enterprises", "observations", "investments", "projects"]
    p = sub.add_parser("import", help="从 Excel/CSV 导入", description="导入 xlsx/xls/csv；默认全部成功才写入")
    p.add_argument("kind", choices=import_kinds, metavar="类型", help="、".join(import_kinds))
    p.add_argument("file", metavar="文件", help="要导入的 xlsx、xlsm、xls 或 csv 文件")
    _db_arg(p)
    p.add_argument("--sheet", metavar="工作表", help="工作表名称或序号（从0开始），默认第一个")
    p.add_argument("--dry-run", action="store_true", help="只检查并统计，不写入")
    p.add_argument("--valid-only", action="store_true", help="只导入有效行，跳过被拒绝的行")
    p.add_argument("--rejected", metavar="文件", help="把被拒绝的行写入此 xlsx（含“原因”列）")
    p.add_argument("--map", action="append", default=[], metavar="源列=目标列",
                   help="把表中的列对应到标准列，可重复；目标列留空表示忽略该列")

    p = sub.add_parser("template", help="生成空白导入模板", description="生成带批注和下拉列表的导入模板")
    p.add_argument("kind", choices=import_kinds, metavar="类型", help="、".join(import_kinds))
    _db_arg(p)
    p.add_argument("-o", "--output", required=True, metavar="文件", help="输出 .xlsx")

    p = sub.add_parser("batches", help="列出导入批次", description="列出导入批次（可撤销）")
    _db_arg(p)
    p = sub.add_parser("undo-import", help="撤销一个导入批次", description="把一个导入批次改动的记录恢复原样")
    p.add_argument("batch", metavar="批次ID", help="ycdesk batches 列出的批次 ID")
    _db_arg(p)

    _exchange_parser(sub)

    p = sub.add_parser("backup", help="备份工作区", description="用 SQLite 在线备份接口复制工作区")
    _db_arg(p)
    p.add_argument("-o", "--output", metavar="文件", help="备份文件；省略时放在工作区旁的 backups 目录")
    return parser


def _exchange_parser(sub) -> None:
    p = sub.add_parser("exchange", help="镇街与区之间的数据报送（交换包）",
                       description="镇街与区之间用签名的交换包报送数据。退出码：0 已导入/已导出，"
                                   "1 被拒绝（范围、签名、版本），未写入任何内容，2 文件无法读取，3 环境问题")
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


def open_store(args, *, create: bool = True):
    """The workspace named by --db (which must exist), or the default one."""
    from ycdesk.workspace import open_workspace

    return open_workspace(args.db, args.operator, must_exist=bool(args.db) and not create)


def cmd_init(args) -> int:
    from ycdesk.paths import default_workspace
    from ycdesk.seed import init_workspace
    from ycdesk.store import Store

    path = Path(args.db) if args.db else default_workspace()
    if args.township_key:  # an unreadable key file stops here, before anything is made
        from ycdesk.exchange.enrolment import read_key_file

        read_key_file(args.township_key)
    existed = path.exists()
    with Store(path, operator=args.operator) as store:
        init_workspace(store, demo=not args.no_demo)
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
            print(_("已为{0}签发登记密钥：{1}（请当面交给镇街并妥善保管）").format(result["township"], args.output),
                  file=sys.stderr)
        elif args.action == "revoke":
            enrolment.revoke(store, args.township)
            print(_("已撤销{0}的登记").format(args.township), file=sys.stderr)
        elif args.action == "export":
            result = packages.export_package(store, args.output, args.township)
            print(_("已导出第{0}号交换包 {1}：{2} 条改动，佐证文件 {3} 个").format(
                result["seq"], args.output, result["rows"], result["files"]), file=sys.stderr)
        elif args.action == "import":
            outcome = packages.import_package(store, args.file, dry_run=args.dry_run)
            if args.json:
                print(json.dumps({"summary": outcome.summary(), "applied": outcome.applied,
                                  "by_table": outcome.by_table, "conflicts": outcome.conflicts,
                                  "files": outcome.files, "dry_run": outcome.dry_run, "already": outcome.already},
                                 ensure_ascii=False, indent=2, default=str))
            else:
                print(outcome.summary())
                for c in outcome.conflicts[:50]:
                    print(_("  冲突：{0} {1} {2}：本地 {3}，来件 {4}，保留{5}").format(
                        packages.table_name(c["table"]), c["row_id"], "、".join(c["columns"]), c["local"], c["incoming"],
                        _("来件") if c["kept"] == "incoming" else _("本地")))
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
                    print(f"{peer['name']}{state}  {_('已发')} {peer['sent']}  {_('已收')} {peer['received']}  "
                          f"{_('最近收到')} {peer['last_received'] or '—'}")
                    for q, got in peer["quarters"].items():
                        line = _("未报送") if got is None else _("{0} 条，冲突 {1} 处，{2}").format(
                            got["rows"], got["conflicts"], got["at"][:10])
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
    print(_("重大工程 {0} 项，总投资 {1} 亿元，其中十四五计划投资 {2} 亿元，已完成 {3} 亿元").format(
        p["count"], p["total_investment"], p["fyp_investment"], p["completed"]))
    for domain, d in p["by_domain"].items():
        print(f"  {domain}：{d['count']} 项，{d['total']} / {d['fyp']} 亿元")
    plans = data["indicators"]["by_plan"]
    print(_("指标：十四五 {0} 项，十三五 {1} 项，规划文本目标 {2} 项，监测序列 {3} 项").format(
        plans["十四五"], plans["十三五"], plans["规划文本"], plans["监测"]))
    f = data["findings"]
    print(_("考核问题：截至{0}未销号 {1} 处，其中逾期 {2} 处，7天内到期 {3} 处").format(
        f["as_of"], f["open"], f["overdue"], f["due_soon"]))
    for year, levels in data["findings"]["by_year_level"].items():
        for level, f in levels.items():
            print(_("  {0}年{1}考核：{2} 家，发现问题 {3} 处，整改完成 {4} 处").format(
                year, level, f["units"], f["found"], f["rectified"]))
    return 0


def cmd_export(args) -> int:
    from ycdesk.export import export_table

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
            store.backup(reason="before-demo-removal")
            removed = remove_demo(store)
            print(_("已删除演示数据 {0} 条").format(removed), file=sys.stderr)
    return 0


def cmd_report(args) -> int:
    from ycdesk.reports import kinds, register

    params = {"quarterly": lambda: {"period": args.period, "township": args.township, "notes": args.notes},
              "evaluation": lambda: {"year": args.year},
              "notice": lambda: {"audit": args.audit}}[args.kind]()
    with open_store(args, create=False) as store:
        if args.issue:
            row = register.issue(store, args.kind, params)
            register.reprint(store, row["id"], args.output)
            print(_("已签发 {0}（登记号 {1}，数据指纹 {2}）").format(
                args.output, row["id"][:8], row["fingerprint"][:12]), file=sys.stderr)
            return 0
        result = kinds.build(store, args.kind, params, args.output)
    print(_("已生成 {0}（数据指纹 {1}）").format(args.output, result["hash"][:12]), file=sys.stderr)
    return 0


def cmd_reports(args) -> int:
    from ycdesk.reports import register

    with open_store(args, create=False) as store:
        if args.reprint:
            if not args.output:
                raise UserError(_("重印需要用 -o 指定输出文件"))
            register.reprint(store, args.reprint, args.output)
            print(_("已重印到 {0}").format(args.output), file=sys.stderr)
            return 0
        rows = register.issued(store)
    keys = ("id", "kind", "title", "period", "scope", "as_of", "fingerprint", "operator", "issued_at",
            "state", "changes")
    if args.json:
        print(json.dumps([{k: r[k] for k in keys} for r in rows], ensure_ascii=False, indent=2))
        return 0
    if not rows:
        print(_("还没有签发过报告（生成报告时加 --issue 即签发）"))
    for r in rows:
        print(f"{r['id'][:8]}  {r['issued_at'][:16].replace('T', ' ')}  {r['title']}  {r['period']}  "
              f"{r['scope']}  {_('数据截至')} {r['as_of']}  {r['operator']}  {r['state']}")
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

    def progress(done, total):  # the engine reports checking as 0–80 %, writing the rest
        if total >= 2000:
            print(f"\r{_('导入中')} {done * 100 // total}%（{total} {_('行')}）", end="", file=sys.stderr, flush=True)

    with open_store(args, create=False) as store:
        result = import_file(store, args.kind, args.file, sheet=args.sheet, mapping=mapping,
                             dry_run=args.dry_run, valid_only=args.valid_only, progress=progress)
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

    with open_store(args, create=False) as store:
        write_template(store, args.kind, args.output)
    print(_("已生成模板 {0}").format(args.output), file=sys.stderr)
    return 0


def cmd_batches(args) -> int:
    from ycdesk.imports import batches

    with open_store(args, create=False) as store:
        for b in batches(store):
            state = _("已撤销") if b["undone_at"] else ""
            print(f"{b['id']}  {b['created_at']}  {b['kind']}  {b['file_name']}  "
                  f"新增{b['new']} 更新{b['updated']} 未变{b['unchanged']} 拒绝{b['rejected']}  {state}")
    return 0


def cmd_undo_import(args) -> int:
    from ycdesk.imports import undo_batch

    with open_store(args, create=False) as store:
        count = undo_batch(store, args.batch)
    print(_("已撤销批次，恢复 {0} 处改动").format(count), file=sys.stderr)
    return 0


def cmd_backup(args) -> int:
    with open_store(args, create=False) as store:
        dest = store.backup(args.output)
    print(_("已备份到 {0}").format(dest), file=sys.stderr)
    return 0


def cmd_gui(args) -> int:
    from ui.app import run  # imported here only: the core itself never loads Qt

    return run(db=args.db, operator=args.operator)


COMMANDS = {
    "init": cmd_init,
    "summary": cmd_summary,
    "export": cmd_export,
    "reports": cmd_reports,
    "demo": cmd_demo,
    "backup": cmd_backup,
    "exchange": cmd_exchange,
    "report": cmd_report,
    "import": cmd_import,
    "template": cmd_template,
    "batches": cmd_batches,
    "undo-import": cmd_undo_import,
    "gui": cmd_gui,
}


def main(argv: list[str] | None = None) -> int:
    if (argv if argv is not None else sys.argv[1:])[:1] == ["--exchange-worker"]:
        # The built app has no ``python -m``: it runs its exchange child process this way.
        from ycdesk.exchange.worker import main as worker

        return worker()
    parser = build_parser()
    args = parser.parse_args(argv)  # exits 2 with a Chinese message on usage errors
    if args.self_test:
        from ycdesk import selftest

        try:
            from ui.app import self_test_window  # the Qt half, when Qt is there
        except ImportError as exc:
            print(f"self-test: Qt side unavailable ({exc})", file=sys.stderr)
            return 1  # an installed app without its window is broken, not "mostly fine"
        return selftest.run(self_test_window)
    if args.command is None:
        args = parser.parse_args(["gui", *(argv or sys.argv[1:])])
    try:
        return COMMANDS[args.command](args)
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
