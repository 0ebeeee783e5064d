"""The report: the table of runs, the targets, growth and profiles, the machine and versions,
rendered for stdout and for bench/RESULTS.md (between its markers)."""

import contextlib
import json
import os
import platform
import subprocess
from pathlib import Path

from bench import BENCH, ROOT, log
from bench.load import DURATION, Run
from bench.scenarios import (
    CONNECTIONS,
    HEADLINE_CONNECTIONS,
    HEADLINE_REPEATS,
    ME_TOKENS,
    Bench,
)
from bench.stack import WORKERS, App

SCENARIOS = [
    ("ceiling", "me, no auth (ceiling)"),
    ("me_bearer", "me, Bearer"),
    ("me_cookie", "me, cookie"),
    ("refresh", "refresh, rotation"),
    ("login", "login"),
]


APPS = ("project", "baseline", "djrestauth")

# The `bench:` line: each ratio and its target (on the line's database, 16 connections).
TARGETS = {
    "me/ceiling": 0.9,
    "me_cookie/ceiling": 0.9,
    "me/baseline": 1.0,
    "refresh/baseline": 1.0,
    "me_cookie/djrestauth": 1.0,
    "refresh/djrestauth": 1.0,
}


def fmt(value, digits=1) -> str:
    return "—" if value is None else f"{value:,.{digits}f}"


def cheaper(ours: Run | None, other: Run | None) -> float | None:
    """The other's server CPU per request divided by ours: > 1 when ours costs less. (Server
    CPU per request is steadier than throughput on a machine shared with wrk and the
    databases.)"""
    if ours and other and ours.server_cpu_us:
        return other.server_cpu_us / ours.server_cpu_us
    return None


