"""Server processes of the template's own tests and tools (tests/fuzz.py, tests/test_stack.py,
bench/): a free port to start one on, and a server started in its own process group with its
output in a log file, waited for until it answers over HTTP, stopped with all its children.

Each caller keeps its own command and environment, and turns StartError into its own kind of
failure (pytest.fail in the tests, an exception in the tools)."""

import http.client
import os
import signal
import socket
import subprocess
import time
from collections.abc import Callable
from pathlib import Path


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class StartError(RuntimeError):
    """A server exited, or did not answer in time; the message ends with its log's tail."""


class ServerProcess:
    """`command` in its own process group (stopping it stops the children: gunicorn's workers,
    runserver's reloader), its output appended to `log` (a restarted server's follows on)."""

    def __init__(self, command: list[str], cwd: Path, env: dict, log: Path):
        self.command, self.log = command, log
        with log.open("a") as out:
            self.process = subprocess.Popen(
                command,
                cwd=cwd,
                env=env,
                stdin=subprocess.DEVNULL,
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )

    def wait_until_answers(
        self,
        port: int,
        path: str,
        headers: dict | None = None,
        timeout: float = 60,
        ready: Callable[[int], bool] = lambda status: True,
    ) -> None:
        """Until `GET path` on 127.0.0.1:`port` gets an HTTP answer whose status `ready` accepts
        (by default any). StartError if the process exits first, or (after stopping it) if
        `timeout` seconds pass."""
        deadline, status = time.monotonic() + timeout, None
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise StartError(
                    f"`{self.name()}` exited ({self.process.returncode}) before answering on "
                    f":{port}{path}\n{self.tail()}"
                )
            current = answer(port, path, headers)
            if current is not None and ready(current):
                return
            status = current or status  # the last answer, for the error
            time.sleep(0.2)
        self.stop()
        what = "no answer" if status is None else f"not ready (the last answer: {status})"
        raise StartError(
            f"`{self.name()}`: {what} on :{port}{path} in {timeout:.0f} s\n{self.tail()}"
        )

    def running(self) -> bool:
        return self.process.poll() is None

    def stop(self, sig: int = signal.SIGTERM, timeout: float = 15) -> None:
        """`sig` to the whole group, SIGKILL if it has not exited within `timeout` seconds;
        nothing if it has already exited."""
        if not self.running():
            return
        os.killpg(self.process.pid, sig)
        try:
            self.process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.kill()

    def kill(self) -> None:
        """SIGKILL to the whole group at once: a crash, not a shutdown."""
        if self.running():
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=10)

    def name(self) -> str:
        return " ".join([Path(self.command[0]).name, *self.command[1:]])

    def tail(self, lines: int = 60) -> str:
        """The last `lines` lines of the log, under a heading naming it."""
        try:
            text = self.log.read_text(errors="replace")
        except OSError as error:
            return f"(no log: {error})"
        return f"--- the end of {self.log} ---\n" + "\n".join(text.splitlines()[-lines:])


def answer(port: int, path: str, headers: dict | None = None) -> int | None:
    """The status of `GET path` on 127.0.0.1:`port`, None when nothing answers (yet)."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        connection.request("GET", path, headers=headers or {})
        return connection.getresponse().status
    except (OSError, http.client.HTTPException):
        return None
    finally:
        connection.close()
