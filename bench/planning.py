"""Benchmark of the creation ledger (创建台账) at province scale: 52,378 villages and 1,000,000 tasks by default.

Imports a Henan-sized hierarchy, gives every town an administrator, a 片区 with its leader and 包村干部 and every
village a secretary with an account (bench/supervision_data.py's `people`), then writes in bulk (set-up, not
product code) every village's target for this year and its ledger tasks: deadlines over the year, most done,
some under way, the rest not started (those past their deadline overdue), a few cancelled; gap tasks name a rule
of the shipped framework. The kept counts are rebuilt (`rebuild-ledger-stats`). Then it times what must not grow:

- the ledger page (/planning/ledger/) for a town administrator and a county administrator: open tasks, all tasks
  page 20, overdue only — p95 and median of `--repeat` requests through Django's test client, with the number of
  queries (the same for a town and a county, whatever the number of tasks);
- the county's ledger export (创建台账 xlsx) as the page streams it, in a fresh process: time, rows, memory (peak
  RSS over the process's baseline, and tracemalloc's peak of Python allocations in a second run).

Every time is printed beside the fixed reference workload (bench/reference.py) timed just before its section.

    .venv/bin/python bench/planning.py [--villages 52378] [--tasks 1000000] [--repeat 20]
    DATABASE_URL=postgresql://postgres@127.0.0.1:5432/fivestar_bench .venv/bin/python bench/planning.py --yes

Without DATABASE_URL it uses a throwaway SQLite file; with it, it FLUSHES that database (hence --yes). Not written:
task events, targets' history rows and evidence (the pages and the export measured here do not read them).
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
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
from report import REF, line, measure, rules, section, timed  # noqa: E402

TITLES = ["完善党群服务中心便民服务功能", "发展村集体经济合作社项目", "开展人居环境集中整治", "建立矛盾纠纷排查台账",
          "修订村规民约并公示", "规范三会一课会议记录", "推进土地流转签约", "组织文明家庭评选"]
# Of every 20 tasks: 11 done, 3 under way, 5 not started, 1 cancelled.
STATUSES = ["done"] * 11 + ["doing"] * 3 + ["todo"] * 5 + ["cancelled"]


def targets(villages: list[int], year: int, stars: list[str], admin_of: dict[int, int], town_of: dict[int, int]) -> int:
    from django.utils import timezone

    from supervision_data import insert

    now = timezone.now()
    categories = ["lead"] + ["sprint"] * 3 + ["improve"] * 9 + ["base"]

    def rows():
        for i, v in enumerate(villages):
            category = categories[i % len(categories)]
            rating = {"lead": 5, "sprint": 4, "improve": 3, "base": 2}[category]
            chosen = stars if rating == 5 else stars[1:][:rating]
            yield (year, v, category, rating, json.dumps(chosen), "", admin_of[town_of[v]], now)

    return insert("planning_villagetarget", ["year", "org_unit_id", "category", "target_rating", "target_stars", "note",
                                             "updated_by_id", "updated_at"], rows())


def tasks(n: int, villages: list[int], year: int, rule_list: list[tuple[str, str]], ids: dict, admin_of: dict[int, int],
          town_of: dict[int, int], today: datetime.date) -> dict:
    from django.utils import timezone

    from fivestar.planning.models import LedgerTask
    from supervision_data import insert, next_id, reset_sequence

    now = timezone.now()
    first = datetime.date(year, 1, 1)
    span = (datetime.date(year, 12, 31) - first).days
    start = next_id(LedgerTask)
    counts = {"tasks": 0, "overdue": 0}
    per = max(1, n // len(villages))
    extra = n - per * len(villages)

    def rows():
        task_id = start
        for vi, v in enumerate(villages):
            owner = ids["secretary"][v]
            creator = admin_of[town_of[v]]
            for k in range(per + (1 if vi < extra else 0)):
                status = STATUSES[(vi + k) % len(STATUSES)]
                deadline = first + datetime.timedelta(days=(vi * 7 + k * 17) % (span + 1))
                gap = k < len(rule_list)
                star, rule = rule_list[k % len(rule_list)]
                completed = min(deadline, today) if status == "done" else None
                overdue = status in ("todo", "doing") and deadline < today
                counts["overdue"] += overdue
                yield (task_id, v, year, star, rule if gap else "", f"{TITLES[(vi + k) % len(TITLES)]}（{k + 1}）",
                       "", owner, deadline, status, overdue, completed, "gap" if gap else "manual", "", creator, now, now, 1)
                task_id += 1

    counts["tasks"] = insert("planning_ledgertask", ["id", "org_unit_id", "year", "star_code", "rule_code", "title", "description",
                                                     "responsible_id", "deadline", "status", "overdue", "completed_on", "source",
                                                     "source_ref", "created_by_id", "created_at", "updated_at", "version"], rows())
    reset_sequence(LedgerTask)
    return counts


def analyse() -> None:
    from django.db import connection

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")


def export_child(code: str, username: str, year: str) -> None:
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
    client.get("/planning/ledger/")  # warm: imports, templates, the framework names
    url = f"/planning/ledger/export.xlsx?unit={code}&status=all&year={year}"

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
        rows = sum(1 for _ in load_workbook(path, read_only=True).active.iter_rows(values_only=True)) - 2
        size = path.stat().st_size
    print(json.dumps({"reference": ref, "seconds": seconds, "rows": rows, "bytes": size, "baseline_kb": baseline, "peak_kb": peak,
                      "maxrss_kb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, "traced": traced}))


def export(county, username: str, year: int, env: dict) -> None:
    out = subprocess.run([sys.executable, __file__, "--export-child", county.code, username, str(year)], env=env,
                         capture_output=True, text=True, check=False)
    if out.returncode != 0:
        raise SystemExit(f"ledger export failed:\n{out.stderr[-3000:]}")
    r = json.loads(out.stdout.strip().splitlines()[-1])
    REF.insert(0, r["reference"])
    line(f"county ledger xlsx ({county.display_name}, {r['rows']:,} rows)", r["seconds"],
         f"  {r['rows'] / r['seconds']:,.0f} rows/s  {r['bytes'] / 1048576:.1f} MB  (reference in that process {r['reference']:.3f}s)")
    print(f"  {'  memory':<48} peak RSS {r['peak_kb'] / 1024:6.1f} MB over a baseline of {r['baseline_kb'] / 1024:.1f} MB "
          f"(+{(r['peak_kb'] - r['baseline_kb']) / 1024:.1f} MB); Python allocations peak {r['traced'] / 1048576:.1f} MB (tracemalloc)",
          flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--villages", type=int, default=52378)
    parser.add_argument("--tasks", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=20, help="requests per ledger page (p95 and median printed)")
    parser.add_argument("--yes", action="store_true", help="allow flushing the database named by DATABASE_URL")
    parser.add_argument("--export-child", nargs=3, metavar=("CODE", "USER", "YEAR"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.export_child:
        return export_child(*args.export_child)
    if os.environ.get("DATABASE_URL") and not args.yes:
        raise SystemExit("DATABASE_URL 已设置：基准测试会迁移并清空（flush）该数据库的全部数据。确认请加 --yes。")
    with tempfile.TemporaryDirectory(prefix="fivestar-planning-bench-") as tmp:
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
        from fivestar.planning.models import LedgerTask
        from fivestar.planning.services import rebuild_ledger_stats
        from supervision_data import people

        settings.ALLOWED_HOSTS = ["*"]
        total = time.perf_counter()
        today = timezone.localdate()
        year = today.year
        print(f"database: {database}; {os.cpu_count()} CPUs; {args.villages:,} villages; {args.tasks:,} ledger tasks of {year}")
        section("set-up (bulk, not product code)")
        timed("import hierarchy", lambda: apply_import(plan_import(directory)))
        towns: dict[int, list[int]] = {}
        for village, town in OrgUnit.objects.filter(level=Level.VILLAGE).order_by("code").values_list("pk", "parent_id"):
            towns.setdefault(town, []).append(village)
        ids = timed("towns' administrators, 片区, accounts, duties", people, towns)
        villages = [v for vs in towns.values() for v in vs]
        town_of = {v: t for t, vs in towns.items() for v in vs}
        rule_list = rules()
        stars = list(dict.fromkeys(s for s, _ in rule_list))
        n = timed("targets", targets, villages, year, stars, ids["town_admin"], town_of)
        print(f"  {n:,} village targets", flush=True)
        counts = timed(f"{args.tasks:,} ledger tasks", tasks, args.tasks, villages, year, rule_list, ids, ids["town_admin"], town_of, today)
        print("  " + ", ".join(f"{v:,} {k}" for k, v in counts.items()), flush=True)
        timed("analyse (PostgreSQL statistics)", analyse)
        rows = timed("rebuild kept counts (rebuild-ledger-stats)", rebuild_ledger_stats)
        print(f"  {rows:,} kept-count rows", flush=True)

        by_county = (LedgerTask.objects.values("org_unit__parent__parent_id").annotate(n=Count("id")).order_by("-n").first())
        county = OrgUnit.objects.get(pk=by_county["org_unit__parent__parent_id"])
        by_town = (LedgerTask.objects.filter(org_unit__parent__parent=county).values("org_unit__parent_id").annotate(n=Count("id"))
                   .order_by("-n").first())
        town = OrgUnit.objects.get(pk=by_town["org_unit__parent_id"])
        User = get_user_model()
        county_user = User.objects.create_user("bench-county", password=None)
        RoleAssignment.objects.create(user=county_user, role=Role.COUNTY_ADMIN, org_unit=county)
        town_user = User.objects.get(pk=ids["town_admin"][town.pk])
        section(f"ledger pages ({town.display_name}: {by_town['n']:,} tasks; {county.display_name}: {by_county['n']:,})")
        queries = []
        for user, label in ((town_user, "town administrator"), (county_user, "county administrator")):
            client = Client()
            client.force_login(user)
            queries.append(measure(client, f"{label}: open tasks", f"/planning/ledger/?year={year}", args.repeat))
            queries.append(measure(client, f"{label}: all, page 20", f"/planning/ledger/?year={year}&status=all&page=20", args.repeat))
            queries.append(measure(client, f"{label}: overdue", f"/planning/ledger/?year={year}&overdue=on", args.repeat))
        print(f"  queries (open / all, page 20 / overdue): town {queries[:3]}, county {queries[3:]}", flush=True)

        section("export (fresh process)")
        env = dict(os.environ, DJANGO_SETTINGS_MODULE="fivestar.settings.dev", **({"FIVESTAR_VAR_DIR": var} if var else {}))
        export(county, county_user.username, year, env)
        print(f"total {time.perf_counter() - total:.0f} s; reference workload (again) {reference():.3f}s; load average {load_average()}")


if __name__ == "__main__":
    main()
