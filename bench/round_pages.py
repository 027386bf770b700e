"""Benchmark of the round pages at province scale (52,378 branches in 2,450 towns by default).

Imports a Henan-sized hierarchy, opens a province-wide round (one assessment per branch), spreads the branches
over every status and rating, then measures the pages leaders open — the province's round page, a city's and
the largest county's drill-down page, a search, the round list, the province home and the rating API's progress —
and, once the round is in its public notice, the notice pages (province, city, county, town). For each: the
bytes sent (plain, and gzip as a browser asks), the median time of several requests through Django's test
client (the whole request: middleware, views, queries, templates, compression) and the number of queries.
Also times the kept figures' upkeep: one transition's refresh of its town and every row above it, and a rebuild
of every level (`fivestar rebuild-round-stats`).

A fixed reference workload (bench/reference.py) is timed at the start and the end of the same run and every
time is also printed as a multiple of it, so numbers from busy and quiet machines compare as ratios.

    .venv/bin/python bench/round_pages.py [--villages 52378] [--repeat 7]
    DATABASE_URL=postgresql://user:pass@127.0.0.1:5432/fivestar_bench .venv/bin/python bench/round_pages.py --yes

Without DATABASE_URL it uses a throwaway SQLite file; with it, it FLUSHES that database (hence --yes).
Before the drill-down (issue 9), the province round page was 2.86 MB and ~0.9 s of CPU, the notice 1.36 MB.
"""

from __future__ import annotations

import argparse
import datetime
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from import_divisions import generate, setup_django  # noqa: E402
from reference import load_average, reference  # noqa: E402

REF: list[float] = []
STATUSES = ["not_started", "in_progress", "submitted", "returned", "town_approved", "county_approved", "expired"]


def seconds_line(label: str, seconds: float, extra: str = "") -> None:
    print(f"  {label:<46} {seconds * 1000:9.1f} ms = {seconds / REF[0]:6.3f} × reference{extra}", flush=True)


def measure(client, label: str, url: str, repeat: int, **headers) -> None:
    import gzip

    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    plain = client.get(url, **headers)
    if plain.status_code != 200:
        raise SystemExit(f"{url}: HTTP {plain.status_code}")
    packed = client.get(url, HTTP_ACCEPT_ENCODING="gzip, deflate, br", **headers)
    gz = len(packed.content) if packed.get("Content-Encoding") == "gzip" else len(gzip.compress(plain.content))
    times = []
    for _ in range(repeat):
        with CaptureQueriesContext(connection) as ctx:
            started = time.perf_counter()
            client.get(url, HTTP_ACCEPT_ENCODING="gzip", **headers)
            times.append(time.perf_counter() - started)
    size = f"  {len(plain.content) / 1024:8.1f} KB ({gz / 1024:6.1f} KB gzip)  {len(ctx.captured_queries):3d} queries"
    seconds_line(label, statistics.median(times), size)