class Results:
    """The runs by (database, scenario, connections, app), and what is derived from them."""

    def __init__(self, bench: Bench, databases: list[str]):
        self.bench, self.databases = bench, databases
        self.runs = {(d, s, c, a): r for d, s, c, a, r in bench.rows}

    def get(self, db, scenario, connections, app="project") -> Run | None:
        return self.runs.get((db, scenario, connections, app))

    def queries(self, db, app, scenario) -> str:
        key = {"refresh": "refresh_token"}.get(scenario, scenario)
        q = self.bench.queries.get((db, app), {}).get(key)
        if q is None:
            return "—"
        return str(q["queries"]) + (f" +{q['health_checks']} hc" if q["health_checks"] else "")

    def fastest(self) -> str:
        """The database where the project's `me` (Bearer) cost the least server CPU: geometric
        mean of its CPU per request over the three concurrency levels (one noisy run decides
        nothing)."""

        def cost(db):
            product = 1.0
            for c in CONNECTIONS:
                product *= self.get(db, "me_bearer", c).server_cpu_us
            return product ** (1 / len(CONNECTIONS))

        return min(self.databases, key=cost)

    def headline(self, db: str) -> dict:
        """The `bench:` line's ratios on `db` (None where a run is missing)."""
        c = HEADLINE_CONNECTIONS

        def run(scenario, app="project"):
            return self.get(db, scenario, c, app)

        return {
            "me/ceiling": cheaper(run("me_bearer"), run("ceiling")),
            "me_cookie/ceiling": cheaper(run("me_cookie"), run("ceiling")),
            "me/baseline": cheaper(run("me_bearer"), run("me_bearer", "baseline")),
            "refresh/baseline": cheaper(run("refresh"), run("refresh", "baseline")),
            "me_cookie/djrestauth": cheaper(run("me_cookie"), run("me_cookie", "djrestauth")),
            "refresh/djrestauth": cheaper(run("refresh"), run("refresh", "djrestauth")),
        }

    def missed(self, db: str) -> list[str]:
        """The targets missed on `db`: the ratios, and one query at most for authentication."""
        h = self.headline(db)
        failed = [
            f"{name} {fmt(h[name], 2)} < {target}"
            for name, target in TARGETS.items()
            if h[name] is None or h[name] < target
        ]
        auth = self.bench.queries[(db, "project")]["me_bearer"]["queries"]
        if auth > 1:
            failed.append(f"authentication queries {auth} > 1")
        return failed

    def table(self) -> list[str]:
        lines = [
            "| database | scenario | conns | project req/s | p50 ms | p99 ms | queries "
            "| CPU µs/req | baseline req/s | p50 ms | p99 ms | queries | CPU µs/req "
            "| dj-rest-auth req/s | p50 ms | p99 ms | queries | CPU µs/req "
            "| ×baseline | ×dj-rest-auth | ×ceiling |",
            "|" + "---|" * 21,
        ]
        for db in self.databases:
            for scenario, label in SCENARIOS:
                for c in CONNECTIONS:
                    cells = [db, label, str(c)]
                    runs = {app: self.get(db, scenario, c, app) for app in APPS}
                    for app, run in runs.items():
                        cells += [
                            fmt(run and run.rps),
                            fmt(run and run.p50_ms, 2),
                            fmt(run and run.p99_ms, 2),
                            self.queries(db, app, scenario) if run else "—",
                            fmt(run and run.server_cpu_us, 0),
                        ]
                    to_ceiling = None
                    if scenario in ("me_bearer", "me_cookie"):
                        to_ceiling = cheaper(runs["project"], self.get(db, "ceiling", c))
                    cells += [
                        fmt(cheaper(runs["project"], runs["baseline"]), 2),
                        fmt(cheaper(runs["project"], runs["djrestauth"]), 2),
                        fmt(to_ceiling, 2),
                    ]
                    lines.append("| " + " | ".join(cells) + " |")
        return lines

    def targets(self, growth: dict | None) -> list[str]:
        lines = []
        best = self.fastest()
        labels = {
            "me/ceiling": "`me` (Bearer) ≥ 0.9 × the unauthenticated ceiling",
            "me_cookie/ceiling": "`me` (cookie) ≥ 0.9 × the unauthenticated ceiling",
            "me/baseline": "`me` (Bearer) ≥ the baseline's",
            "refresh/baseline": "refresh ≥ the baseline's",
            "me_cookie/djrestauth": "`me` (cookie) ≥ dj-rest-auth's (cookie)",
            "refresh/djrestauth": "refresh ≥ dj-rest-auth's (refresh cookie)",
        }
        for db in self.databases:
            h = self.headline(db)
            auth = self.bench.queries[(db, "project")]["me_bearer"]
            mark = " (the `bench:` line; `make bench` fails if one is missed)" if db == best else ""
            lines += [
                f"Targets on {db}, {HEADLINE_CONNECTIONS} connections, by server CPU per "
                f"request{mark}:",
                "",
            ]
            checks = [
                (labels[name], h[name] is not None and h[name] >= target, fmt(h[name], 2))
                for name, target in TARGETS.items()
            ]
            checks.insert(
                2,
                (
                    "at most one query per request for authentication",
                    auth["queries"] <= 1,
                    f"{auth['queries']}"
                    + (
                        f" (and Django's connection health check, {auth['health_checks']}, "
                        "as for the baselines)"
                        if auth["health_checks"]
                        else ""
                    ),
                ),
            )
            lines += [f"- {'✅' if ok else '❌'} {name}: {value}" for name, ok, value in checks]
            lines.append("")
        if growth:
            first, last = growth["sizes"][0], growth["sizes"][-1]
            growth_ratio = max(
                last["me"].p50_ms / first["me"].p50_ms,
                last["refresh"].p50_ms / first["refresh"].p50_ms,
            )
            flush = growth["flushexpired"]
            lines += [
                f"Growth ({growth['database']}):",
                "",
                f"- {'✅' if growth_ratio <= 1.25 else '❌'} latency flat from 10 k to 1 M rows "
                f"(p50 within ×1.25): ×{growth_ratio:.2f} at most",
                f"- housekeeping of 1 M rows per table: {flush['seconds']:.0f} s, "
                f"peak {flush['peak_rss_mb']:.0f} MB",
                "",
            ]
        return lines

    def load_table(self) -> list[str]:
        lines = [
            "| database | scenario | conns | app | requests | failed | wrk CPU, % of a core |",
            "|---|---|---|---|---|---|---|",
        ]
        for d, s, c, a, r in self.bench.rows:
            lines.append(
                f"| {d} | {s} | {c} | {a} | {r.requests:,} | {r.failed} | {r.wrk_cpu_pct:.0f} |"
            )
        return lines


