"""Build the standalone ycdesk application with PyInstaller and smoke-test the result.

    python build_installer.py [--onefile] [--dist DIR]

One-folder build (one-file optional) for the platform it runs on: the version comes from
the package, ``resources/`` and ``sample_data/`` ship as data, UPX is off, no console
window on Windows, the app icon is set, and Qt modules the app does not use are left
out. After building, the executable runs ``--self-test`` offscreen (workspace from the
embedded sample data, quarterly report, main window; no network) and the build fails if
that fails. On Windows an Inno Setup script is written next to the build; on Linux a
.tar.gz with a .desktop file. Prints the bundle size and the time taken.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tarfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent
sys.path.insert(0, str(ROOT))

from ycdesk import __version__  # noqa: E402

APP = "ycdesk"
# Qt modules ycdesk never imports; leaving them out keeps the bundle lean.
EXCLUDES = [
    "PySide6.QtWebEngineCore",
    "PySide6.QtWebEngineWidgets",
    "PySide6.QtWebEngineQuick",
    "PySide6.QtQml",
    "PySide6.QtQuick",
    "PySide6.QtQuickWidgets",
    "PySide6.QtQuickControls2",
    "PySide6.Qt3DCore",
    "PySide6.Qt3DRender",
    "PySide6.QtMultimedia",
    "PySide6.QtMultimediaWidgets",
    "PySide6.QtNetwork",
    "PySide6.QtSql",
    "PySide6.QtDesigner",
    "PySide6.QtHelp",
    "PySide6.QtTest",
    "PySide6.QtDBus",  # (QtOpenGL stays: pyqtgraph imports it) "PySide6.QtXml", "PySide6.QtUiTools",
    "PySide6.QtConcurrent",
    "PySide6.QtSvgWidgets",
    "tkinter",
    "matplotlib",
    "IPython",
    "pytest",
    "hypothesis",
    "pytestqt",
    "pypdf",
    "PyInstaller",
    # pyqtgraph imports these only if present; ycdesk's charts need none of them.
    "scipy",
    "pandas",
    "yaml",
    "h5py",
    "cupy",
    "numba",
    "OpenGL",
    "pyqtgraph.opengl",
]


def folder_size(path: Path) -> int:
    # Symlinks (Qt's versioned .so names) would count the same bytes twice.
    return sum(p.lstat().st_size for p in path.rglob("*") if p.is_file() and not p.is_symlink())


def build(dist: Path, onefile: bool) -> Path:
    import PyInstaller.__main__

    work = dist.parent / "build"
    launcher = work / "launch_ycdesk.py"
    launcher.parent.mkdir(parents=True, exist_ok=True)
    launcher.write_text("import sys\nfrom ui.launcher import main\nsys.exit(main())\n", encoding="utf-8")
    sep = os.pathsep
    args = [
        str(launcher),
        "--name",
        APP,
        "--noconfirm",
        "--clean",
        "--noupx",
        "--distpath",
        str(dist),
        "--workpath",
        str(work),
        "--specpath",
        str(work),
        "--paths",
        str(ROOT),
        "--add-data",
        f"{ROOT / 'resources'}{sep}resources",
        "--add-data",
        f"{ROOT / 'sample_data'}{sep}sample_data",
        "--icon",
        str(ROOT / "resources" / "icons" / ("ycdesk.ico" if os.name == "nt" else "ycdesk.png")),
        "--collect-submodules",
        "ycdesk",
        "--collect-submodules",
        "ui",
        "--collect-data",
        "pypdfium2_raw",
        "--collect-binaries",
        "pypdfium2_raw",
        "--onefile" if onefile else "--onedir",
    ]
    if os.name == "nt" or sys.platform == "darwin":
        args.append("--windowed")  # no console window for officers
    for module in EXCLUDES:
        args += ["--exclude-module", module]
    PyInstaller.__main__.run(args)
    if onefile:
        return dist / (APP + (".exe" if os.name == "nt" else ""))
    return dist / APP / (APP + (".exe" if os.name == "nt" else ""))


def smoke_test(executable: Path) -> None:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    result = subprocess.run([str(executable), "--self-test"], capture_output=True, text=True, env=env, timeout=300)
    print(result.stdout.strip())
    if result.returncode != 0:
        print(result.stderr[-4000:], file=sys.stderr)
        raise SystemExit(f"smoke test failed (exit {result.returncode})")


def package_linux(dist: Path) -> Path:
    desktop = dist / APP / f"{APP}.desktop"
    desktop.write_text(
        "[Desktop Entry]\nType=Application\nName=ycdesk\nName[zh_CN]=越城区生态环境“十四五”规划工作台\n"
        f"Exec={APP}\nIcon=ycdesk\nCategories=Office;\nTerminal=false\n",
        encoding="utf-8",
    )
    archive = dist / f"{APP}-{__version__}-linux-x86_64.tar.gz"
    with tarfile.open(archive, "w:gz") as tar:
        tar.add(dist / APP, arcname=f"{APP}-{__version__}")
    return archive


def inno_setup_script(dist: Path) -> Path:
    script = dist / f"{APP}.iss"
    script.write_text(
        f"""; Inno Setup script for ycdesk {__version__}: compile with ISCC.exe {script.name}
[Setup]
AppName=ycdesk 越城区生态环境“十四五”规划工作台
AppVersion={__version__}
DefaultDirName={{autopf}}\\ycdesk
DefaultGroupName=ycdesk
OutputBaseFilename=ycdesk-{__version__}-setup
SetupIconFile={ROOT / "resources" / "icons" / "ycdesk.ico"}
Compression=lzma2
SolidCompression=yes
PrivilegesRequired=lowest

[Files]
Source: "{dist / APP}\\*"; DestDir: "{{app}}"; Flags: recursesubdirs ignoreversion

[Icons]
Name: "{{group}}\\ycdesk"; Filename: "{{app}}\\{APP}.exe"
Name: "{{group}}\\卸载 ycdesk"; Filename: "{{uninstallexe}}"
Name: "{{autodesktop}}\\ycdesk"; Filename: "{{app}}\\{APP}.exe"
""",
        encoding="utf-8",
    )
    return script


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="构建 ycdesk 独立安装包并自检")
    parser.add_argument("--onefile", action="store_true", help="打成单个可执行文件（默认单目录）")
    parser.add_argument("--dist", default=str(ROOT / "dist"), help="输出目录")
    args = parser.parse_args(argv)
    dist = Path(args.dist).resolve()
    start = time.perf_counter()
    executable = build(dist, args.onefile)
    built = time.perf_counter() - start
    smoke_test(executable)
    bundle = executable if args.onefile else executable.parent
    size = bundle.stat().st_size if args.onefile else folder_size(bundle)
    extra = None
    if os.name == "nt":
        extra = inno_setup_script(dist)
    elif sys.platform.startswith("linux") and not args.onefile:
        extra = package_linux(dist)
    print(f"ycdesk {__version__}: built in {built:.0f} s, bundle {size / 2**20:.0f} MB at {bundle}")
    if extra:
        print(f"package: {extra} ({extra.stat().st_size / 2**20:.0f} MB)")
    print(f"total time {time.perf_counter() - start:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
