"""Build the standalone application (PyInstaller) and smoke-test it.

Not implemented yet: the installer work (one-folder PyInstaller build with resources
and sample data, smoke test with --self-test) is a separate issue. Running this script
says so and exits with status 1 rather than pretending to build.
"""

import sys


def main() -> int:
    print("build_installer.py：安装包构建尚未实现（见“build_installer.py”任务）。", file=sys.stderr)
    return 1


if __name__ == "__main__":
    sys.exit(main())
