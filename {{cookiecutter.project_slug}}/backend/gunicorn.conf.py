"""gunicorn's settings beyond its command line (which it reads from the directory it starts in).

Only Prometheus's multiprocess mode: every worker writes its metrics to files in one directory,
and GET /metrics (config/metrics.py) adds up all of them, so a scrape sees the whole replica
whichever worker answers it. The rest stays gunicorn's: the address from $PORT (0.0.0.0:$PORT),
the number of workers from $WEB_CONCURRENCY, and whatever the command line says.
"""

import os
import shutil
import tempfile
from pathlib import Path

_made = []  # the directory on_starting made, removed on_exit


def on_starting(server):
    """Once, in the master, before any worker starts: an empty metrics directory (the files of
    a previous run would add up with this one's), named in the environment the workers inherit.
    prometheus_client reads it when first imported, in each worker."""
    path = os.environ.get("PROMETHEUS_MULTIPROC_DIR")
    if path:
        Path(path).mkdir(parents=True, exist_ok=True)
        for entry in Path(path).iterdir():
            if entry.is_dir():
                shutil.rmtree(entry)
            else:
                entry.unlink()
    else:
        # /tmp: a writable emptyDir in Kubernetes, where the root filesystem is read-only.
        path = tempfile.mkdtemp(prefix="prometheus-")
        os.environ["PROMETHEUS_MULTIPROC_DIR"] = path
        _made.append(path)
    server.log.info("Prometheus multiprocess metrics in %s", path)


def on_exit(server):
    for path in _made:
        shutil.rmtree(path, ignore_errors=True)


def child_exit(server, worker):
    """A worker is gone: its live gauges no longer count (its counters and histograms still do)."""
    from prometheus_client import multiprocess  # here: only once the directory is set

    multiprocess.mark_process_dead(worker.pid)
