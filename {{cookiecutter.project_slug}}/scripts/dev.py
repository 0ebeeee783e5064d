"""`make dev`: the API and the web client side by side, each line prefixed with its server's name,
and one line saying where to go once both answer (it does not scroll away in the logs before the
servers are up). Ctrl-C stops both. Standard library only: it runs before any install."""

import argparse
import os
import signal
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

COLOURS = {"api": "\x1b[36m", "web": "\x1b[35m"}
RESET = "\x1b[0m"
print_lock = threading.Lock()


def say(name: str, line: str) -> None:
    colour = COLOURS.get(name, "") if sys.stdout.isatty() else ""
    with print_lock:
        sys.stdout.write(f"{colour}{name:>3} |{RESET if colour else ''} {line}")
        if not line.endswith("\n"):
            sys.stdout.write("\n")
        sys.stdout.flush()


def start(name: str, target: str) -> subprocess.Popen:
    process = subprocess.Popen(  # noqa: S603 (a fixed command)
        ["make", "--no-print-directory", target],  # noqa: S607 (make from PATH, as the user's)
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        bufsize=1,
        start_new_session=True,  # its own group: Ctrl-C here stops make and the server under it
    )

    def pump() -> None:
        for line in process.stdout:
            say(name, line)

    threading.Thread(target=pump, daemon=True).start()
    return process


def answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=5):  # noqa: S310 (our own http://localhost)
            return True
    except urllib.error.HTTPError:
        return True  # it answered (any status means the server is up)
    except OSError:
        return False


def stop(processes: list[subprocess.Popen]) -> None:
    for process in processes:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGTERM)
    deadline = time.monotonic() + 10
    for process in processes:
        try:
            process.wait(timeout=max(0.1, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)


def mail_line() -> str:
    """Where the API's mails (invitations, password resets...) can be read: without EMAIL_URL
    (here or in backend/.env) the API prints them in its log."""
    env = Path(__file__).resolve().parent.parent / "backend" / ".env"
    lines = env.read_text().splitlines() if env.exists() else []
    configured = os.environ.get("EMAIL_URL") or any(
        line.startswith("EMAIL_URL=") and line.split("=", 1)[1].strip() for line in lines
    )
    if configured:
        return "Mails: sent to the server EMAIL_URL names"
    return "Mails: printed in the api | lines (EMAIL_URL unset)"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--api-port", required=True)
    parser.add_argument("--web-port", required=True)
    parser.add_argument(
        "--ready", action="append", default=[], help="a line to print once both servers answer"
    )
    args = parser.parse_args()
    api = f"http://localhost:{args.api_port}"
    web = f"http://localhost:{args.web_port}"

    parent = os.getppid()
    processes = [start("api", "dev-backend"), start("web", "dev-web")]
    for signum in (signal.SIGTERM, signal.SIGHUP):
        signal.signal(signum, lambda signum, _: sys.exit(128 + signum))

    def running() -> bool:
        # A parent gone (make killed) must not leave the servers behind, holding the ports.
        return os.getppid() == parent and all(p.poll() is None for p in processes)

    try:
        waiting = {f"{api}/api/health/", f"{web}/login"}
        while waiting:
            if not running():
                break
            waiting = {url for url in waiting if not answers(url)}
            if waiting:
                time.sleep(0.5)
        else:
            lines = [
                f"Ready: open {web}",
                f"API {api}/api/ (docs {api}/api/docs/, admin {api}/admin/)",
                *args.ready,
                mail_line(),
                "Ctrl-C stops both servers.",
            ]
            width = max(map(len, lines))
            with print_lock:
                print("\n" + "=" * width, *lines, "=" * width + "\n", sep="\n", flush=True)
        # Either server ending (a crash, a port in use) ends the other: no half-running stack.
        while running():
            time.sleep(0.5)
        failed = [process for process in processes if process.returncode not in (None, 0)]
        return failed[0].returncode if failed else 0
    except KeyboardInterrupt:
        return 130
    finally:
        for signum in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
            signal.signal(signum, signal.SIG_IGN)  # a second Ctrl-C must not orphan the servers
        stop(processes)


if __name__ == "__main__":
    sys.exit(main())
