"""The ``ycdesk`` command of the installed application (and ``python -m ui``).

The GUI is registered from here onto the core's command line, never the reverse: this
adds ``gui`` (the command run when none is given) and ``--self-test`` to
:func:`ycdesk.cli.main`, which runs every other command itself. The core package imports
nothing from ``ui``.
"""

from __future__ import annotations

import argparse
import sys


def main(argv: list[str] | None = None) -> int:
    from ycdesk import cli

    if (argv if argv is not None else sys.argv[1:]) == ["--self-test"]:
        return self_test()  # returned, not exited: the tests and the build script read it
    return cli.main(argv, extend=_add_gui)


def _add_gui(parser: argparse.ArgumentParser, commands) -> tuple[dict, str]:
    from ycdesk.cli import _db_arg

    parser.add_argument(
        "--self-test",
        action=_SelfTest,
        nargs=0,
        help="自检：用内置样例数据建立临时工作区、生成季度报告并打开主窗口（不联网）",
    )
    parser.description = "越城区生态环境保护“十四五”规划工作台。不带子命令时启动图形界面。"
    _db_arg(commands.add_parser("gui", help="启动图形界面（不带子命令时同此）", description="启动图形界面"))
    return {"gui": cmd_gui}, "gui"


def cmd_gui(args) -> int:
    from ui.app import run

    return run(db=args.db, operator=args.operator)


class _SelfTest(argparse.Action):
    """``--self-test`` runs at once and exits with its result, as ``--version`` does."""

    def __call__(self, parser, namespace, values, option_string=None) -> None:
        parser.exit(self_test())


def self_test() -> int:
    from ycdesk import selftest

    return selftest.run(check_window)


def check_window(store, folder) -> str | None:
    """The Qt half of the self-test: the main window opens offscreen with every tab the
    registry declares. Returns what is wrong, or None."""
    import os

    from PySide6.QtCore import QSettings

    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from ui.app import create_app
    from ui.main_window import MainWindow
    from ui.settings import Settings
    from ui.tabs import registry

    app = create_app()
    window = MainWindow(store, Settings(QSettings(str(folder / "settings.ini"), QSettings.IniFormat)))
    window.show()
    app.processEvents()
    tabs = [window.tabs.tabText(i) for i in range(window.tabs.count())]
    built = [type(window.tab(i)).__name__ for i in range(window.tabs.count())]
    window.close()
    if tabs != registry.titles():
        return f"unexpected tabs {tabs}, the registry declares {registry.titles()}"
    if built != [spec.cls for spec in registry.TABS]:
        return f"tabs built as {built}"
    return None


if __name__ == "__main__":
    sys.exit(main())
