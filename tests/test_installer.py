"""The standalone build and its self-test; the app never touches the network."""

import socket
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def test_self_test_passes_with_the_network_forbidden(capsys):
    from ui.launcher import main  # the installed ``ycdesk`` command

    real = socket.socket.connect
    assert main(["--self-test"]) == 0  # any connect() during the run would have failed it
    assert "self-test ok" in capsys.readouterr().out
    assert socket.socket.connect is real  # the guard is lifted afterwards


def test_the_guard_catches_a_connection_attempt(capsys):
    from ycdesk import selftest

    def window_that_phones_home(store, folder):
        socket.create_connection(("127.0.0.1", 9))
        return []

    assert selftest.run(window_that_phones_home) == 1
    assert "network access attempted" in capsys.readouterr().out


@pytest.mark.slow
def test_build_installer_builds_smoke_tests_and_packages(tmp_path):
    dist = tmp_path / "dist"
    result = subprocess.run(
        [sys.executable, str(ROOT / "build_installer.py"), "--dist", str(dist)],
        capture_output=True,
        text=True,
        timeout=1800,
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    assert "self-test ok" in result.stdout and "window checked" in result.stdout
    assert "bundle" in result.stdout and "MB" in result.stdout
    assert (dist / "ycdesk" / "_internal" / "resources" / "fonts" / "wqy-microhei.ttc").exists()
    assert (dist / "ycdesk" / "_internal" / "sample_data" / "plan" / "projects.csv").exists()
    assert not list((dist / "ycdesk").rglob("*QtWebEngine*"))
    if sys.platform.startswith("linux"):
        assert list(dist.glob("ycdesk-*-linux-x86_64.tar.gz"))
        assert (dist / "ycdesk" / "ycdesk.desktop").exists()
