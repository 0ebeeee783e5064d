"""What `make scale` runs (bench/scale.py): the API replicas (gunicorn, bench/stack.py's Server),
the web client's production build and its servers, a Redis of its own and the reverse proxy in
front of them all (nginx, bench/scale/nginx.conf)."""

import hashlib
import os
import shutil
import signal
import subprocess
import time
from pathlib import Path

from bench import BENCH, log
from bench.stack import App, Server
from processes import ServerProcess, answer

CACHE = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "bench-scale"
STOP_TIMEOUT = 40  # gunicorn's graceful timeout is 30 s


class Redis:
    """redis-server on `port`, nothing saved: restarting it loses everything, as a Redis
    without persistence does. Never the machine's own Redis."""

    def __init__(self, port: int, work: Path):
        self.port, self.log = port, work / "redis.log"
        self.process: ServerProcess | None = None

    def start(self) -> None:
        command = ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1"]
        command += ["--save", "", "--appendonly", "no"]
        self.process = ServerProcess(command, self.log.parent, dict(os.environ), self.log)
        deadline = time.monotonic() + 10
        while not self.ping():
            if time.monotonic() > deadline or not self.process.running():
                raise RuntimeError(f"redis-server did not start\n{self.process.tail()}")
            time.sleep(0.05)

    def ping(self) -> bool:
        result = subprocess.run(
            ["redis-cli", "-p", str(self.port), "ping"], capture_output=True, text=True
        )
        return result.stdout.strip() == "PONG"

    def stop(self) -> None:
        if self.process:
            self.process.stop(signal.SIGTERM, timeout=10)


class Replica:
    """One API replica: gunicorn with its own port and its own Prometheus directory (each
    replica is a container of its own in production)."""

    def __init__(self, number: int, backend: Path, env: dict, work: Path, workers: int):
        metrics_dir = work / f"prometheus-{number}"
        metrics_dir.mkdir()  # gunicorn.conf.py empties it at each start; manage.py needs it too
        app = App(
            f"api{number}",
            backend,
            "bench_settings",
            "config.wsgi",
            backend / ".venv",
            {**env, "PROMETHEUS_MULTIPROC_DIR": str(metrics_dir)},
        )
        self.number, self.server = number, Server(app, work, workers=workers)
        self.port, self.url = self.server.port, f"http://127.0.0.1:{self.server.port}"

    def start(self) -> None:
        """Start, then wait until /api/health/ says 200 (the database answers)."""
        self.server.start()
        deadline = time.monotonic() + 30
        while answer(self.port, "/api/health/") != 200:
            if time.monotonic() > deadline:
                raise RuntimeError(f"api{self.number}: /api/health/ not 200 in 30 s")
            time.sleep(0.1)

    def stop(self) -> None:
        """SIGTERM: gunicorn's graceful shutdown (requests under way are finished)."""
        if self.server.process:
            self.server.process.stop(signal.SIGTERM, timeout=STOP_TIMEOUT)

    def kill(self) -> None:
        self.server.kill()


class Proxy:
    """nginx in the foreground on `port`; `drain` takes a replica out of rotation (a graceful
    reload: requests under way finish where they are), as a rolling restart does first."""

    def __init__(self, port: int, work: Path, api_ports: list[int], web_ports: list[int]):
        self.port, self.work = port, work
        self.api_ports, self.web_ports = api_ports, web_ports
        self.config = work / "nginx.conf"
        self.drained: set[int] = set()
        self.process: ServerProcess | None = None

    def write_config(self) -> None:
        def servers(ports, options):
            lines = []
            for port in ports:
                down = " down" if port in self.drained else ""
                lines.append(f"        server 127.0.0.1:{port}{options}{down};")
            return "\n".join(lines)

        text = (BENCH / "scale" / "nginx.conf").read_text()
        for name, value in {
            "@WORK@": str(self.work),
            "@PORT@": str(self.port),
            "@API_SERVERS@": servers(self.api_ports, " max_fails=1 fail_timeout=2s"),
            "@WEB_SERVERS@": servers(self.web_ports, " max_fails=1 fail_timeout=2s"),
        }.items():
            text = text.replace(name, value)
        self.config.write_text(text)

    def start(self) -> None:
        self.write_config()
        command = ["nginx", "-p", str(self.work), "-c", str(self.config)]
        subprocess.run([*command, "-t", "-q"], check=True)
        self.process = ServerProcess(command, self.work, dict(os.environ), self.work / "nginx.log")
        self.process.wait_until_answers(self.port, "/api/health/", timeout=15)

    def drain(self, port: int, drained: bool = True) -> None:
        (self.drained.add if drained else self.drained.discard)(port)
        self.write_config()
        self.process.process.send_signal(signal.SIGHUP)  # reload: new workers, old ones finish
        time.sleep(1)

    def stop(self) -> None:
        if self.process:
            self.process.stop(signal.SIGQUIT, timeout=10)  # graceful shutdown


def web_build(web: Path, api_url: str) -> Path:
    """The web client's production build (Next.js's standalone server), made with
    NEXT_PUBLIC_API_URL=`api_url`: from the cache when the web sources and the URL are the
    same as last time, else `npm ci` and `next build` (minutes), kept in CACHE."""
    digest = hashlib.sha256(api_url.encode())
    for path in sorted(web.rglob("*")):
        relative = path.relative_to(web)
        if path.is_file() and relative.parts[0] not in {"node_modules", ".next"}:
            digest.update(str(relative).encode() + b"\0" + path.read_bytes())
    cached = CACHE / f"web-{digest.hexdigest()[:16]}"
    if (cached / "server.js").exists():
        log(f"web client: the production build for {api_url} from {cached}")
        return cached
    log(f"web client: npm ci and next build for {api_url} (minutes; cached afterwards)")
    env = {**os.environ, "NEXT_PUBLIC_API_URL": api_url, "NEXT_TELEMETRY_DISABLED": "1"}
    for command in (
        ["npm", "ci", "--no-audit", "--no-fund", "--loglevel=error"],
        ["npx", "--no-install", "next", "build"],
    ):
        result = subprocess.run(command, cwd=web, env=env, capture_output=True, text=True)
        if result.returncode != 0:
            raise RuntimeError(f"{' '.join(command)} failed:\n{result.stdout}{result.stderr}")
    # The standalone server, with the static assets beside it (as web/Dockerfile copies them).
    shutil.rmtree(CACHE, ignore_errors=True)  # one build kept: the last
    partial = CACHE / "partial"
    shutil.copytree(web / ".next" / "standalone", partial, symlinks=True)
    shutil.copytree(web / ".next" / "static", partial / ".next" / "static")
    if (web / "public").is_dir():
        shutil.copytree(web / "public", partial / "public")
    partial.rename(cached)
    return cached


def web_server(build: Path, port: int, work: Path, number: int) -> ServerProcess:
    """`node server.js` of the standalone build on 127.0.0.1:`port`, once it serves /login."""
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": os.environ.get("HOME", "/root"),
        "NODE_ENV": "production",
        "NEXT_TELEMETRY_DISABLED": "1",
        "HOSTNAME": "127.0.0.1",
        "PORT": str(port),
    }
    server = ServerProcess(["node", "server.js"], build, env, work / f"web{number}.log")
    server.wait_until_answers(port, "/login", ready=lambda status: status == 200)
    return server
