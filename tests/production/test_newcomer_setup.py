"""`make run` and `make test` install the Debian packages they need when they can, and
otherwise say exactly what to run (issue 15, "Newcomers").

The Makefile's own recipe runs against stand-ins for `dpkg`, `id`, `sudo` and `apt-get` on
PATH, so the test sees what a newcomer's machine would be asked to do without touching this
machine's packages.
"""

from __future__ import annotations

import os
import shutil
import stat
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
RUN_PACKAGES = "libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-noto-core gettext"

pytestmark = pytest.mark.skipif(shutil.which("make") is None, reason="needs GNU make")


def _tool(bin_dir: Path, name: str, body: str) -> None:
    path = bin_dir / name
    path.write_text("#!/bin/sh\n" + body + "\n")
    path.chmod(path.stat().st_mode | stat.S_IEXEC)


def _machine(tmp_path: Path, *, installed: bool, root: bool, sudo: str) -> dict[str, str]:
    """A PATH whose dpkg says every package is (or is not) installed, whose `id -u` is 0 or
    1000, whose sudo works without a password ("ok"), asks for one ("password") or is absent,
    and whose apt-get writes what it was asked into a log instead of installing."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    log = tmp_path / "apt.log"
    _tool(bin_dir, "dpkg", "exit 0" if installed else "exit 1")
    _tool(bin_dir, "id", f"echo {0 if root else 1000}")
    _tool(bin_dir, "apt-get", f'echo "$@" >> {log}')
    if sudo == "ok":
        _tool(bin_dir, "sudo", '[ "$1" = -n ] && shift; "$@"')
    elif sudo == "password":
        _tool(bin_dir, "sudo", "echo 'sudo: a password is required' >&2; exit 1")
    elif sudo == "absent":
        _tool(bin_dir, "sudo", "echo 'sudo: command not found' >&2; exit 127")
    env = {**os.environ, "PATH": f"{bin_dir}:{os.environ['PATH']}"}
    return env


def _make(target: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["make", "--no-print-directory", "-s", target],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )


def _apt_calls(tmp_path: Path) -> list[str]:
    log = tmp_path / "apt.log"
    return log.read_text().splitlines() if log.exists() else []


def test_nothing_missing_asks_for_nothing(tmp_path):
    env = _machine(tmp_path, installed=True, root=False, sudo="password")
    result = _make("system-deps", env)
    assert result.returncode == 0, result.stdout + result.stderr
    assert _apt_calls(tmp_path) == []


def test_as_root_the_missing_packages_are_installed(tmp_path):
    env = _machine(tmp_path, installed=False, root=True, sudo="absent")
    result = _make("system-deps-run", env)
    assert result.returncode == 0, result.stdout + result.stderr
    assert f"installing Debian packages: {RUN_PACKAGES}" in result.stdout
    calls = _apt_calls(tmp_path)
    assert calls[0] == "update -qq"
    assert calls[1] == f"install -y -qq {RUN_PACKAGES}"


def test_sudo_without_a_password_is_used(tmp_path):
    env = _machine(tmp_path, installed=False, root=False, sudo="ok")
    result = _make("system-deps-test", env)
    assert result.returncode == 0, result.stdout + result.stderr
    assert _apt_calls(tmp_path)[-1] == "install -y -qq poppler-utils chromium"


@pytest.mark.parametrize("sudo", ["password", "absent"])
def test_without_rights_it_stops_with_the_command_to_run(tmp_path, sudo):
    env = _machine(tmp_path, installed=False, root=False, sudo=sudo)
    result = _make("system-deps-run", env)
    assert result.returncode != 0
    assert f"sudo apt-get install -y {RUN_PACKAGES}" in result.stdout
    assert "then make again" in result.stdout
    assert _apt_calls(tmp_path) == []


def test_make_run_and_make_test_reach_the_package_step():
    """`make run` asks for what the site needs; `make test` also for the test tools."""
    plans = {
        target: subprocess.run(
            ["make", "-n", "--no-print-directory", target],
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=60,
        ).stdout
        for target in ("run", "test")
    }
    assert f'PACKAGES="{RUN_PACKAGES}"' in plans["run"]
    assert 'PACKAGES="poppler-utils chromium"' not in plans["run"]
    assert f'PACKAGES="{RUN_PACKAGES}"' in plans["test"]
    assert 'PACKAGES="poppler-utils chromium"' in plans["test"]


def test_a_new_database_migrates_with_the_system_checks_on(tmp_path):
    """`make run` migrates a database that does not exist yet, and `migrate` runs every
    system check first (the test runner runs none): a check that reads a table must not
    stop the first migration."""
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "lms.settings.dev",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'new.sqlite3'}",
        "MEDIA_ROOT": str(tmp_path / "media"),
        "PRIVATE_MEDIA_ROOT": str(tmp_path / "private"),
    }
    done = subprocess.run(
        [str(ROOT / ".venv" / "bin" / "python"), "manage.py", "migrate", "--noinput", "-v0"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    checked = subprocess.run(
        [str(ROOT / ".venv" / "bin" / "python"), "manage.py", "check", "--database", "default"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert checked.returncode == 0, checked.stderr[-2000:]
    assert "no issues" in checked.stdout
