"""Benchmark of a rating round at province scale.

Imports a Henan-sized hierarchy (52,378 branches by default), publishes the shipped 200-rule rural
framework, then times each step: opening an annual round (one assessment per branch), filling every
branch's results, approving and recognising it; then opening an interim round that carries every
branch's results and evidence forward, and recognising that. Also times saving one answer and the
town review list in a round of that size (both must not depend on the round's size).

A fixed reference workload (bench/reference.py) is timed at the start and the end of the same run and
every figure is also printed as a multiple of it, so a number from a busy machine compares as a ratio;
the load average is printed too. The line that matters for carry-forward is the interim / annual ratio.

    .venv/bin/python bench/round.py [--villages 52378]
    DATABASE_URL=postgresql://postgres@127.0.0.1:5432/fivestar_bench .venv/bin/python bench/round.py --yes

Without DATABASE_URL it uses a throwaway SQLite file; with it, it FLUSHES that database (hence --yes).
"""

from __future__ import annotations

import argparse
import datetime
import os
import random
import sys
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from import_divisions import generate, setup_django  # noqa: E402
from reference import load_average, reference  # noqa: E402

TIMES: list[tuple[str, float]] = []
CPU: dict[str, float] = {}
REF: list[float] = []


def database_cpu() -> float | None:
    """CPU seconds of this connection's PostgreSQL backend so far (psutil, same machine), else None."""
    from django.db import connection

    if connection.vendor != "postgresql":
        return None
    try:
        import psutil

        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_backend_pid()")
            t = psutil.Process(cursor.fetchone()[0]).cpu_times()
        return t.user + t.system
    except Exception:  # no psutil, or the server is elsewhere
        return None


@contextmanager
def step(label: str, rows: int | None = None):
    """Wall time, and the CPU time of this process plus its database backend: on a busy machine the wall
    time stretches with others' load, the CPU time much less."""
    db_before, cpu_before = database_cpu(), time.process_time()
    started = time.perf_counter()
    yield
    seconds = time.perf_counter() - started
    cpu, db_after = time.process_time() - cpu_before, database_cpu()
    db = db_after - db_before if db_before is not None and db_after is not None else None
    TIMES.append((label, seconds))
    CPU[label] = cpu + (db or 0)
    rate = f"  {rows / seconds:>9,.0f} rows/s" if rows else ""
    used = f"  CPU {cpu:7.2f}s" + (f" + database {db:6.2f}s" if db is not None else "")
    print(f"  {label:<44} {seconds:8.2f}s = {seconds / REF[0]:6.1f} × reference{rate}{used}", flush=True)


def framework():
    import yaml
    from django.utils import timezone

    from fivestar.standards.models import FrameworkVersion

    path = Path(__file__).resolve().parent.parent / "fivestar/standards/frameworks/puyang-2023-rural.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    return FrameworkVersion.objects.create(code=data["code"], name=data["name"], branch_type="rural", version=data["version"],
                                           data=data, status="published", published_at=timezone.now())


def make_round(admin, scope, fw, name, kind, previous=None):
    from fivestar.rating.services import create_round

    today = datetime.date.today()
    return create_round(admin, scope=scope, name=name, kind=kind, year=2023, period_start=today, period_end=today + datetime.timedelta(days=60),
                        rural_framework=fw, community_framework=None, self_deadline=today, town_deadline=today,
                        county_deadline=today, previous=previous)


def fill_all(rnd, fw, seed):
    """Give every branch a full set of answers (as if every village had filled its form).

    Written with one executemany per batch: this is set-up for the timed steps, not product code.
    """
    import json

    from django.db import connection, transaction

    from fivestar.rating.models import Assessment
    from fivestar.rating.services.evaluation import evaluate_assessment

    rng = random.Random(seed)
    compiled = fw.compiled()
    rules = list(compiled.rules_by_code.values())
    sql = ("UPDATE rating_assessment SET answers = %s, to_confirm = %s, status = %s, rating = %s, awarded = %s, "
           "star_scores = %s, progress_done = %s, progress_total = %s WHERE id = %s")
    rows, n = [], 0

    def flush():
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.executemany(sql, rows)

    for a in Assessment.objects.filter(round=rnd).select_related("round").iterator(chunk_size=2000):
        values = {}
        for rule in rules:
            value = rule.value_for_points(rule.best_points if rng.random() < 0.9 else 0)
            values[rule.code] = 0 if value is None else value
        a.answers = values
        evaluate_assessment(a, {}, framework=compiled)
        rows.append((json.dumps(values), "[]", "county_approved", a.rating, json.dumps(a.awarded), json.dumps(a.star_scores),
                     a.progress_done, a.progress_total, a.pk))
        if len(rows) == 2000:
            flush()
            n += len(rows)
            rows = []
    if rows:
        flush()
        n += len(rows)
    return n


