"""What the benchmark serves: the baked project and the baseline (App), each under gunicorn
(Server), on SQLite or PostgreSQL (Database), with Redis as the cache when it answers, and the
environment and overlay they run with."""

import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import time
from dataclasses import dataclass, field
from pathlib import Path

from bench import BENCH, log
from processes import ServerProcess, free_port

WORKERS = 2
REDIS_DB = 14
HEALTH_TIMEOUT = 30


def reachable(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=1):
            return True
    except OSError:
        return False


def redis_flush() -> None:
    """FLUSHDB on the benchmark's own Redis database, nothing else."""
    with socket.create_connection(("127.0.0.1", 6379), timeout=5) as s:
        db = str(REDIS_DB)
        s.sendall(f"*2\r\n$6\r\nSELECT\r\n${len(db)}\r\n{db}\r\n*1\r\n$7\r\nFLUSHDB\r\n".encode())
        reply = b""
        while reply.count(b"\r\n") < 2:
            chunk = s.recv(64)
            if not chunk:
                break
            reply += chunk
    if reply != b"+OK\r\n+OK\r\n":
        raise RuntimeError(f"Redis FLUSHDB {REDIS_DB} failed: {reply!r}")


@dataclass
class App:
    name: str  # "project" or "baseline"
    cwd: Path
    settings: str
    wsgi: str
    venv: Path
    env: dict = field(default_factory=dict)

    def python(self, *args, fast_hasher=False, check=True, extra_env=None) -> dict | str:
        env = {**self.env, "DJANGO_SETTINGS_MODULE": self.settings, **(extra_env or {})}
        if fast_hasher:
            # Token preparation: a cheap hasher, and a private cache (the throttling counters
            # of thousands of sign-ins need not go to Redis).
            env.update(BENCH_FAST_HASHER="1", REDIS_URL="")
        result = subprocess.run(
            [str(self.venv / "bin" / "python"), *args],
            cwd=self.cwd,
            env=env,
            capture_output=True,
            text=True,
            timeout=900,
        )
        if check and result.returncode != 0:
            raise RuntimeError(
                f"{self.name}: {' '.join(args[:2])} failed:\n{result.stderr[-3000:]}"
            )
        return result.stdout

    def helper(self, command: str, *args, fast_hasher=True) -> dict:
        out = self.python(
            str(BENCH / "inproc.py"), command, "--flavor", self.name, *args, fast_hasher=fast_hasher
        )
        return json.loads(out.strip().splitlines()[-1])

    def manage(self, *args, **kwargs) -> str:
        return self.python("manage.py", *args, **kwargs)


class Server:
    """gunicorn serving one app: `workers` sync workers on a free port of 127.0.0.1."""

    def __init__(self, app: App, logs: Path, workers: int = WORKERS):
        self.app, self.port, self.worker_count = app, free_port(), workers
        self.log_path = logs / f"gunicorn-{app.name}-{self.port}.log"
        self.process: ServerProcess | None = None

    def start(self) -> "Server":
        """Start (or start again: the log goes on) and wait until every worker has booted."""
        command = [
            str(self.app.venv / "bin" / "gunicorn"),
            self.app.wsgi,
            "--workers",
            str(self.worker_count),
            "--bind",
            f"127.0.0.1:{self.port}",
            "--log-level",
            "warning",
        ]
        env = {**self.app.env, "DJANGO_SETTINGS_MODULE": self.app.settings}
        self.process = ServerProcess(command, self.app.cwd, env, self.log_path)
        self.process.wait_until_answers(
            self.port,
            "/api/auth/me/",
            timeout=HEALTH_TIMEOUT,
            ready=lambda status: len(self.workers()) == self.worker_count,
        )
        return self

    def workers(self) -> list[int]:
        pids = []
        for entry in Path("/proc").iterdir():
            if entry.name.isdigit():
                try:
                    stat = (entry / "stat").read_text()
                except OSError:
                    continue
                if int(stat.rsplit(")", 1)[1].split()[1]) == self.process.process.pid:
                    pids.append(int(entry.name))
        return pids

    def cpu_seconds(self) -> float:
        """CPU time (user + system) of the master and its workers so far."""
        total = 0
        for pid in [self.process.process.pid, *self.workers()]:
            try:
                fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            total += int(fields[11]) + int(fields[12])
        return total / os.sysconf("SC_CLK_TCK")

    def wait_idle(self, limit: float = 30) -> None:
        """Until the workers stop burning CPU: requests wrk gave up on are still queued."""
        deadline = time.monotonic() + limit
        last = self.cpu_seconds()
        while time.monotonic() < deadline:
            time.sleep(0.3)
            now = self.cpu_seconds()
            if now - last < 0.02:
                return
            last = now

    def stop(self) -> None:
        if self.process:
            self.process.stop(signal.SIGINT, timeout=10)  # gunicorn: quick shutdown

    def kill(self) -> None:
        """SIGKILL, master and workers at once: a crash, not a shutdown."""
        if self.process:
            self.process.kill()


