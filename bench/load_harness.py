"""The harness the load benchmarks share (bench/deadline_day.py, bench/week.py): a PostgreSQL database made ready,
`fivestar serve` started on 127.0.0.1 as behind a TLS proxy (optionally with its background worker), headless locust
run against it, and the report: per request kind the client's response times and the server CPU each request cost
(gunicorn hooks, bench/deadline_day_gunicorn.py), the CPU of gunicorn, of the background worker, of the database's
backends, of the load client and of the machine, and the reference workload (bench/reference.py) around the load.

As behind that proxy, the server honours X-Forwarded-For (USE_X_FORWARDED_FOR=1) and each simulated person sends an
address of its own, so per-address limits such as the login's count people, not the one load client.

Not a locustfile and not product code: each benchmark builds its data and a plan (JSON the locustfile reads) and
hands them to `run_load`."""

from __future__ import annotations

import csv
import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from urllib.parse import urlparse

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from reference import load_average, reference  # noqa: E402


# ---------------------------------------------------------------------------------------------------------
# Database

def ensure_database(url: str) -> None:
    """CREATE DATABASE if it does not exist (connecting to the server's `postgres` database)."""
    import psycopg

    parts = urlparse(url)
    name = parts.path.lstrip("/")
    admin = parts._replace(path="/postgres").geturl()
    with psycopg.connect(admin, autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            conn.execute(f'CREATE DATABASE "{name}"')


def setup_django(url: str, media_root: Path) -> None:
    os.environ["DATABASE_URL"] = url
    os.environ["DJANGO_SETTINGS_MODULE"] = "fivestar.settings.dev"
    os.environ["MEDIA_ROOT"] = str(media_root)
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", interactive=False, verbosity=0)


def timed(label: str, ref: float):
    class _T:
        def __enter__(self):
            self.t = time.perf_counter()
            return self

        def __exit__(self, *exc):
            if exc[0] is None:
                s = time.perf_counter() - self.t
                print(f"  {label:<46} {s:8.1f}s = {s / ref:6.1f} × reference", flush=True)

    return _T()


def database_url(default: str, args, refuse: str) -> tuple[str, bool]:
    """(url, explicit): DATABASE_URL when set (someone else's database: flushed only with --yes), else `default`."""
    explicit = bool(os.environ.get("DATABASE_URL"))
    url = os.environ.get("DATABASE_URL") or default
    if not url.startswith("postgres"):
        raise SystemExit("本基准测试需要 PostgreSQL（DATABASE_URL=postgresql://…）。")
    if explicit and not args.yes and not args.reuse:
        raise SystemExit(refuse)
    try:
        import locust  # noqa: F401  (only checked here: the load runs in its own process)
        import psutil  # noqa: F401
    except ImportError:
        raise SystemExit('需要 locust 和 psutil：pip install -e ".[bench]"') from None
    return url, explicit


# ---------------------------------------------------------------------------------------------------------
# Server and load

def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(url: str, port: int, run_dir: Path, workers: int | None, log, keep_alive: int | None = None,
                 media_root: Path | None = None, with_worker: bool = False):
    env = {**os.environ, "DATABASE_URL": url, "DJANGO_SETTINGS_MODULE": "fivestar.settings.prod", "SECRET_KEY": "deadline-day-bench-" + "x" * 40,
           "ALLOWED_HOSTS": "127.0.0.1,localhost", "HOST": "127.0.0.1", "PORT": str(port), "SECURE_SSL_REDIRECT": "0",
           "SECURE_HSTS_SECONDS": "0", "LOG_LEVEL": "WARNING", "USE_X_FORWARDED_FOR": "1",
           "GUNICORN_CMD_ARGS": f"--config {ROOT / 'bench' / 'deadline_day_gunicorn.py'}" + (f" --keep-alive {keep_alive}" if keep_alive else ""),
           "FIVESTAR_BENCH_CPU_DIR": str(run_dir / "cpu")}
    if media_root is not None:
        env["MEDIA_ROOT"] = str(media_root)
    if workers:
        env["WEB_CONCURRENCY"] = str(workers)
    (run_dir / "cpu").mkdir(parents=True, exist_ok=True)
    fivestar = Path(sys.executable).parent / "fivestar"
    command = [str(fivestar)] if fivestar.exists() else [sys.executable, "-m", "fivestar.cli"]
    return subprocess.Popen([*command, "serve", *(["--with-worker"] if with_worker else [])], env=env, stdout=log,
                            stderr=subprocess.STDOUT, start_new_session=True, cwd=ROOT)


def wait_ready(proc, port: int, timeout: float) -> float:
    started = time.perf_counter()
    request = urllib.request.Request(f"http://127.0.0.1:{port}/login/", headers={"X-Forwarded-Proto": "https"})
    while time.perf_counter() - started < timeout:
        if proc.poll() is not None:
            raise SystemExit(f"fivestar serve 已退出（代码 {proc.returncode}），见日志。")
        try:
            with urllib.request.urlopen(request, timeout=5) as response:
                if response.status == 200:
                    return time.perf_counter() - started
        except OSError:
            pass
        time.sleep(0.5)
    raise SystemExit(f"fivestar serve 在 {timeout:.0f} 秒内没有就绪。")


def stop_server(proc) -> None:
    if proc.poll() is None:
        os.killpg(proc.pid, signal.SIGTERM)  # the serve process and the gunicorn it started (its own session)
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()


def cpu_of(processes) -> dict[int, float]:
    out = {}
    for p in processes:
        try:
            t = p.cpu_times()
            out[p.pid] = t.user + t.system
        except Exception:  # gone meanwhile
            pass
    return out


def server_processes(proc):
    import psutil

    root = psutil.Process(proc.pid)
    return [root, *root.children(recursive=True)]


def worker_processes(proc):
    """The background worker `fivestar serve --with-worker` started (and anything it started), apart from gunicorn."""
    found = []
    for p in server_processes(proc):
        try:
            if "worker" in p.cmdline() and "gunicorn" not in " ".join(p.cmdline()):
                found.append(p)
                found.extend(p.children(recursive=True))
        except Exception:
            pass
    return found


def gunicorn_workers(proc) -> int:
    """The number of gunicorn worker processes (children of its master)."""
    for p in server_processes(proc):
        try:
            if "gunicorn" in " ".join(p.cmdline()) and p.parent() is not None and "gunicorn" not in " ".join(p.parent().cmdline()):
                return len(p.children())
        except Exception:
            pass
    return 0


def database_backends(db_name: str):
    import psutil

    found = []
    for p in psutil.process_iter(["name", "cmdline"]):
        try:
            cmd = " ".join(p.info["cmdline"] or [])
        except Exception:
            continue
        if cmd.startswith("postgres:") and f" {db_name} " in cmd:
            found.append(p)
    return found


def delta(before: dict[int, float], after: dict[int, float]) -> float:
    return sum(t - before.get(pid, 0.0) for pid, t in after.items())


def machine_busy() -> tuple[float, float]:
    import psutil

    t = psutil.cpu_times()
    idle = t.idle + getattr(t, "iowait", 0.0)
    return sum(t) - idle, sum(t)


def run_locust(port: int, plan_path: Path, run_dir: Path, users: int, spawn_rate: float, duration: int, name: str = "locust",
               locustfile: str = "deadline_day_users.py"):
    prefix = run_dir / name
    env = {**os.environ, "FIVESTAR_BENCH_PLAN": str(plan_path)}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    command = [sys.executable, "-m", "locust", "-f", str(ROOT / "bench" / locustfile), "--headless",
               "-u", str(users), "-r", str(spawn_rate), "-t", f"{duration}s",
               "--host", f"http://127.0.0.1:{port}", "--csv", str(prefix), "--only-summary", "--stop-timeout", "60",
               "--loglevel", "WARNING", "--exit-code-on-error", "0"]
    with open(run_dir / f"{name}.log", "w", encoding="utf-8") as log:
        proc = subprocess.Popen(command, env=env, stdout=log, stderr=subprocess.STDOUT, cwd=ROOT)
        _, status, usage = os.wait4(proc.pid, 0)
        proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode:
        print((run_dir / f"{name}.log").read_text(encoding="utf-8")[-3000:])
        raise SystemExit(f"locust 退出代码 {proc.returncode}")
    return prefix, usage.ru_utime + usage.ru_stime


def run_load(url: str, plan: dict, work_dir: Path, args, locustfile: str, with_worker: bool = False) -> dict:
    """Write the plan, start `fivestar serve` (with its worker if asked), warm up (not counted), run the measured
    load and print the report. Returns what the caller may want to look at afterwards (run_dir, rows, cpu)."""
    from django.db import connections

    connections.close_all()
    run_dir = Path(tempfile.mkdtemp(prefix="run-", dir=work_dir))
    plan_path = run_dir / "plan.json"
    plan_path.write_text(json.dumps(plan, ensure_ascii=False), encoding="utf-8")
    port = free_port()
    spawn = args.spawn_rate or max(1, args.users // 10)
    with open(run_dir / "serve.log", "w", encoding="utf-8") as log:
        server = start_server(url, port, run_dir, args.workers or None, log, args.keep_alive or None, media_root=work_dir / "media",
                              with_worker=with_worker)
        try:
            ready = wait_ready(server, port, args.ready_timeout)
            workers = gunicorn_workers(server)
            print(f"  fivestar serve answered after {ready:.1f}s ({workers} gunicorn workers"
                  f"{', a background worker' if with_worker else ''}) on 127.0.0.1:{port}", flush=True)
            if args.warmup:  # every worker imports and connects before the measured run (not counted)
                run_locust(port, plan_path, run_dir, min(args.users, 4 * max(workers, 1)), max(1, args.users // 10), args.warmup, "warmup",
                           locustfile)
                print(f"  warmed up for {args.warmup}s (not counted)", flush=True)
            ref1 = reference()
            print(f"reference workload before the load {ref1:.3f}s; load average {load_average()}", flush=True)
            db_name = urlparse(url).path.lstrip("/")
            skip = {path.name: path.stat().st_size for path in (run_dir / "cpu").glob("*.tsv")}  # readiness probes, warm-up
            background = worker_processes(server) if with_worker else []
            before = (cpu_of(server_processes(server)), cpu_of(database_backends(db_name)), machine_busy(), cpu_of(background))
            started = time.perf_counter()
            prefix, client_cpu = run_locust(port, plan_path, run_dir, args.users, spawn, args.duration, locustfile=locustfile)
            elapsed = time.perf_counter() - started
            background = worker_processes(server) if with_worker else []
            after = (cpu_of(server_processes(server)), cpu_of(database_backends(db_name)), machine_busy(), cpu_of(background))
            load_after = load_average()
        finally:
            stop_server(server)
    ref2 = reference()
    rows, failures = read_stats(prefix)
    cpu, server_5xx = read_cpu(run_dir, skip)
    worker_cpu = delta(before[3], after[3])
    totals = {"gunicorn": delta(before[0], after[0]) - worker_cpu, "postgres": delta(before[1], after[1]), "client": client_cpu,
              "busy": after[2][0] - before[2][0], "all": after[2][1] - before[2][1], "worker": worker_cpu if with_worker else None}
    print(f"load ran {elapsed:.0f}s; load average at its end {load_after}; reference workload after it {ref2:.3f}s")
    report(rows, failures, cpu, server_5xx, ref1, totals)
    print(f"\nresponse times: ms at the client (locust); KB: body as decoded (before gzip); CPU ms: the request's thread CPU in its gunicorn worker (mean, p95); "
          f"CPU/ref: CPU per request ÷ the reference workload ({ref1:.3f}s, measured just before the load)")
    print(f"files: {run_dir}")
    return {"run_dir": run_dir, "rows": rows, "failures": failures, "cpu": cpu, "totals": totals, "ref": (ref1, ref2),
            "load_after": load_after}


# ---------------------------------------------------------------------------------------------------------
# Report

def read_stats(prefix: Path):
    with open(f"{prefix}_stats.csv", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    failures = []
    if Path(f"{prefix}_failures.csv").exists():
        with open(f"{prefix}_failures.csv", encoding="utf-8") as fh:
            failures = list(csv.DictReader(fh))
    if Path(f"{prefix}_exceptions.csv").exists():  # the load client's own errors: a broken plan or page it could not read
        with open(f"{prefix}_exceptions.csv", encoding="utf-8") as fh:
            failures += [{"Occurrences": r["Count"], "Method": "client", "Name": "exception", "Error": r["Message"]} for r in csv.DictReader(fh)]
    return rows, failures


def read_cpu(run_dir: Path, skip: dict[str, int]) -> dict[str, list[float]]:
    """Per request kind, the CPU seconds of each request after the first `skip[file]` bytes of each worker's file."""
    by_kind: dict[str, list[float]] = {}
    statuses: dict[str, int] = {}
    for path in (run_dir / "cpu").glob("cpu-*.tsv"):
        for line in path.read_bytes()[skip.get(path.name, 0):].decode("utf-8").splitlines():
            kind, seconds, status = (line.split("\t") + ["", ""])[:3]
            by_kind.setdefault(kind, []).append(float(seconds or 0))
            if status.startswith("5"):
                statuses[kind] = statuses.get(kind, 0) + 1
    return by_kind, statuses


def pct(values: list[float], q: float) -> float:
    if not values:
        return 0.0
    values = sorted(values)
    return values[min(len(values) - 1, int(round(q * (len(values) - 1))))]


def report(rows, failures, cpu, server_5xx, ref: float, totals: dict) -> None:
    print()
    print(f"{'request kind':<34} {'reqs':>6} {'fail':>5} {'req/s':>6} {'p50':>6} {'p95':>6} {'p99':>6} {'max':>6} "
          f"{'KB':>6} {'CPU ms':>7} {'CPU p95':>7} {'CPU/ref':>7}")
    print("-" * 116)
    kinds = [r for r in rows if r["Name"] != "Aggregated"]
    for r in sorted(kinds, key=lambda r: r["Name"]):
        spent = cpu.get(r["Name"], [])
        mean = sum(spent) / len(spent) * 1000 if spent else float("nan")
        print(f"{r['Name'][:34]:<34} {int(r['Request Count']):>6} {int(r['Failure Count']):>5} {float(r['Requests/s']):>6.2f} "
              f"{r['50%']:>6} {r['95%']:>6} {r['99%']:>6} {float(r['Max Response Time']):>6.0f} {float(r['Average Content Size']) / 1024:>6.1f} "
              f"{mean:>7.1f} {pct(spent, 0.95) * 1000:>7.1f} {mean / 1000 / ref:>7.3f}")
    agg = next((r for r in rows if r["Name"] == "Aggregated"), None)
    if agg:
        print("-" * 116)
        n = int(agg["Request Count"])
        all_cpu = [s for v in cpu.values() for s in v]
        mean = sum(all_cpu) / len(all_cpu) * 1000 if all_cpu else float("nan")
        print(f"{'all (response times in ms)':<34} {n:>6} {int(agg['Failure Count']):>5} {float(agg['Requests/s']):>6.2f} {agg['50%']:>6} "
              f"{agg['95%']:>6} {agg['99%']:>6} {float(agg['Max Response Time']):>6.0f} {float(agg['Average Content Size']) / 1024:>6.1f} "
              f"{mean:>7.1f} {pct(all_cpu, 0.95) * 1000:>7.1f} {mean / 1000 / ref:>7.3f}")
        print()
        print(f"throughput {float(agg['Requests/s']):.1f} requests/s; errors {int(agg['Failure Count'])} of {n}; "
              f"server 5xx {sum(server_5xx.values())}")
        requests = max(n, 1)
        worker = f"background worker {totals['worker']:.1f}s, " if totals.get("worker") is not None else ""
        print(f"CPU over the run: gunicorn {totals['gunicorn']:.1f}s ({totals['gunicorn'] / requests * 1000:.1f} ms/request), {worker}"
              f"PostgreSQL backends {totals['postgres']:.1f}s ({totals['postgres'] / requests * 1000:.1f} ms/request), "
              f"load client {totals['client']:.1f}s; machine busy {totals['busy']:.1f} of {totals['all']:.1f} core-seconds")
    if failures:
        print("\nerrors:")
        for f in failures:
            print(f"  {f['Occurrences']:>5} × {f['Method']} {f['Name']}: {f['Error'][:150]}")


# ---------------------------------------------------------------------------------------------------------
# Options

def add_load_arguments(parser, users: int = 50, duration: int = 60, wait: str = "0.5,2") -> None:
    """The load's options, the same for every benchmark run through `run_load`."""
    parser.add_argument("--users", type=int, default=users, help=f"concurrent simulated people (default {users})")
    parser.add_argument("--duration", type=int, default=duration, help=f"seconds of load (default {duration})")
    parser.add_argument("--spawn-rate", type=float, default=0, help="people started per second (default users / 10)")
    parser.add_argument("--workers", type=int, default=0, help="gunicorn workers (WEB_CONCURRENCY; default: fivestar serve's)")
    parser.add_argument("--keep-alive", type=int, default=0,
                        help="gunicorn's keep-alive seconds (default: fivestar serve's); for experiments")
    parser.add_argument("--wait", default=wait, help=f"think time between a person's requests, min,max seconds (default {wait})")
    parser.add_argument("--warmup", type=int, default=10, help="seconds of load before the measured run, not counted (default 10)")
    parser.add_argument("--reuse", action="store_true", help="keep the data built by an earlier run of the same size")
    parser.add_argument("--ready-timeout", type=float, default=900, help="seconds to wait for fivestar serve to answer")
    parser.add_argument("--yes", action="store_true", help="allow flushing the database named by DATABASE_URL")
