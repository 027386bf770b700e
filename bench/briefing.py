"""Benchmark of a county's meeting briefing (会议简报): one county of about 500 villages (20 towns) with a year of
live data written in bulk (set-up, not product code): supervision problems (some new since the last meeting, some
closed, some overdue), ledger tasks in every state (some overdue or due this week), star holdings gained and lost
since the last meeting, this month's commitments for most villages, targets for every village; the county's dispatch
series with last week's meeting and its decisions (through the services, so they are ledger tasks). Then it times
the briefing of this week's meeting — the figures (`collect`), the Word file, the PDF (WeasyPrint in its bounded
child process), and the whole background job (`generate`) as the worker runs it — with the number of queries of the
figures (fixed whatever the number of villages), each beside the fixed reference workload (bench/reference.py).

    .venv/bin/python bench/briefing.py [--villages 500] [--repeat 3]

Uses a throwaway SQLite file unless DATABASE_URL is set (then it FLUSHES that database: add --yes).
"""

from __future__ import annotations

import argparse
import datetime
import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
sys.path.insert(0, str(HERE))

from import_divisions import setup_django, write_divisions  # noqa: E402
from reference import load_average, reference  # noqa: E402

D = datetime.timedelta


def line(label: str, seconds: float, ref: float, extra: str = "") -> None:
    print(f"  {label:<44} {seconds * 1000:10.1f} ms = {seconds / ref:7.3f} × reference{extra}", flush=True)


def data(villages: list[int], secretaries: dict[int, int], year: int, today: datetime.date, stars: list[tuple[str, str]]) -> dict:
    from django.utils import timezone

    from fivestar.planning.models import Commitment, LedgerTask, VillageTarget
    from fivestar.rating.models import StarHolding
    from fivestar.supervision.models import Problem

    rng = random.Random(7)
    now = timezone.now()
    problems, tasks, holdings, commitments, targets = [], [], [], [], []
    statuses = ["done"] * 11 + ["doing"] * 3 + ["todo"] * 5 + ["cancelled"]
    codes = [s for s, _ in stars]
    for i, v in enumerate(villages):
        for k in range(12):
            found = today - D(days=rng.randint(0, 200))
            deadline = found + D(days=15)
            status = rng.choice(["pending", "rectifying", "checking", "closed", "closed"])
            problems.append(Problem(org_unit_id=v, description=f"问题{k}", star_code=rng.choice(codes), deadline=deadline, found_on=found,
                                    status=status, overdue=status != "closed" and deadline < today,
                                    closed_at=now - D(days=rng.randint(0, 100)) if status == "closed" else None))
        for k in range(20):
            deadline = today + D(days=rng.randint(-150, 120))
            status = statuses[(i + k) % len(statuses)]
            tasks.append(LedgerTask(org_unit_id=v, year=year, star_code=rng.choice(codes), title=f"创建任务{k}", deadline=deadline,
                                    status=status, overdue=status in ("todo", "doing") and deadline < today,
                                    completed_on=min(deadline, today) if status == "done" else None, responsible_id=secretaries.get(v)))
        for n, (code, name) in enumerate(stars[: 1 + i % 4]):
            gained = now - D(days=rng.randint(0, 300))
            lost = now - D(days=rng.randint(0, 10)) if (i + n) % 17 == 0 else None
            holdings.append(StarHolding(org_unit_id=v, star_code=code, star_name=name, gained_at=gained, lost_at=lost))
        if i % 5 and v in secretaries:
            commitments.append(Commitment(org_unit_id=v, month=today.replace(day=1), person_id=secretaries[v], content="本月承诺事项"))
        rating = 2 + i % 4
        targets.append(VillageTarget(year=year, org_unit_id=v, category="improve", target_rating=rating, target_stars=codes[:rating]))
    for model, rows in ((Problem, problems), (LedgerTask, tasks), (StarHolding, holdings), (Commitment, commitments), (VillageTarget, targets)):
        model.objects.bulk_create(rows, batch_size=2000)
    return {"problems": len(problems), "tasks": len(tasks), "holdings": len(holdings), "commitments": len(commitments)}