def recognise_round(rnd, admin):
    from fivestar.rating.models import Assessment
    from fivestar.rating.services import recognise, start_notice

    Assessment.objects.filter(round=rnd).update(status="county_approved", to_confirm=[])
    rnd.refresh_from_db()
    rnd = start_notice(rnd, admin)
    return recognise(rnd, admin, today=rnd.notice_end + datetime.timedelta(days=1))


def one_save_and_town_list(rnd, admin):
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from fivestar.orgs.models import OrgUnit
    from fivestar.rating.models import Assessment
    from fivestar.rating.services import save_answers

    Assessment.objects.filter(round=rnd).update(status="in_progress")
    type(rnd).objects.filter(pk=rnd.pk).update(phase="open")
    a = Assessment.objects.filter(round=rnd).select_related("round", "org_unit", "framework").first()
    rule = next(iter(a.framework.compiled().rules_by_code.values()))
    started = time.perf_counter()
    for i in range(20):
        value = rule.value_for_points(rule.best_points if i % 2 else 0)
        a = save_answers(a, admin, "village", values={rule.code: value}, notes={rule.code: f"第{i}次"})
    seconds = (time.perf_counter() - started) / 20
    print(f"  {'save one answer (mean of 20)':<44} {seconds * 1000:8.1f}ms = {seconds / REF[0]:6.3f} × reference")
    town = OrgUnit.objects.get(pk=a.org_unit.parent_id)
    client = Client()
    client.force_login(admin)
    url = f"/rating/rounds/{rnd.pk}/towns/{town.code}/"
    client.get(url)
    with CaptureQueriesContext(connection) as ctx:
        started = time.perf_counter()
        response = client.get(url)
    if response.status_code == 200:
        seconds = time.perf_counter() - started
        print(f"  {'town review list (' + str(Assessment.objects.filter(round=rnd, org_unit__parent=town).count()) + ' villages)':<44} "
              f"{seconds * 1000:8.1f}ms = {seconds / REF[0]:6.3f} × reference  {len(ctx.captured_queries)} queries")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--villages", type=int, default=52378)
    parser.add_argument("--yes", action="store_true", help="allow flushing the database named by DATABASE_URL")
    parser.add_argument("--openings-only", action="store_true", help="stop after the interim round's opening")
    args = parser.parse_args()
    if os.environ.get("DATABASE_URL") and not args.yes:
        raise SystemExit("DATABASE_URL 已设置：基准测试会迁移并清空（flush）该数据库的全部数据。确认请加 --yes。")
    with tempfile.TemporaryDirectory(prefix="fivestar-round-bench-") as tmp:
        directory = Path(tmp) / "divisions"
        generate(directory, args.villages)
        database = setup_django(None if os.environ.get("DATABASE_URL") else str(Path(tmp) / "var"))
        os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        from django.conf import settings
        from django.contrib.auth import get_user_model

        from fivestar.orgs.divisions import apply_import, plan_import
        from fivestar.orgs.models import OrgUnit
        from fivestar.rating.services import populate_round

        settings.ALLOWED_HOSTS = ["*"]
        REF.append(reference())
        print(f"database: {database}; {os.cpu_count()} CPUs; {args.villages:,} branches; 200-rule framework")
        print(f"reference workload {REF[0]:.3f}s; load average {load_average()}", flush=True)
        with step("import hierarchy", args.villages):
            apply_import(plan_import(directory))
        admin = get_user_model().objects.create_superuser("bench", password="bench-password-1")
        province = OrgUnit.objects.get(code="41")
        fw = framework()
        annual = make_round(admin, province, fw, "2023年度评星", "annual")
        with step("open annual round (create assessments)", args.villages):
            populate_round(annual.pk)
        with step("fill every branch's 200 answers", args.villages):
            fill_all(annual, fw, seed=1)
        with step("notice + recognise annual round", args.villages):
            recognise_round(annual, admin)
        interim = make_round(admin, province, fw, "2024年第一次动态评星", "interim", previous=annual)
        with step("open interim round (carry forward)", args.villages):
            populate_round(interim.pk)
        opened, annual_label, interim_label = dict(TIMES), "open annual round (create assessments)", "open interim round (carry forward)"
        print(f"  {'interim / annual opening':<44} {opened[interim_label] / opened[annual_label]:8.2f}× wall time, "
              f"{CPU[interim_label] / CPU[annual_label]:.2f}× CPU (this process and its database backend)", flush=True)
        if args.openings_only:
            return
        with step("fill again (some stars lost)", args.villages):
            fill_all(interim, fw, seed=2)
        with step("notice + recognise interim round", args.villages):
            recognise_round(interim, admin)
        one_save_and_town_list(interim, admin)
        total = sum(s for _, s in TIMES)
        print(f"  {'total':<44} {total:8.2f}s = {total / REF[0]:6.1f} × reference")
        print(f"reference workload (again) {reference():.3f}s; load average {load_average()}")


if __name__ == "__main__":
    main()
