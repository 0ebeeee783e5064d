"""Start and stop the real servers the end-to-end tests drive: the Django API (runserver,
threaded) and a production build of the web client (`next build` once, then `next start`)."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

PROJECT = Path(__file__).resolve().parent.parent
BACKEND = PROJECT / "backend"
WEB = PROJECT / "web"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_until_up(url: str, process: subprocess.Popen, log: Path, timeout: float = 90) -> None:
    """Polls `url` until it answers (any HTTP status), failing early if the process died."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{url}: the server exited ({process.returncode}); see {log}")
        try:
            urllib.request.urlopen(url, timeout=2).close()
            return
        except urllib.error.HTTPError:
            return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"{url} did not answer within {timeout:.0f} s; see {log}")


class Server:
    """One server process with its log file; stop() whatever happens."""

    def __init__(self, name: str, log_dir: Path):
        self.name = name
        self.log = log_dir / f"{name}.log"
        self.process: subprocess.Popen | None = None

    def _spawn(self, command: list[str], cwd: Path, env: dict) -> subprocess.Popen:
        log = self.log.open("a")
        log.write(f"\n--- {time.strftime('%H:%M:%S')} start: {' '.join(command)}\n")
        log.flush()
        self.process = subprocess.Popen(
            command,
            cwd=cwd,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group: stop() takes its children too
        )
        return self.process

    def stop(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        os.killpg(self.process.pid, signal.SIGTERM)
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait()


class Backend(Server):
    def __init__(self, log_dir: Path, env: dict):
        super().__init__("backend", log_dir)
        self.port = free_port()
        self.url = f"http://localhost:{self.port}"
        self.env = env
        self.restarted = False

    def migrate(self) -> None:
        """The migrations, and the static files (the admin's, the API docs') collected as the
        production image collects them: with DEBUG off, WhiteNoise serves only those."""
        for command in (["migrate"], ["collectstatic"]):
            subprocess.run(
                [sys.executable, "manage.py", *command, "--noinput", "-v0"],
                cwd=BACKEND,
                env=self.env,
                check=True,
            )

    def start(self, **overrides: str) -> None:
        """(Re)starts the API, with environment overrides for this run only."""
        env = {**self.env, **overrides}
        command = [sys.executable, "manage.py", "runserver", f"localhost:{self.port}", "--noreload"]
        process = self._spawn(command, BACKEND, env)
        wait_until_up(f"{self.url}/api/health/", process, self.log)

    def restart(self, **overrides: str) -> None:
        self.stop()
        self.start(**overrides)
        self.restarted = bool(overrides)


class Web(Server):
    DIST = ".next-e2e"

    def __init__(self, log_dir: Path, api_url: str):
        super().__init__("web", log_dir)
        self.port = free_port()
        self.url = f"http://localhost:{self.port}"
        self.env = {
            **os.environ,
            "NEXT_PUBLIC_API_URL": api_url,  # inlined into the bundle by the build
            "NEXT_DIST_DIR": self.DIST,
            "NEXT_TELEMETRY_DISABLED": "1",
        }

    def build(self) -> None:
        process = self._spawn(["npx", "--no-install", "next", "build"], WEB, self.env)
        if process.wait() != 0:
            raise RuntimeError(f"next build failed; see {self.log}")

    def start(self) -> None:
        command = ["npx", "--no-install", "next", "start", "-H", "localhost", "-p", str(self.port)]
        process = self._spawn(command, WEB, self.env)
        wait_until_up(f"{self.url}/login", process, self.log)
