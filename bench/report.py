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


def fmt(value, digits=1) -> str:
    return "—" if value is None else f"{value:,.{digits}f}"


def ratio(a: Run | None, b: Run | None) -> float | None:
    return a.rps / b.rps if a and b and b.rps else None


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
        """The database where the project's `me` (Bearer) was fastest: geometric mean of its
        throughput over the three concurrency levels (one noisy run decides nothing)."""

        def score(db):
            product = 1.0
            for c in CONNECTIONS:
                product *= self.get(db, "me_bearer", c).rps
            return product ** (1 / len(CONNECTIONS))

        return max(self.databases, key=score)

    def headline(self, db: str) -> dict:
        c = HEADLINE_CONNECTIONS
        me, ceiling = self.get(db, "me_bearer", c), self.get(db, "ceiling", c)
        return {
            "me/ceiling": ratio(me, ceiling),
            "cookie/ceiling": ratio(self.get(db, "me_cookie", c), ceiling),
            "me/baseline": ratio(me, self.get(db, "me_bearer", c, "baseline")),
            "refresh/baseline": ratio(
                self.get(db, "refresh", c), self.get(db, "refresh", c, "baseline")
            ),
        }

    def table(self) -> list[str]:
        lines = [
            "| database | scenario | conns | project req/s | p50 ms | p99 ms | queries "
            "| CPU µs/req | baseline req/s | p50 ms | p99 ms | queries | CPU µs/req "
            "| ×baseline | ×ceiling |",
            "|" + "---|" * 15,
        ]
        for db in self.databases:
            for scenario, label in SCENARIOS:
                for c in CONNECTIONS:
                    cells = [db, label, str(c)]
                    runs = {app: self.get(db, scenario, c, app) for app in ("project", "baseline")}
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
                        to_ceiling = ratio(runs["project"], self.get(db, "ceiling", c))
                    cells += [fmt(ratio(runs["project"], runs["baseline"]), 2), fmt(to_ceiling, 2)]
                    lines.append("| " + " | ".join(cells) + " |")
        return lines

    def targets(self, growth: dict | None) -> list[str]:
        lines = []
        best = self.fastest()
        for db in self.databases:
            h = self.headline(db)
            auth = self.bench.queries[(db, "project")]["me_bearer"]
            mark = " (the fastest: the `bench:` line)" if db == best else ""
            lines += [f"Targets on {db}, {HEADLINE_CONNECTIONS} connections{mark}:", ""]
            checks = [
                (
                    "authenticated `me` ≥ 0.9 × the unauthenticated ceiling",
                    h["me/ceiling"] >= 0.9,
                    f"Bearer {h['me/ceiling']:.2f}, cookie {h['cookie/ceiling']:.2f}",
                ),
                ("`me` ≥ the baseline's", h["me/baseline"] >= 1, f"{h['me/baseline']:.2f}"),
                (
                    "at most one query per request for authentication",
                    auth["queries"] <= 1,
                    f"{auth['queries']}"
                    + (
                        f" (and Django's connection health check, {auth['health_checks']}, "
                        "as for the baseline)"
                        if auth["health_checks"]
                        else ""
                    ),
                ),
                (
                    "refresh ≥ the baseline's",
                    h["refresh/baseline"] >= 1,
                    f"{h['refresh/baseline']:.2f}",
                ),
            ]
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


def versions(project: App) -> dict:
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
        f"{v['gunicorn']} ({WORKERS} sync workers, both apps), psycopg {v['psycopg']}, SQLite "
        f"{v['sqlite']}"
        + (f", PostgreSQL {info['postgresql']}" if info["postgresql"] else "")
        + (f", Redis as the cache (redis-py {v['redis']})" if info["redis"] else ", no Redis")
        + f"; {v['wrk']}.",
        f"- {results.bench.duration} s per run; at {HEADLINE_CONNECTIONS} connections, the "
        f"median of {HEADLINE_REPEATS} interleaved runs. `me` cycles through {ME_TOKENS} signed-in "
        "sessions; each refresh presents a fresh token signed in for beforehand; login uses "
        "each app's own default password hasher: the project's "
        f"{results.bench.login_hashers['project']}, the baseline's "
        f"{results.bench.login_hashers['baseline']}. queries: per "
        "request, counted in-process (`hc`: Django's connection health check, a `SELECT 1` "
        "on PostgreSQL, also per request). "
        "CPU µs/req: the gunicorn processes' CPU time per request.",
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