def spread(rnd) -> None:
    """Every status and rating across the branches (set-up, one UPDATE, not product code)."""
    from django.db import connection, transaction

    cases = " ".join(f"WHEN {i} THEN '{s}'" for i, s in enumerate(STATUSES))
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"UPDATE rating_assessment SET status = CASE (id %% {len(STATUSES)}) {cases} END, rating = id %% 6 WHERE round_id = %s",
                       [rnd.pk])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--villages", type=int, default=52378)
    parser.add_argument("--repeat", type=int, default=7, help="requests per page (the median is printed)")
    parser.add_argument("--yes", action="store_true", help="allow flushing the database named by DATABASE_URL")
    args = parser.parse_args()
    if os.environ.get("DATABASE_URL") and not args.yes:
        raise SystemExit("DATABASE_URL 已设置：基准测试会迁移并清空（flush）该数据库的全部数据。确认请加 --yes。")
    with tempfile.TemporaryDirectory(prefix="fivestar-round-pages-bench-") as tmp:
        directory = Path(tmp) / "divisions"
        generate(directory, args.villages)
        database = setup_django(None if os.environ.get("DATABASE_URL") else str(Path(tmp) / "var"))
        os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        from django.conf import settings
        from django.contrib.auth import get_user_model
        from django.db import connection, transaction
        from django.db.models import Count
        from django.test import Client
        from django.test.utils import CaptureQueriesContext

        from fivestar.api.models import ApiToken
        from fivestar.orgs.divisions import apply_import, plan_import
        from fivestar.orgs.models import Level, OrgUnit
        from fivestar.rating.models import Assessment, Round, RoundUnitStats
        from fivestar.rating.services import populate_round, start_notice
        from fivestar.rating.stats import rebuild_round, refresh_towns
        from round import framework, make_round

        settings.ALLOWED_HOSTS = ["*"]
        REF.append(reference())
        print(f"database: {database}; {os.cpu_count()} CPUs; {args.villages:,} branches; median of {args.repeat} requests per page")
        print(f"reference workload {REF[0]:.3f}s; load average {load_average()}", flush=True)

        started = time.perf_counter()
        apply_import(plan_import(directory))
        admin = get_user_model().objects.create_superuser("bench", password="bench-password-1")
        province = OrgUnit.objects.get(code="41")
        rnd = make_round(admin, province, framework(), "2024年度评星", "annual")
        populate_round(rnd.pk)
        spread(rnd)
        print(f"  set-up (import, open the round, spread statuses)  {time.perf_counter() - started:8.1f} s", flush=True)

        started = time.perf_counter()
        rows = rebuild_round(rnd.pk)
        seconds_line(f"rebuild every level ({rows:,} rows)", time.perf_counter() - started)

        # One transition's upkeep: its town's row and every row above it (the status moves each time).
        town_id = Assessment.objects.filter(round=rnd).values_list("town_id", flat=True).first()
        one = Assessment.objects.filter(round=rnd, town_id=town_id).first()
        times, queries = [], 0
        for i in range(20):
            Assessment.objects.filter(pk=one.pk).update(status=STATUSES[i % 3 + 1])
            with transaction.atomic(), CaptureQueriesContext(connection) as ctx:
                t0 = time.perf_counter()
                refresh_towns(rnd.pk, [town_id])
                times.append(time.perf_counter() - t0)
            queries = len(ctx.captured_queries)
        seconds_line("one transition's figures (town → province)", statistics.mean(times), f"  {queries} queries")

        top_towns = Assessment.objects.filter(round=rnd).values("town_id").annotate(n=Count("id")).order_by("-n")
        biggest_county = (RoundUnitStats.objects.filter(round=rnd, level=Level.COUNTY).select_related("unit").order_by("-total").first().unit)
        city = biggest_county.parent
        town = OrgUnit.objects.get(pk=top_towns.first()["town_id"])
        towns_in_county = RoundUnitStats.objects.filter(round=rnd, parent=biggest_county).count()
        client = Client()
        client.force_login(admin)
        print(f"pages of the open round ({RoundUnitStats.objects.filter(round=rnd, level=Level.TOWN).count():,} towns; "
              f"{biggest_county.display_name}: {towns_in_county} towns)", flush=True)
        measure(client, "province round page", f"/rating/rounds/{rnd.pk}/", args.repeat)
        measure(client, f"city page ({city.display_name})", f"/rating/rounds/{rnd.pk}/units/{city.code}/", args.repeat)
        measure(client, f"county page ({biggest_county.display_name})", f"/rating/rounds/{rnd.pk}/units/{biggest_county.code}/", args.repeat)
        measure(client, f"search «{town.display_name[:2]}» province-wide", f"/rating/rounds/{rnd.pk}/?q={town.display_name[:2]}", args.repeat)
        measure(client, f"town review list ({town.display_name})", f"/rating/rounds/{rnd.pk}/towns/{town.code}/", args.repeat)
        measure(client, "round list", "/rating/", args.repeat)
        measure(client, "province home", "/", args.repeat)
        token = ApiToken.issue(admin, label="bench")
        measure(Client(), "API progress", f"/api/v1/rounds/{rnd.pk}/progress", args.repeat, HTTP_AUTHORIZATION=f"Bearer {token}")

        Assessment.objects.filter(round=rnd).update(status="county_approved")
        rebuild_round(rnd.pk)
        rnd = start_notice(Round.objects.get(pk=rnd.pk), admin, today=datetime.date.today())
        public = Client()
        base = f"/public/{rnd.public_token}/"
        print("public notice pages (no login)", flush=True)
        measure(public, "notice: province", base, args.repeat)
        measure(public, f"notice: city ({city.display_name})", f"{base}units/{city.code}/", args.repeat)
        measure(public, f"notice: county ({biggest_county.display_name})", f"{base}units/{biggest_county.code}/", args.repeat)
        measure(public, f"notice: town ({town.display_name})", f"{base}towns/{town.code}/", args.repeat)
        print(f"reference workload (again) {reference():.3f}s; load average {load_average()}")


if __name__ == "__main__":
    main()