@dataclass
class Database:
    name: str  # "sqlite" or "postgresql"
    work: Path
    tag: str
    created: list = field(default_factory=list)

    def url(self, app: str) -> str:
        if self.name == "sqlite":
            return f"sqlite:///{self.work / f'{app}.sqlite3'}"
        return f"postgres://postgres@127.0.0.1:5432/bench_{self.tag}_{app}"

    def create(self, helper_app: App, app: str) -> None:
        if self.name == "postgresql":
            out = helper_app.python(str(BENCH / "inproc.py"), "pg", "--url", self.url(app))
            self.created.append((helper_app, self.url(app)))
            self.server_version = json.loads(out)["server_version"]

    def drop_all(self) -> None:
        for helper_app, url in self.created:
            try:
                helper_app.python(str(BENCH / "inproc.py"), "pg", "--url", url, "--action", "drop")
            except Exception as error:  # noqa: BLE001  (keep dropping the others)
                log(f"could not drop {url}: {error}")
        self.created.clear()


def server_env(redis: bool) -> dict:
    """Production settings (`DJANGO_DEBUG=0`, fresh keys) over plain http on 127.0.0.1
    (`LOCAL_TRIAL=1`, clients connecting directly), with the per-address login rate out of the
    way (every sign-in comes from 127.0.0.1; none fails, so the failure limits stay as they are);
    the cache in Redis database REDIS_DB when `redis`."""
    return {
        "DJANGO_DEBUG": "0",
        "LOCAL_TRIAL": "1",
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
        "JWT_SIGNING_KEY": secrets.token_urlsafe(50),
        "DJANGO_SECURE_SSL_REDIRECT": "0",
        "COOKIE_SECURE": "0",
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
        "WEB_ORIGIN": "http://localhost",
        "EMAIL_URL": "smtp://127.0.0.1:9",  # no mail is sent while measuring
        "NUM_PROXIES": "0",
        "LOGIN_THROTTLE_RATE": "100000/min",
        "REDIS_URL": f"redis://127.0.0.1:6379/{REDIS_DB}" if redis else "",
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": os.environ.get("HOME", "/root"),
        "LANG": "C.UTF-8",
    }


def add_overlay(backend: Path) -> None:
    """The benchmark's settings and URLs, next to the baked backend's own (bench/overlay/)."""
    for name in ("bench_settings.py", "bench_urls.py"):
        shutil.copy(BENCH / "overlay" / name, backend / name)


def bake(work: Path) -> Path:
    from cookiecutter.main import cookiecutter

    from template_copy import copy_template

    template = copy_template(work / "template")
    stdout = os.dup(1)
    os.dup2(2, 1)  # the hooks' "next steps" are not the benchmark's output
    try:
        project = Path(cookiecutter(str(template), no_input=True, output_dir=str(work)))
    finally:
        os.dup2(stdout, 1)
        os.close(stdout)
    shutil.rmtree(template)
    return project