def growth_lines(growth: dict) -> list[str]:
    lines = [
        f"Growth: the project on {growth['database']}, 1 connection (latency without queueing), "
        f"with N rows in each of the outstanding-token, blacklisted-token and device-session "
        "tables (expired rows of 1,000 other users):",
        "",
        "| rows | me req/s | p50 ms | p99 ms | refresh req/s | p50 ms | p99 ms |",
        "|---|---|---|---|---|---|---|",
    ]
    for size in growth["sizes"]:
        me, rf = size["me"], size["refresh"]
        lines.append(
            f"| {size['rows']:,} | {me.rps:,.1f} | {me.p50_ms:.2f} | {me.p99_ms:.2f} "
            f"| {rf.rps:,.1f} | {rf.p50_ms:.2f} | {rf.p99_ms:.2f} |"
        )
    lines += [
        "",
        "Housekeeping on those rows (wall time, peak resident memory of the command):",
        "",
        "| command | rows | seconds | peak RSS MB | output |",
        "|---|---|---|---|---|",
    ]
    commands = (
        ("flushexpired", "`flushexpired` (ours)", "1 M per table"),
        ("flushexpiredtokens", "`flushexpiredtokens` (simplejwt's)", "100 k tokens"),
    )
    for key, name, rows in commands:
        r = growth[key]
        output = r["output"].replace("\n", " ") or "(nothing)"
        lines.append(
            f"| {name} | {rows} | {r['seconds']:.1f} | {r['peak_rss_mb']:.0f} | {output} |"
        )
    lines += ["", f"Query plans with 1 M rows ({growth['database']}):", ""]
    for name, plan in growth["plans"].items():
        lines.append(f"- {name}: `{' / '.join(p.strip() for p in plan)}`")
    return lines


def profile_lines(bench: "Bench", databases: list[str]) -> list[str]:
    lines = []
    for db in databases:
        me = bench.profiles[db]["me"]
        refresh = bench.profiles[db]["refresh"]
        lines += [
            f"Profiles on {db} (in-process through Django's WSGI handler, no HTTP server):",
            "",
            f"- `me`: {me['cpu_us']['me']:.0f} µs of CPU per request; the ceiling "
            f"{me['cpu_us']['ceiling']:.0f} µs "
            f"(×{me['cpu_us']['ceiling'] / me['cpu_us']['me']:.2f})."
            " What `me` does beyond the ceiling (cProfile, inclusive wall µs per request, "
            "inflated by the profiler; nested rows overlap):",
            "",
            "| function | extra µs/req | calls/req |",
            "|---|---|---|",
        ]
        lines += [f"| `{n}` | {us:.0f} | {calls:.1f} |" for n, us, calls in me["extra"][:14]]
        lines.append("")
        for app in ("project", "baseline"):
            r = refresh[app]
            share = r["in_transaction_us"] / r["wall_us"]
            lines.append(
                f"- refresh, {app}: {r['cpu_us']:.0f} µs CPU, {r['wall_us']:.0f} µs wall per "
                f"refresh, of which {r['in_transaction_us']:.0f} µs ({share:.0%}) inside "
                "transaction.atomic()"
            )
        lines += [
            "",
            "  Where the project's refresh goes (cProfile, inclusive wall µs per refresh, "
            "inflated by the profiler; nested rows overlap):",
            "",
            "  | function | µs/refresh | calls/refresh |",
            "  |---|---|---|",
        ]
        lines += [
            f"  | `{n}` | {us:.0f} | {calls:.1f} |"
            for n, us, calls in refresh["project"]["profile"]
        ]
        lines.append("")
    return lines


def machine() -> dict:
    cpu = "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    memory = 0
    with contextlib.suppress(OSError, ValueError, IndexError):
        memory = int(Path("/proc/meminfo").read_text().split()[1]) // 1024
    os_name = platform.system()
    try:
        release = dict(
            line.split("=", 1)
            for line in Path("/etc/os-release").read_text().splitlines()
            if "=" in line
        )
        os_name = release.get("PRETTY_NAME", os_name).strip('"')
    except OSError:
        pass
    return {
        "cpu": cpu,
        "cores": os.cpu_count(),
        "memory_mb": memory,
        "kernel": platform.release(),
        "os": os_name,
    }


def bench_line(results: Results) -> str:
    h = results.headline(results.fastest())
    return "bench: " + " ".join(f"{name}={fmt(h[name], 2)}" for name in TARGETS)


def missed(results: Results) -> list[str]:
    """The targets missed on the `bench:` line's database."""
    return results.missed(results.fastest())


def versions(project: App, djrestauth: App) -> dict:
    code = (
        "import json, sqlite3, sys\n"
        "from importlib.metadata import version\n"
        "names = ['django', 'djangorestframework', 'djangorestframework-simplejwt', 'pyjwt',"
        " 'gunicorn', 'psycopg', 'redis']\n"
        "v = {n: version(n) for n in names}\n"
        "v['python'] = sys.version.split()[0]\n"
        "v['sqlite'] = sqlite3.sqlite_version\n"
        "print(json.dumps(v))\n"
    )
    found = json.loads(project.python("-c", code))
    wrk_version = subprocess.run(["wrk", "-v"], capture_output=True, text=True).stdout
    found["wrk"] = wrk_version.split(" [")[0].strip()
    code = "from importlib.metadata import version; print(version('dj-rest-auth'))"
    found["dj-rest-auth"] = djrestauth.python("-c", code).strip()
    return found


