"""Benchmark of supervision (督导) at province scale: 52,378 villages and 1,000,000 problems over a year by default.

Imports a Henan-sized hierarchy, gives every town a team, a 片区 with its leader, a town administrator and 包村干部,
every village a secretary with an account, then writes a year of problems in bulk (bench/supervision_data.py: each
one's life up to yesterday, with its rectifications, the daily job's steps already taken and the notifications
they sent) and rebuilds the kept counts. Then it times what must not grow with the data:

- the daily job (`run_daily`, reminders, overdue marking, escalation) for today, and again (idempotent: nothing);
- the problem list for a town administrator and a county administrator (p95 and median of `--repeat` requests
  through Django's test client: middleware, views, queries, template) with the number of queries, which must be
  the same for a town, a county and a deep page;
- each transition (create, start, submit, reject, accept) through the services, with its queries;
- the county's problem ledger (问题台账 xlsx) as the page streams it, in a fresh process: time, rows, and memory
  (peak RSS over the process's baseline, and tracemalloc's peak of Python allocations in a second run).

A fixed reference workload (bench/reference.py) is timed before each section (and in the export's process); every
time is also printed as a multiple of the one timed just before it, so numbers from busy and quiet machines compare
as ratios.

    .venv/bin/python bench/supervision.py [--villages 52378] [--problems 1000000] [--repeat 20]
    DATABASE_URL=postgresql://user:pass@127.0.0.1:5432/fivestar_bench .venv/bin/python bench/supervision.py --yes

Without DATABASE_URL it uses a throwaway SQLite file; with it, it FLUSHES that database (hence --yes).
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
sys.path.insert(0, str(HERE))

from import_divisions import generate, setup_django  # noqa: E402
from reference import load_average, reference  # noqa: E402
from report import REF, line, measure, p95, rules, section, timed  # noqa: E402


def analyse() -> None:
    """PostgreSQL's statistics after a bulk load (autovacuum would have taken them by the next morning)."""
    from django.db import connection

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")


def transitions(town, ids: dict, rounds: int = 10) -> None:
    """Each step of a problem's life through the services, `rounds` times: mean, p95 and queries."""
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from fivestar.orgs.models import OrgUnit
    from fivestar.supervision import services as sv

    User = get_user_model()
    admin = User.objects.get(pk=ids["town_admin"][town.pk])
    villages = list(OrgUnit.objects.filter(parent=town, level=5).order_by("code")[:rounds])
    kinds = {k: ([], 0) for k in ("create", "start", "submit", "reject", "submit again", "accept")}

    def run(kind, fn, *args, **kwargs):
        with CaptureQueriesContext(connection) as ctx:
            started = time.perf_counter()
            result = fn(*args, **kwargs)
            kinds[kind][0].append(time.perf_counter() - started)
        kinds[kind] = (kinds[kind][0], len(ctx.captured_queries))
        return result

    for i in range(rounds):
        village = villages[i % len(villages)]
        secretary = User.objects.get(pk=ids["secretary_user"][village.pk])
        p = run("create", sv.create_problem, admin, village, description="基准测试问题：村内垃圾未清理", severity="minor")
        run("start", sv.start_rectification, p, secretary, "已安排整改")
        run("submit", sv.submit_rectification, p, secretary, "已清理完毕")
        run("reject", sv.reject, p, admin, "仍有部分未清理")
        run("submit again", sv.submit_rectification, p, secretary, "已全部清理")
        run("accept", sv.accept, p, admin, "同意销号")
    for kind, (times, queries) in kinds.items():
        line(f"transition: {kind} (mean of {rounds})", statistics.mean(times),
             f"  p95 {p95(times) * 1000:6.1f} ms  {queries} queries")


