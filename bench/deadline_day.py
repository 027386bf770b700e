"""Deadline day: load on `fivestar serve` with a province-sized round open, on PostgreSQL, on 127.0.0.1.

Builds (or with --reuse keeps) a database with a generated province hierarchy (--villages branches; towns
and counties scaled to it), the shipped 200-rule rural framework and an annual round open over the whole
province with every branch's answers filled in. A pool of towns gets accounts: a village secretary per
village (their assessments complete with evidence, ready to submit; some already submitted), a town
reviewer per town, and leaders (province, city, county). Then it starts `fivestar serve` (gunicorn, the
production settings, behind a pretend TLS proxy) and runs locust headless against it for --duration
seconds (bench/deadline_day_users.py):

- village users log in, open their home and assessment, open a star, save answers (some with a ≈200 KB
  photo), submit and log out, then take the next village;
- town reviewers page through their town's list (all, then 待镇级初审), open a submitted assessment and
  approve it or return it (the village then edits and submits again);
- leaders open home, the round list, the round page and a town's list.

It prints throughput, p50/p95/p99 per request kind, errors, and the CPU cost per request kind: each
request's handling-thread CPU time in the gunicorn worker (gunicorn hooks, bench/deadline_day_gunicorn.py,
through GUNICORN_CMD_ARGS), and the CPU of the gunicorn processes, of this database's PostgreSQL backends,
of the load client and of the whole machine over the run (psutil). A fixed reference workload
(bench/reference.py) is timed in the same run, before and after the load, and the load average printed, so
numbers from a busy and a quiet machine compare as ratios.

    pip install -e ".[bench]"
    python bench/deadline_day.py --users 50 --duration 60                 # 2,000 villages
    python bench/deadline_day.py --villages 52378 --users 300 --duration 300
    python bench/deadline_day.py --reuse --users 50 --duration 60         # keep the built province

The database is postgresql://postgres@127.0.0.1:5432/fivestar_deadline_day (created if missing, FLUSHED on
each build). With DATABASE_URL set it uses that one instead, and wants --yes before flushing it.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import random
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

from import_divisions import generate  # noqa: E402
from reference import load_average, reference  # noqa: E402

DEFAULT_DATABASE_URL = "postgresql://postgres@127.0.0.1:5432/fivestar_deadline_day"
ROUND_NAME = "截止日压力测试评星"
PASSWORD = "deadline-day-bench-1"
PREFIX = "dd-"  # usernames of the accounts this benchmark makes
WORK_DIR = Path(tempfile.gettempdir()) / "fivestar-deadline-day"  # media and run files, kept for --reuse
EVIDENCE_NOTE = "压力测试预置佐证"


# ---------------------------------------------------------------------------------------------------------
# Database and data

def ensure_database(url: str) -> None:
    """CREATE DATABASE if it does not exist (connecting to the server's `postgres` database)."""
    import psycopg

    parts = urlparse(url)
    name = parts.path.lstrip("/")
    admin = parts._replace(path="/postgres").geturl()
    with psycopg.connect(admin, autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            conn.execute(f'CREATE DATABASE "{name}"')


def setup_django(url: str) -> None:
    os.environ["DATABASE_URL"] = url
    os.environ["DJANGO_SETTINGS_MODULE"] = "fivestar.settings.dev"
    os.environ["MEDIA_ROOT"] = str(WORK_DIR / "media")
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


def build(villages: int, ref: float):
    """Flush, import a generated hierarchy of `villages` branches, open the round, fill every branch."""
    from django.contrib.auth import get_user_model
    from django.core.management import call_command

    from fivestar.orgs.divisions import apply_import, plan_import
    from fivestar.orgs.models import OrgUnit
    from fivestar.rating.services import populate_round
    from round import framework, make_round  # bench/round.py

    call_command("flush", interactive=False, verbosity=0)
    scale = villages / 52378
    counties = max(17, round(158 * scale))
    towns = max(counties, round(2450 * scale))
    with tempfile.TemporaryDirectory(prefix="fivestar-dd-divisions-") as tmp:
        generate(Path(tmp), villages, counties=counties, towns=towns)
        with timed(f"import hierarchy ({villages:,} branches, {towns:,} towns)", ref):
            apply_import(plan_import(Path(tmp)))
    admin = get_user_model().objects.create_superuser(PREFIX + "admin", password=PASSWORD)
    fw = framework()
    rnd = make_round(admin, OrgUnit.objects.get(code="41"), fw, ROUND_NAME, "annual")
    type(rnd).objects.filter(pk=rnd.pk).update(phase="opening", opened_by=admin)
    with timed("open the province round", ref):
        populate_round(rnd.pk)
    with timed("fill every branch's answers (in progress)", ref):
        fill(rnd, fw)
    return rnd


def _columns_to_save():
    """Every column the branch's state is in (so a stored figure added to the model is written too)."""
    from fivestar.rating.models import Assessment

    return [f for f in Assessment._meta.concrete_fields
            if not f.primary_key and f.name not in ("round", "org_unit", "town", "framework", "updated_by", "updated_at")]


def fill(rnd, fw, unit_ids=None, values_for=None, seed=1):
    """Every branch's answers (most rules at their best value), evaluated, as it stands on deadline day.

    Written with one executemany per 2,000 rows: this is set-up for the load, not product code.
    """
    from django.db import connection, transaction

    from fivestar.rating.models import Assessment
    from fivestar.rating.services.evaluation import evaluate_assessment

    rng = random.Random(seed)
    compiled = fw.compiled()
    rules = list(compiled.rules_by_code.values())
    fields = _columns_to_save()
    sql = (f"UPDATE {Assessment._meta.db_table} SET " + ", ".join(f"{connection.ops.quote_name(f.column)} = %s" for f in fields)
           + " WHERE id = %s")
    qs = Assessment.objects.filter(round=rnd).select_related("round").order_by("id")
    if unit_ids is not None:
        qs = qs.filter(org_unit_id__in=unit_ids)
    batch = []

    def flush():
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.executemany(sql, batch)
        batch.clear()

    for a in qs.iterator(chunk_size=2000):
        if values_for is not None:
            values_for(a)
        else:
            a.answers = {r.code: _zero_if_none(r.value_for_points(r.best_points if rng.random() < 0.9 else 0)) for r in rules}
            a.status = "in_progress"
        evaluate_assessment(a, {}, framework=compiled)
        batch.append([f.get_db_prep_save(getattr(a, f.attname), connection) for f in fields] + [a.pk])
        if len(batch) == 2000:
            flush()
    if batch:
        flush()


def _zero_if_none(value):
    return 0 if value is None else value


def raw(value) -> str:
    """A value as a person types it into the form."""
    if isinstance(value, bool):
        return "1" if value else "0"
    return str(value)


def prepare(rnd, users: int, duration: int, submitted_share: float) -> dict:
    """Accounts, evidence and assessments of the pool of towns the load uses; the plan for the load client."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.hashers import make_password
    from django.core.files.base import ContentFile
    from django.core.files.storage import default_storage
    from django.utils import timezone

    from fivestar.core.roles import Role
    from fivestar.orgs.models import Level, OrgUnit
    from fivestar.people.models import RoleAssignment
    from fivestar.rating.models import Assessment, Evidence
    from fivestar.rating.stats import refresh_round_stats

    User = get_user_model()
    fw = rnd.rural_framework
    compiled = fw.compiled()
    rules = list(compiled.rules_by_code.values())
    needing = {r.code: r.evidence.min_count for r in rules if r.evidence and r.evidence.min_count}
    per_village = max(needing.values(), default=0)

    # Enough villages that the village users never run out within the run, in whole towns.
    target = max(4 * users, int(users * (duration / 8 + 2)))
    towns, pool = [], []
    for town in OrgUnit.objects.filter(level=Level.TOWN, path__startswith=rnd.scope.path).order_by("id"):
        ids = list(OrgUnit.objects.filter(parent=town, level=Level.VILLAGE, active=True).order_by("id").values_list("id", "code"))
        if ids:
            towns.append(town)
            pool.extend(ids)
        if len(pool) >= target:
            break
    unit_ids = [uid for uid, _ in pool]

    # Accounts: one hash for all (same password), made once and kept (--reuse).
    password = make_password(PASSWORD)
    first = towns[0]
    county = OrgUnit.objects.get(pk=first.parent_id)
    city = OrgUnit.objects.get(pk=county.parent_id)
    wanted = [(PREFIX + code, Role.VILLAGE_CADRE, uid) for uid, code in pool]
    wanted += [(PREFIX + t.code, Role.TOWN_ADMIN, t.pk) for t in towns]
    leaders = [(PREFIX + "province", Role.COUNTY_ADMIN, rnd.scope_id), (PREFIX + "city-" + city.code, Role.OBSERVER, city.pk),
               (PREFIX + "county-" + county.code, Role.COUNTY_ADMIN, county.pk)]
    paths = dict(OrgUnit.objects.filter(pk__in=[unit for _, _, unit in leaders]).values_list("pk", "path"))
    wanted += leaders
    existing = set(User.objects.filter(username__startswith=PREFIX).values_list("username", flat=True))
    User.objects.bulk_create([User(username=name, password=password) for name, _, _ in wanted if name not in existing], batch_size=1000)
    ids = dict(User.objects.filter(username__startswith=PREFIX).values_list("username", "id"))
    have = set(RoleAssignment.objects.filter(user_id__in=ids.values()).values_list("user_id", "role", "org_unit_id"))
    RoleAssignment.objects.bulk_create([RoleAssignment(user_id=ids[name], role=role, org_unit_id=unit) for name, role, unit in wanted
                                        if (ids[name], role, unit) not in have], batch_size=1000)

    # Evidence already uploaded for every rule that needs it (one stored photo, referenced per village).
    photo_name = "evidence/bench/deadline-day.jpg"
    if not default_storage.exists(photo_name):
        from PIL import Image
        import io

        out = io.BytesIO()
        Image.new("RGB", (800, 600), (90, 140, 90)).save(out, "JPEG", quality=80)
        default_storage.save(photo_name, ContentFile(out.getvalue()))
    size = default_storage.size(photo_name)
    evidence: dict[int, list[int]] = {}
    for ev_id, unit_id in Evidence.objects.filter(org_unit_id__in=unit_ids, description=EVIDENCE_NOTE).values_list("id", "org_unit_id"):
        evidence.setdefault(unit_id, []).append(ev_id)
    missing = [(uid, per_village - len(evidence.get(uid, []))) for uid in unit_ids if len(evidence.get(uid, [])) < per_village]
    Evidence.objects.bulk_create([
        Evidence(org_unit_id=uid, kind="photo", file=photo_name, thumbnail=photo_name, original_name="现场照片.jpg", content_type="image/jpeg",
                 extension=".jpg", size=size, sha256=f"{uid:032d}{i:032d}", description=EVIDENCE_NOTE)
        for uid, n in missing for i in range(n)], batch_size=1000)
    evidence = {}
    for ev_id, unit_id in Evidence.objects.filter(org_unit_id__in=unit_ids, description=EVIDENCE_NOTE).order_by("id").values_list("id", "org_unit_id"):
        evidence.setdefault(unit_id, []).append(ev_id)

    # Each pool village: every rule answered at its best, evidence attached; a share already submitted.
    full = {}
    for r in rules:
        full[r.code] = r.thresholds[-1].min if r.indicator and r.thresholds else _zero_if_none(r.value_for_points(r.best_points))
    stars = [s.code for s in compiled.stars]
    rng = random.Random(7)
    submitted = set()
    now = timezone.now()

    def deadline_state(a):
        ids_ = evidence.get(a.org_unit_id, [])
        a.answers, a.reviews, a.notes, a.not_applicable, a.to_confirm = dict(full), {}, {}, {}, []
        a.evidence = {code: ids_[:n] for code, n in needing.items()}
        a.return_comments, a.veto_events, a.rule_versions, a.version = [], [], {}, 1
        a.approved_snapshot, a.modified_since_approval, a.closed_from, a.deadline_override = {}, False, "", None
        if rng.random() < submitted_share:
            a.status, a.applied_stars, a.submitted_at = "submitted", stars, now
            submitted.add(a.pk)
        else:
            a.status, a.applied_stars, a.submitted_at = "in_progress", [], None

    fill(rnd, fw, unit_ids=unit_ids, values_for=deadline_state)
    refresh_round_stats(rnd.pk)

    saveable = [r for r in rules if not r.indicator]
    star_of = {r.code: s.code for s in compiled.stars for r in s.rules}
    plan_rules = []
    for r in saveable:
        values = [raw(v) for v in {_zero_if_none(r.value_for_points(r.best_points)), _zero_if_none(r.value_for_points(0))}]
        plan_rules.append({"code": r.code, "star": star_of[r.code], "values": values})
    by_unit = dict(Assessment.objects.filter(round=rnd, org_unit_id__in=unit_ids).values_list("org_unit_id", "id"))
    villages = [{"username": PREFIX + code, "assessment": by_unit[uid], "stars": stars} for uid, code in pool]
    return {
        "round": rnd.pk, "password": PASSWORD, "rules": plan_rules,
        "villages": [v for v in villages if v["assessment"] not in submitted],
        "village_of_assessment": {str(v["assessment"]): v for v in villages},
        "reviewers": [{"username": PREFIX + t.code, "town": t.code} for t in towns],
        "leaders": [{"username": name, "towns": [t.code for t in towns if t.path.startswith(paths[unit])]} for name, _, unit in leaders],
        "pool": {"towns": len(towns), "villages": len(pool), "submitted": len(submitted)},
    }


# ---------------------------------------------------------------------------------------------------------
# Server and load

def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(url: str, port: int, run_dir: Path, workers: int | None, log, keep_alive: int | None = None):
    env = {**os.environ, "DATABASE_URL": url, "DJANGO_SETTINGS_MODULE": "fivestar.settings.prod", "SECRET_KEY": "deadline-day-bench-" + "x" * 40,
           "ALLOWED_HOSTS": "127.0.0.1,localhost", "HOST": "127.0.0.1", "PORT": str(port), "SECURE_SSL_REDIRECT": "0",
           "SECURE_HSTS_SECONDS": "0", "MEDIA_ROOT": str(WORK_DIR / "media"), "LOG_LEVEL": "WARNING",
           "GUNICORN_CMD_ARGS": f"--config {ROOT / 'bench' / 'deadline_day_gunicorn.py'}" + (f" --keep-alive {keep_alive}" if keep_alive else ""),
           "FIVESTAR_BENCH_CPU_DIR": str(run_dir / "cpu")}
    if workers:
        env["WEB_CONCURRENCY"] = str(workers)
    (run_dir / "cpu").mkdir(parents=True, exist_ok=True)
    fivestar = Path(sys.executable).parent / "fivestar"
    command = [str(fivestar)] if fivestar.exists() else [sys.executable, "-m", "fivestar.cli"]
    return subprocess.Popen([*command, "serve"], env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True, cwd=ROOT)


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


def run_locust(port: int, plan_path: Path, run_dir: Path, users: int, spawn_rate: float, duration: int, name: str = "locust"):
    prefix = run_dir / name
    env = {**os.environ, "FIVESTAR_BENCH_PLAN": str(plan_path)}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    command = [sys.executable, "-m", "locust", "-f", str(ROOT / "bench" / "deadline_day_users.py"), "--headless",
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
        print(f"CPU over the run: gunicorn {totals['gunicorn']:.1f}s ({totals['gunicorn'] / requests * 1000:.1f} ms/request), "
              f"PostgreSQL backends {totals['postgres']:.1f}s ({totals['postgres'] / requests * 1000:.1f} ms/request), "
              f"load client {totals['client']:.1f}s; machine busy {totals['busy']:.1f} of {totals['all']:.1f} core-seconds")
    if failures:
        print("\nerrors:")
        for f in failures:
            print(f"  {f['Occurrences']:>5} × {f['Method']} {f['Name']}: {f['Error'][:150]}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--users", type=int, default=50, help="concurrent simulated people (default 50)")
    parser.add_argument("--duration", type=int, default=60, help="seconds of load (default 60)")
    parser.add_argument("--villages", type=int, default=2000, help="branches in the province (default 2,000; the full one is 52,378)")
    parser.add_argument("--spawn-rate", type=float, default=0, help="people started per second (default users / 10)")
    parser.add_argument("--workers", type=int, default=0, help="gunicorn workers (WEB_CONCURRENCY; default: fivestar serve's)")
    parser.add_argument("--keep-alive", type=int, default=0,
                        help="gunicorn's keep-alive seconds (default: fivestar serve's, i.e. gunicorn's 2 s); for experiments")
    parser.add_argument("--wait", default="0.5,2", help="think time between a person's requests, min,max seconds (default 0.5,2)")
    parser.add_argument("--saves", type=int, default=5, help="answers each village saves before submitting (default 5)")
    parser.add_argument("--photo-share", type=float, default=0.25, help="share of saves followed by a photo upload (default 0.25)")
    parser.add_argument("--return-share", type=float, default=0.2, help="share of reviews that return the assessment (default 0.2)")
    parser.add_argument("--weights", default="40,7,3", help="village users, town reviewers, leaders (default 40,7,3)")
    parser.add_argument("--warmup", type=int, default=10, help="seconds of load before the measured run, not counted (default 10)")
    parser.add_argument("--reuse", action="store_true", help="keep the province built by an earlier run of the same size")
    parser.add_argument("--ready-timeout", type=float, default=900, help="seconds to wait for fivestar serve to answer")
    parser.add_argument("--yes", action="store_true", help="allow flushing the database named by DATABASE_URL")
    args = parser.parse_args()
    explicit = bool(os.environ.get("DATABASE_URL"))  # someone else's database: flushed only with --yes
    url = os.environ.get("DATABASE_URL") or DEFAULT_DATABASE_URL
    if not url.startswith("postgres"):
        raise SystemExit("本基准测试需要 PostgreSQL（DATABASE_URL=postgresql://…）。")
    refuse_flush = "DATABASE_URL 已设置：基准测试会迁移并清空（flush）该数据库的全部数据。确认请加 --yes。"
    if explicit and not args.yes and not args.reuse:
        raise SystemExit(refuse_flush)
    try:
        import locust  # noqa: F401  (only checked here: the load runs in its own process)
        import psutil  # noqa: F401
    except ImportError:
        raise SystemExit('需要 locust 和 psutil：pip install -e ".[bench]"') from None

    ref0 = reference()
    print(f"deadline day: {args.users} users for {args.duration}s; {os.cpu_count()} CPUs; reference workload {ref0:.3f}s; "
          f"load average {load_average()}", flush=True)
    WORK_DIR.mkdir(parents=True, exist_ok=True)
    ensure_database(url)
    setup_django(url)
    from fivestar.orgs.models import Level, OrgUnit
    from fivestar.rating.models import Round

    rnd = Round.objects.filter(name=ROUND_NAME, phase="open").first()
    if args.reuse and rnd and OrgUnit.objects.filter(level=Level.VILLAGE).count() == args.villages:
        print(f"  reusing the province of {args.villages:,} branches and its open round", flush=True)
    else:
        if explicit and not args.yes:
            raise SystemExit(refuse_flush)
        rnd = build(args.villages, ref0)
    weights = [int(w) for w in args.weights.split(",")]
    with timed("prepare the pool (accounts, evidence, states)", ref0):
        plan = prepare(rnd, args.users, args.duration + args.warmup, submitted_share=0.3)
    plan.update(wait=[float(x) for x in args.wait.split(",")], saves_per_village=args.saves, photo_share=args.photo_share,
                return_share=args.return_share, weights={"village": weights[0], "reviewer": weights[1], "leader": weights[2]})
    from django.db import connections

    connections.close_all()
    print(f"  pool: {plan['pool']['villages']:,} villages in {plan['pool']['towns']} towns ({plan['pool']['submitted']} already submitted)", flush=True)

    run_dir = Path(tempfile.mkdtemp(prefix="run-", dir=WORK_DIR))
    plan_path = run_dir / "plan.json"
    plan_path.write_text(json.dumps(plan, ensure_ascii=False), encoding="utf-8")
    port = free_port()
    with open(run_dir / "serve.log", "w", encoding="utf-8") as log:
        server = start_server(url, port, run_dir, args.workers or None, log, args.keep_alive or None)
        try:
            ready = wait_ready(server, port, args.ready_timeout)
            processes = server_processes(server)
            workers = len(processes) - 2
            print(f"  fivestar serve answered after {ready:.1f}s ({workers} gunicorn workers) on 127.0.0.1:{port}", flush=True)
            if args.warmup:  # every worker imports and connects before the measured run (not counted)
                run_locust(port, plan_path, run_dir, min(args.users, 4 * max(workers, 1)), max(1, args.users // 10), args.warmup, "warmup")
                print(f"  warmed up for {args.warmup}s (not counted)", flush=True)
            ref1 = reference()
            print(f"reference workload before the load {ref1:.3f}s; load average {load_average()}", flush=True)
            db_name = urlparse(url).path.lstrip("/")
            skip = {path.name: path.stat().st_size for path in (run_dir / "cpu").glob("*.tsv")}  # readiness probes, warm-up
            before = (cpu_of(server_processes(server)), cpu_of(database_backends(db_name)), machine_busy())
            started = time.perf_counter()
            prefix, client_cpu = run_locust(port, plan_path, run_dir, args.users, args.spawn_rate or max(1, args.users // 10), args.duration)
            elapsed = time.perf_counter() - started
            after = (cpu_of(server_processes(server)), cpu_of(database_backends(db_name)), machine_busy())
            load_after = load_average()
        finally:
            stop_server(server)
    ref2 = reference()
    rows, failures = read_stats(prefix)
    cpu, server_5xx = read_cpu(run_dir, skip)
    totals = {"gunicorn": delta(before[0], after[0]), "postgres": delta(before[1], after[1]), "client": client_cpu,
              "busy": after[2][0] - before[2][0], "all": after[2][1] - before[2][1]}
    print(f"load ran {elapsed:.0f}s; load average at its end {load_after}; reference workload after it {ref2:.3f}s")
    report(rows, failures, cpu, server_5xx, ref1, totals)
    print(f"\nresponse times: ms at the client (locust); KB: body as decoded (before gzip); CPU ms: the request's thread CPU in its gunicorn worker (mean, p95); "
          f"CPU/ref: CPU per request ÷ the reference workload ({ref1:.3f}s, measured just before the load)")
    print(f"files: {run_dir}")


if __name__ == "__main__":
    main()