def county_csv(directory: Path, villages: int, towns: int) -> None:
    """One county (濮阳县's code) of `towns` towns sharing `villages` villages, in the official CSV layout."""

    rows = {"provinces": [("41", "河南省")], "cities": [("4109", "濮阳市", "41")], "areas": [("410928", "濮阳县", "4109", "41")],
            "streets": [], "villages": []}
    for t in range(towns):
        town = f"410928{100 + t:03d}"
        rows["streets"].append((town, f"第{t + 1}镇", "410928", "41", "4109"))
        for k in range(villages // towns + (1 if t < villages % towns else 0)):
            rows["villages"].append((f"{town}{200 + k:03d}", f"第{t + 1}镇{k + 1}村村委会", town, "41", "4109", "410928"))
    write_divisions(directory, rows)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--villages", type=int, default=500)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--yes", action="store_true", help="allow flushing the database named by DATABASE_URL")
    args = parser.parse_args()
    if os.environ.get("DATABASE_URL") and not args.yes:
        raise SystemExit("DATABASE_URL 已设置：基准测试会迁移并清空（flush）该数据库的全部数据。确认请加 --yes。")
    with tempfile.TemporaryDirectory(prefix="fivestar-briefing-bench-") as tmp:
        directory = Path(tmp) / "divisions"
        county_csv(directory, args.villages, max(1, args.villages // 25))
        var = None if os.environ.get("DATABASE_URL") else str(Path(tmp) / "var")
        database = setup_django(var)
        from django.conf import settings
        from django.contrib.auth import get_user_model
        from django.db import connection
        from django.test.utils import CaptureQueriesContext
        from django.utils import timezone

        from fivestar.core.roles import Role
        from fivestar.meetings.models import Briefing, MeetingKind
        from fivestar.meetings.services import add_decision, create_meeting, save_series
        from fivestar.meetings.services.briefing_data import collect
        from fivestar.meetings.services.briefing_job import generate as run_briefing
        from fivestar.meetings.services.briefing_render import to_docx, to_pdf
        from fivestar.orgs.divisions import apply_import, plan_import
        from fivestar.orgs.models import Level, OrgUnit
        from fivestar.people.models import Person, RoleAssignment
        from fivestar.planning.services import rebuild_ledger_stats
        from fivestar.supervision.services import rebuild_problem_stats
        from round import framework
        from supervision_data import people

        settings.MEDIA_ROOT = str(Path(tmp) / "media")
        today = timezone.localdate()
        ref = reference()
        print(f"database: {database}; {os.cpu_count()} CPUs; reference workload {ref:.3f}s; load average {load_average()}", flush=True)
        t0 = time.perf_counter()
        apply_import(plan_import(directory))
        towns: dict[int, list[int]] = {}
        for village, town in OrgUnit.objects.filter(level=Level.VILLAGE).order_by("code").values_list("pk", "parent_id"):
            towns.setdefault(town, []).append(village)
        ids = people(towns)
        compiled = framework().compiled()
        stars = [(s.code, s.name) for s in compiled.stars]
        villages = [v for vs in towns.values() for v in vs]
        counts = data(villages, ids["secretary"], today.year, today, stars)
        rebuild_ledger_stats()
        rebuild_problem_stats()
        county = OrgUnit.objects.get(level=Level.COUNTY)
        User = get_user_model()
        admin = User.objects.create_user("bench-county", password=None)
        RoleAssignment.objects.create(user=admin, role=Role.COUNTY_ADMIN, org_unit=county)
        staff = Person.objects.create(org_unit=county, name="县创建办", gender="M", position="county_cadre")
        series = save_series(admin, unit=county, kind=MeetingKind.DISPATCH, attendees=[staff])
        last = create_meeting(admin, series=series, date=today - D(days=7))
        star = stars[0][0]
        for v in villages[:10]:
            add_decision(admin, last, text_value=f"落实事项{v}", owner=staff, deadline=today + D(days=7),
                         village=OrgUnit.objects.get(pk=v), star_code=star)
        meeting = create_meeting(admin, series=series, date=today)
        print(f"set-up {time.perf_counter() - t0:.1f} s: {len(villages):,} villages in {len(towns)} towns, "
              + ", ".join(f"{n:,} {k}" for k, n in counts.items()), flush=True)

        ref = reference()
        print(f"briefing of {county.display_name} (reference workload now {ref:.3f}s; load average {load_average()})", flush=True)
        times = {"figures": [], "word": [], "pdf": [], "whole job": []}
        for _ in range(args.repeat):
            with CaptureQueriesContext(connection) as queries:
                started = time.perf_counter()
                figures = collect(meeting)
                times["figures"].append(time.perf_counter() - started)
            started = time.perf_counter()
            word = to_docx(figures)
            times["word"].append(time.perf_counter() - started)
            started = time.perf_counter()
            pdf = to_pdf(figures)
            times["pdf"].append(time.perf_counter() - started)
            Briefing.objects.filter(meeting=meeting).delete()
            briefing = Briefing.objects.create(meeting=meeting, status=Briefing.Status.RUNNING, heartbeat_at=timezone.now())
            started = time.perf_counter()
            run_briefing(briefing)
            times["whole job"].append(time.perf_counter() - started)
        for label, values in times.items():
            extra = f"  ({len(queries)} queries)" if label == "figures" else ""
            extra += f"  ({len(word) / 1024:.0f} KB)" if label == "word" else ""
            extra += f"  ({len(pdf) / 1024:.0f} KB)" if label == "pdf" else ""
            line(f"{label} (median of {len(values)})", statistics.median(values), ref, extra)
        monthly = create_meeting(admin, series=save_series(admin, unit=county, kind=MeetingKind.MONTHLY), date=today)
        with CaptureQueriesContext(connection) as month_queries:
            started = time.perf_counter()
            month_figures = collect(monthly)
            line("monthly summary: figures with shortfalls", time.perf_counter() - started, ref, f"  ({len(month_queries)} queries)")
        briefing = Briefing.objects.create(meeting=monthly, status=Briefing.Status.RUNNING, heartbeat_at=timezone.now())
        started = time.perf_counter()
        run_briefing(briefing)
        month_whole = time.perf_counter() - started
        line("monthly summary: whole job", month_whole, ref, f"  ({month_figures['shortfalls']['short']:,} villages short of target)")
        whole = max(statistics.median(times["whole job"]), month_whole)
        p = figures["problems"]
        print(f"  figures: {p['new']:,} new problems, {p['closed']:,} closed, {p['overdue']:,} overdue; "
              f"{figures['ledger']['overdue']:,} overdue tasks; {len(figures['decisions'])} decisions; "
              f"{figures['stars']['up_count']} villages up, {figures['stars']['down_count']} down", flush=True)
        print(f"slowest whole briefing {whole:.2f} s (target < 10 s: {'met' if whole < 10 else 'NOT met'}); "
              f"reference workload (again) {reference():.3f}s; load average {load_average()}", flush=True)


if __name__ == "__main__":
    main()