def export_child(code: str, username: str) -> None:
    """In a fresh process: the county's ledger as the page streams it, its time, rows and memory."""
    import resource
    import tracemalloc

    os.environ["DJANGO_SETTINGS_MODULE"] = "fivestar.settings.dev"
    import django

    django.setup()
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.test import Client
    from openpyxl import load_workbook

    settings.ALLOWED_HOSTS = ["*"]
    client = Client()
    client.force_login(get_user_model().objects.get(username=username))
    client.get("/supervision/problems/")  # warm: imports, templates, the framework names
    url = f"/supervision/exports/ledger.xlsx?unit={code}&status=all"

    def vm(key: str) -> int:
        with open("/proc/self/status", encoding="ascii") as fh:
            return next(int(x.split()[1]) for x in fh if x.startswith(key + ":"))

    def fetch(path: Path) -> float:
        started = time.perf_counter()
        response = client.get(url)
        with path.open("wb") as out:
            for chunk in response.streaming_content:
                out.write(chunk)
        return time.perf_counter() - started

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "ledger.xlsx"
        ref = reference()
        baseline = vm("VmRSS")
        seconds = fetch(path)
        peak = vm("VmHWM")
        tracemalloc.start()
        fetch(path)
        traced = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
        rows = sum(1 for _ in load_workbook(path, read_only=True).active.iter_rows(values_only=True)) - 2  # title, header
        size = path.stat().st_size
    print(json.dumps({"reference": ref, "seconds": seconds, "rows": rows, "bytes": size, "baseline_kb": baseline, "peak_kb": peak,
                      "maxrss_kb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, "traced": traced}))


def export(county, username: str, env: dict) -> None:
    out = subprocess.run([sys.executable, __file__, "--export-child", county.code, username], env=env,
                         capture_output=True, text=True, check=False)
    if out.returncode != 0:
        raise SystemExit(f"ledger export failed:\n{out.stderr[-3000:]}")
    r = json.loads(out.stdout.strip().splitlines()[-1])
    REF.insert(0, r["reference"])  # timed in the child, just before the export
    line(f"county ledger xlsx ({county.display_name}, {r['rows']:,} rows)", r["seconds"],
         f"  {r['rows'] / r['seconds']:,.0f} rows/s  {r['bytes'] / 1048576:.1f} MB  (reference in that process {r['reference']:.3f}s)")
    print(f"  {'  memory':<48} peak RSS {r['peak_kb'] / 1024:6.1f} MB over a baseline of {r['baseline_kb'] / 1024:.1f} MB "
          f"(+{(r['peak_kb'] - r['baseline_kb']) / 1024:.1f} MB); Python allocations peak {r['traced'] / 1048576:.1f} MB (tracemalloc)",
          flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--villages", type=int, default=52378)
    parser.add_argument("--problems", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=20, help="requests per list page (p95 and median printed)")
    parser.add_argument("--yes", action="store_true", help="allow flushing the database named by DATABASE_URL")
    parser.add_argument("--export-child", nargs=2, metavar=("CODE", "USER"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.export_child:
        return export_child(*args.export_child)
    if os.environ.get("DATABASE_URL") and not args.yes:
        raise SystemExit("DATABASE_URL 已设置：基准测试会迁移并清空（flush）该数据库的全部数据。确认请加 --yes。")
    with tempfile.TemporaryDirectory(prefix="fivestar-supervision-bench-") as tmp:
        directory = Path(tmp) / "divisions"
        generate(directory, args.villages)
        var = None if os.environ.get("DATABASE_URL") else str(Path(tmp) / "var")
        database = setup_django(var)
        os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        from django.conf import settings
        from django.contrib.auth import get_user_model
        from django.db.models import Count
        from django.test import Client
        from django.utils import timezone

        from fivestar.core.roles import Role
        from fivestar.orgs.divisions import apply_import, plan_import
        from fivestar.orgs.models import Level, OrgUnit
        from fivestar.people.models import RoleAssignment
        from fivestar.supervision.models import Problem
        from fivestar.supervision.services import rebuild_problem_stats, run_daily
        from supervision_data import people, problems

        settings.ALLOWED_HOSTS = ["*"]
        total = time.perf_counter()
        today = timezone.localdate()
        print(f"database: {database}; {os.cpu_count()} CPUs; {args.villages:,} villages; {args.problems:,} problems found "
              f"{today - datetime.timedelta(days=365)} … {today - datetime.timedelta(days=1)}")
        section("set-up (bulk, not product code)")
        timed("import hierarchy", lambda: apply_import(plan_import(directory)))
        towns: dict[int, list[int]] = {}
        for village, town in OrgUnit.objects.filter(level=Level.VILLAGE).order_by("code").values_list("pk", "parent_id"):
            towns.setdefault(town, []).append(village)
        ids = timed("towns' teams, 片区, accounts, duties", people, towns)
        villages = [(v, t) for t, vs in towns.items() for v in vs]
        counts = timed(f"{args.problems:,} problems and what they touched", problems, args.problems, ids, villages, rules(), today)
        print("  " + ", ".join(f"{n:,} {k}" for k, n in counts.items()), flush=True)
        timed("analyse (PostgreSQL statistics)", analyse)
        rows = timed("rebuild kept counts (rebuild-problem-stats)", rebuild_problem_stats)
        print(f"  {rows:,} kept-count rows", flush=True)

        section("daily job (supervision-daily)")
        for label in ("run_daily(today)", "run_daily(today) again: nothing to do"):
            started = time.perf_counter()
            result = run_daily(today)
            done = {k: v for k, v in result.items() if k != "date"}
            line(label, time.perf_counter() - started, "  " + ", ".join(f"{k} {v:,}" for k, v in done.items()))

        by_county = (Problem.objects.values("org_unit__parent__parent_id").annotate(n=Count("id")).order_by("-n").first())
        county = OrgUnit.objects.get(pk=by_county["org_unit__parent__parent_id"])
        by_town = (Problem.objects.filter(org_unit__parent__parent=county).values("org_unit__parent_id").annotate(n=Count("id"))
                   .order_by("-n").first())
        town = OrgUnit.objects.get(pk=by_town["org_unit__parent_id"])
        User = get_user_model()
        county_user = User.objects.create_user("bench-county", password=None)
        RoleAssignment.objects.create(user=county_user, role=Role.COUNTY_ADMIN, org_unit=county)
        town_user = User.objects.get(pk=ids["town_admin"][town.pk])
        section(f"problem lists ({town.display_name}: {by_town['n']:,} problems; {county.display_name}: {by_county['n']:,})")
        queries = []
        for user, label in ((town_user, "town administrator"), (county_user, "county administrator")):
            client = Client()
            client.force_login(user)
            queries.append(measure(client, f"{label}: open problems", "/supervision/problems/", args.repeat))
            queries.append(measure(client, f"{label}: all, page 20", "/supervision/problems/?status=all&page=20", args.repeat))
            queries.append(measure(client, f"{label}: overdue", "/supervision/problems/?overdue=1", args.repeat))
        print(f"  queries (open / all, page 20 / overdue): town {queries[:3]}, county {queries[3:]}; the same at any size "
              "(the overdue filter adds the count of its rows; an empty page skips the rows query)", flush=True)

        section("transitions (services)")
        transitions(town, ids)
        section("export (fresh process)")
        env = dict(os.environ, DJANGO_SETTINGS_MODULE="fivestar.settings.dev", **({"FIVESTAR_VAR_DIR": var} if var else {}))
        export(county, county_user.username, env)
        print(f"total {time.perf_counter() - total:.0f} s; reference workload (again) {reference():.3f}s; load average {load_average()}")


if __name__ == "__main__":
    main()
