"""wrk, the load generator: request files prepared beforehand (bench/requests.lua sends them),
one run against a server, and what it measured."""

import json
import resource
import shutil
import subprocess
from dataclasses import dataclass, replace
from pathlib import Path

from bench import BENCH
from bench.stack import Server

DURATION = 3  # seconds per measured run


def raw_request(method: str, path: str, port: int, headers=(), body: str = "") -> str:
    lines = [f"{method} {path} HTTP/1.1", f"Host: 127.0.0.1:{port}", *headers]
    if method == "POST":
        lines.append(f"Content-Length: {len(body.encode())}")
    return "\r\n".join(lines) + "\r\n\r\n" + body


def write_requests(path: Path, requests: list[str]) -> Path:
    path.write_text("\0".join(requests))
    return path


@dataclass
class Run:
    requests: int
    seconds: float
    rps: float
    p50_ms: float
    p99_ms: float
    errors: dict
    exhausted: int
    server_cpu_us: float  # per request
    wrk_cpu_pct: float  # of one core, over the run

    @property
    def failed(self) -> int:
        return sum(self.errors.values())


def wrk(server: Server, requests: Path, mode: str, connections: int, duration=DURATION) -> Run:
    threads = min(connections, 2)
    command = [
        shutil.which("wrk") or "wrk",
        f"-t{threads}",
        f"-c{connections}",
        f"-d{duration}s",
        "--timeout",
        "60s",
        "-s",
        str(BENCH / "requests.lua"),
        f"http://127.0.0.1:{server.port}",
        "--",
        str(requests),
        mode,
        str(threads),
    ]
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu_before = server.cpu_seconds()
    result = subprocess.run(command, capture_output=True, text=True, timeout=duration + 120)
    cpu_after = server.cpu_seconds()
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    line = next((x for x in result.stdout.splitlines() if x.startswith("BENCH ")), None)
    if result.returncode != 0 or line is None:
        raise RuntimeError(f"wrk failed: {result.stdout}\n{result.stderr}")
    data = json.loads(line[len("BENCH ") :])
    seconds = data["duration_us"] / 1e6
    n = max(1, data["requests"])
    wrk_cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return Run(
        requests=data["requests"],
        seconds=seconds,
        rps=data["requests"] / seconds,
        p50_ms=data["latency_us"]["p50"] / 1000,
        p99_ms=data["latency_us"]["p99"] / 1000,
        errors=data["errors"],
        exhausted=data["exhausted"],
        server_cpu_us=(cpu_after - cpu_before) / n * 1e6,
        wrk_cpu_pct=wrk_cpu / seconds * 100,
    )


def median(runs: list[Run]) -> Run:
    """The run of median throughput (the middle one of an odd number), with the median CPU
    per request of all of them: the two medians need not come from the same run."""
    middle = sorted(runs, key=lambda run: run.rps)[len(runs) // 2]
    cpu = sorted(run.server_cpu_us for run in runs)[len(runs) // 2]
    return replace(middle, server_cpu_us=cpu)
