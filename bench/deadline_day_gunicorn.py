"""Gunicorn hooks for bench/deadline_day.py: the CPU time each request costs, by kind.

`fivestar serve` runs gunicorn, which reads this file when GUNICORN_CMD_ARGS="--config THIS_FILE" (set by
the benchmark, never in production). Each request's handling thread CPU time (time.thread_time, so other
threads of the worker do not count) is appended with the request kind the load client sent in its
X-Bench-Kind header to one file per worker in $FIVESTAR_BENCH_CPU_DIR: "kind<TAB>seconds<TAB>status".
"""

import os
import threading
import time

_local = threading.local()
_files: dict[int, object] = {}
_lock = threading.Lock()


def _out():
    pid = os.getpid()
    with _lock:
        fh = _files.get(pid)
        if fh is None:
            directory = os.environ.get("FIVESTAR_BENCH_CPU_DIR") or "."
            fh = _files[pid] = open(os.path.join(directory, f"cpu-{pid}.tsv"), "a", encoding="utf-8", buffering=1)
        return fh


def pre_request(worker, req):
    _local.started = time.thread_time()


def post_request(worker, req, environ, resp):
    started = getattr(_local, "started", None)
    if started is None:
        return
    _local.started = None
    spent = time.thread_time() - started
    kind = next((value for name, value in req.headers if name == "X-BENCH-KIND"), "") or f"{req.method} (untagged)"
    status = getattr(resp, "status_code", None) or (str(getattr(resp, "status", "")).split(" ")[0] if resp is not None else "")
    line = f"{kind.replace(chr(9), ' ')}\t{spent:.6f}\t{status}\n"
    fh = _out()
    with _lock:
        fh.write(line)
