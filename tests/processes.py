"""Server processes of the template's own tests and tools (tests/fuzz.py, tests/test_stack.py,
bench/): a free port to start one on, and stopping one with all its children."""

import os
import signal
import socket
import subprocess


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def stop_group(process: subprocess.Popen, timeout: float = 15) -> None:
    """SIGTERM to the process group of `process` (started with start_new_session=True), SIGKILL
    if it has not exited within `timeout` seconds; nothing if it has already exited."""
    if process.poll() is not None:
        return
    os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()
