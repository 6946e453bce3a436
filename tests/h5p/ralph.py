"""Ralph, a real Learning Record Store, run by the tests on the loopback address.

Installed by ``make lrs-test-deps`` into ``var/ralph-venv`` (its own virtualenv: its pins
would clash with ours). Each server gets a temporary data directory (Ralph's file-system
backend) and an auth file with one basic-auth user, made by ``ralph auth``. It is served by
uvicorn directly: ``ralph runserver`` runs uvicorn with its code reloader, a second process
that outlives a plain stop.
"""

from __future__ import annotations

import base64
import json
import os
import socket
import subprocess
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
RALPH_BIN = ROOT / "var" / "ralph-venv" / "bin"
USERNAME, PASSWORD = "qadam", "lrs-test-secret"


def ralph_or_skip() -> None:
    """Skip when Ralph is not installed; with QADAM_REQUIRE_SERVICES=1, fail instead."""
    if (RALPH_BIN / "ralph").exists() and (RALPH_BIN / "uvicorn").exists():
        return
    reason = f"Ralph (the test LRS) is not installed in {RALPH_BIN.parent}: make lrs-test-deps"
    if os.environ.get("QADAM_REQUIRE_SERVICES") == "1":
        pytest.fail(reason)
    pytest.skip(reason)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class RalphLRS:
    """One Ralph server: ``start()``, ``stop()`` (as often as a test likes, same port and
    data), ``endpoint`` for H5P_LRS_ENDPOINT, and ``statements()`` to read back."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self.port = _free_port()
        self.endpoint = f"http://127.0.0.1:{self.port}/xAPI/"
        self.process: subprocess.Popen | None = None
        self.log_path = directory / "ralph.log"
        (directory / "data").mkdir()
        self.env = {
            "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
            "HOME": str(directory),
            "RALPH_APP_DIR": str(directory / "app"),
            "RALPH_AUTH_FILE": str(directory / "auth.json"),
            "RALPH_RUNSERVER_BACKEND": "fs",
            "RALPH_RUNSERVER_AUTH_BACKENDS": "basic",
            "RALPH_BACKENDS__LRS__FS__DEFAULT_DIRECTORY_PATH": str(directory / "data"),
        }
        made = subprocess.run(
            [
                RALPH_BIN / "ralph",
                "auth",
                f"--username={USERNAME}",
                f"--password={PASSWORD}",
                "--scope=all",
                "--agent-ifi-mbox=mailto:lrs-test@example.org",
                "--write-to-disk",
            ],
            cwd=directory,  # Ralph reads a .env in its working directory: not ours
            env=self.env,
            capture_output=True,
            text=True,
            timeout=60,
        )
        if made.returncode:
            raise AssertionError(f"ralph auth failed:\n{made.stdout}{made.stderr}")

    def start(self) -> None:
        assert self.process is None, "Ralph is already running"
        log = open(self.log_path, "a")  # noqa: SIM115 - lives as long as the server
        self.process = subprocess.Popen(
            [RALPH_BIN / "uvicorn", "ralph.api:app", "--host=127.0.0.1", f"--port={self.port}"],
            cwd=self.directory,
            env=self.env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        log.close()
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise AssertionError(f"Ralph stopped at start:\n{self.log_path.read_text()}")
            try:
                self._get("/__heartbeat__")
                return
            except (urllib.error.URLError, OSError):
                time.sleep(0.1)
        self.stop()
        raise AssertionError(f"Ralph did not answer in 30s:\n{self.log_path.read_text()}")

    def stop(self) -> None:
        if self.process is None:
            return
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=10)
        self.process = None

    def _get(self, path: str) -> dict:
        token = base64.b64encode(f"{USERNAME}:{PASSWORD}".encode()).decode()
        request = urllib.request.Request(
            f"http://127.0.0.1:{self.port}{path}",
            headers={"Authorization": f"Basic {token}", "X-Experience-API-Version": "1.0.3"},
        )
        with urllib.request.urlopen(request, timeout=5) as response:  # noqa: S310
            return json.loads(response.read())

    def statements(self, statement_id: str | None = None) -> list[dict]:
        """What Ralph holds: every statement, or those Ralph returns for ``statementId``."""
        query = f"?statementId={statement_id}" if statement_id else "?limit=500"
        answer = self._get(f"/xAPI/statements{query}")
        return answer.get("statements", [answer])

    def stored_lines(self) -> list[dict]:
        """The statements in Ralph's data file, as written (a duplicate would show here)."""
        lines = []
        for path in (self.directory / "data").glob("*"):
            lines += [json.loads(line) for line in path.read_text().splitlines() if line]
        return lines
