"""`make bench`, `make soak`: the baked project's auth under load (see README.md, "Benchmarks").

__main__.py   `python -m bench`: bake, measure on each database, report
stack.py      what is measured: the two apps, their gunicorn servers, databases, Redis
load.py       wrk: prepared request files, one run and its figures
scenarios.py  the measured scenarios on one database (me, refresh, login), and growth
report.py     the table, the targets, bench/RESULTS.md
soak.py       `python -m bench.soak`: many users through load and faults
inproc.py     runs inside each app's own interpreter (not imported here)
"""

import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "bench"
# The template's own helpers in tests/: processes (the server launcher), template_copy.
sys.path.insert(0, str(ROOT / "tests"))
STARTED = time.monotonic()


def log(message: str) -> None:
    """Progress, to stderr, with the seconds since the start."""
    print(f"[{time.monotonic() - STARTED:6.1f}s] {message}", file=sys.stderr, flush=True)