def render(results: Results, growth, info, args) -> dict:
    m, v = info["machine"], info["versions"]
    load = info["load_before"]
    options = [f"--duration {args.duration}"] if args.duration != DURATION else []
    options += [f"--database {name}" for name in args.database or []]
    command = "make bench" + (f" (python -m bench {' '.join(options)})" if options else "")
    header = [
        f"Run {info['date']}, {info['seconds'] / 60:.1f} min, `{command}`.",
        "",
        f"- Machine: {m['cpu']}, {m['cores']} cores, {m['memory_mb'] / 1024:.0f} GB RAM, "
        f"{m['os']}, Linux {m['kernel']}. Load average before the run {load[0]:.2f} "
        f"(1 min) / {load[1]:.2f} (5 min), after {info['load_after'][0]:.2f}"
        + (
            ": **other work was running**, the throughput figures are noisy."
            if load[0] > 0.5
            else "."
        ),
        f"- Python {v['python']}, Django {v['django']}, DRF {v['djangorestframework']}, "
        f"simplejwt {v['djangorestframework-simplejwt']}, PyJWT {v['pyjwt']}, gunicorn "
        f"{v['gunicorn']} ({WORKERS} sync workers, every app), dj-rest-auth "
        f"{v['dj-rest-auth']}, psycopg {v['psycopg']}, SQLite "
        f"{v['sqlite']}"
        + (f", PostgreSQL {info['postgresql']}" if info["postgresql"] else "")
        + (f", Redis as the cache (redis-py {v['redis']})" if info["redis"] else ", no Redis")
        + f"; {v['wrk']}.",
        f"- {results.bench.duration} s per run; at {HEADLINE_CONNECTIONS} connections, the "
        f"median of {HEADLINE_REPEATS} interleaved runs. `me` cycles through {ME_TOKENS} signed-in "
        "sessions; each refresh presents a fresh token signed in for beforehand; login uses "
        "each app's own default password hasher: the project's "
        f"{results.bench.login_hashers['project']}, the baseline's "
        f"{results.bench.login_hashers['baseline']}. dj-rest-auth (bench/djrestauth, its "
        "httpOnly-cookie JWT mode with rotation and the blacklist) is measured at "
        f"{HEADLINE_CONNECTIONS} connections only, in two scenarios, sent as a browser sends "
        "them: `GET /dj-rest-auth/user/` and `POST /dj-rest-auth/token/refresh/` (no body) "
        "with its access and refresh cookies; it is compared with the project's `me` with the "
        "cookie and its refresh. queries: per request, counted in-process (`hc`: Django's "
        "connection health check, a `SELECT 1` on PostgreSQL, also per request).",
        "- CPU µs/req: the gunicorn processes' (master and workers) CPU time during a run "
        f"divided by its requests (at {HEADLINE_CONNECTIONS} connections, the median of the "
        "runs). **The ratios (×baseline, ×dj-rest-auth, ×ceiling, the targets and the "
        "`bench:` line) are computed from it**: the other's CPU µs/req divided by the "
        "project's, so > 1 means the project costs less (for ×ceiling: the ceiling's CPU "
        "divided by the project's `me`). Throughput (req/s) is shown but decides nothing: on "
        "this machine wrk and the databases share the same cores.",
        "",
    ]
    body = header + results.table() + [""] + results.targets(growth)
    if growth:
        body += growth_lines(growth) + [""]
    body += profile_lines(results.bench, results.databases)
    body += ["The load generator's own CPU, and failed requests, per run:", ""]
    body += results.load_table() + [""]
    stdout = results.table() + [""] + results.targets(growth)
    if growth:
        stdout += growth_lines(growth) + [""]
    return {"markdown": body, "stdout": stdout}


BEGIN, END = "<!-- bench:begin -->", "<!-- bench:end -->"


def write_results(body: list[str]) -> None:
    """Replace what is between the markers of bench/RESULTS.md; the rest is hand-written."""
    path = BENCH / "RESULTS.md"
    text = path.read_text() if path.exists() else f"# Benchmark results\n\n{BEGIN}\n{END}\n"
    if BEGIN not in text or END not in text:
        text += f"\n{BEGIN}\n{END}\n"
    before, rest = text.split(BEGIN, 1)
    after = rest.split(END, 1)[1]
    path.write_text(before + BEGIN + "\n" + "\n".join(body) + "\n" + END + after)
    log(f"wrote {path.relative_to(ROOT)}")
