"""Benchmark of the boards (挂图作战) at province scale, against a running `fivestar serve` on PostgreSQL.

Builds a province (52,378 branches in 2,450 towns by default; the 210-rule framework; three province-wide rounds
opened and marked recognised with their kept figures; stars held and some withdrawn this year; a target for every
village; ~2 supervision problems and ~2 ledger tasks per village, some overdue; a published red/black flag round per
town this month; the last round's results with changes), then:

- times `fivestar rebuild-board-stats` (every level from the villages) and one dirty town's refresh (town → province);
- starts `fivestar serve` (production settings, as behind a TLS proxy) and, logged in through the login form, measures
  p50/p95 of the town, county, city and province boards (sequential requests), and their throughput with
  `--concurrency` clients for `--seconds` each, as a ratio to a trivial logged-in page (我的账号) on the same server;
- prints the reference workload (bench/reference.py) at the start and the end, and the load average.

    .venv/bin/python bench/boards.py [--villages 52378] [--requests 40] [--seconds 15] [--concurrency 4] [--reuse]

The database is postgresql://postgres@127.0.0.1:5432/fivestar_boards_bench (created if missing, flushed each run;
another with DATABASE_URL and --yes). Targets on this 2-core machine: p95 under 300 ms for every board; throughput at
least a third of the trivial page's. The bulk set-up writes rows directly (COPY): it is set-up, not product code.
"""

from __future__ import annotations

import argparse
import datetime
import http.client
import json
import os
import random
import re
import statistics
import sys
import tempfile
import threading
import time
import urllib.parse
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from deadline_day import ensure_database, free_port, stop_server, wait_ready  # noqa: E402
from import_divisions import generate  # noqa: E402
from reference import load_average, reference  # noqa: E402
from report import p95  # noqa: E402

DEFAULT_URL = "postgresql://postgres@127.0.0.1:5432/fivestar_boards_bench"
PASSWORD = "bench-password-1"
STARS = ["zbgy", "cyxw", "stjy", "paf", "wmxf"]


def setup_django(url: str) -> None:
    os.environ["DATABASE_URL"] = url
    os.environ["DJANGO_SETTINGS_MODULE"] = "fivestar.settings.dev"
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", interactive=False, verbosity=0)


def timed(label: str, ref: float, fn, *args, **kwargs):
    started = time.perf_counter()
    out = fn(*args, **kwargs)
    s = time.perf_counter() - started
    print(f"  {label:<52} {s:8.2f} s = {s / ref:7.1f} × reference", flush=True)
    return out


def build(villages: int, ref: float) -> dict:
    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.db import connection
    from django.utils import timezone

    from fivestar.core.roles import Role
    from fivestar.orgs.divisions import apply_import, plan_import
    from fivestar.orgs.models import Level, OrgUnit
    from fivestar.people.models import RoleAssignment
    from fivestar.rating.models import Round
    from fivestar.rating.services import populate_round
    from fivestar.rating.stats import rebuild_round
    from round import framework, make_round  # bench/round.py
    from supervision_data import insert

    call_command("flush", interactive=False, verbosity=0)
    scale = villages / 52378
    counties, towns = max(17, round(158 * scale)), max(17, round(2450 * scale))
    with tempfile.TemporaryDirectory(prefix="fivestar-boards-divisions-") as tmp:
        generate(Path(tmp), villages, counties=counties, towns=towns)
        timed(f"import hierarchy ({villages:,} branches, {towns:,} towns)", ref, lambda: apply_import(plan_import(Path(tmp))))
    User = get_user_model()
    admin = User.objects.create_superuser("bench-admin", password=PASSWORD)
    province = OrgUnit.objects.get(code="41")
    fw = framework()
    year = timezone.localdate().year
    rng = random.Random(7)

    def rounds():
        previous = None
        for i, name in enumerate(["上年度评星", "第一次动态评星", "第二次动态评星"]):
            rnd = make_round(admin, province, fw, f"{year}年{name}", "annual" if i == 0 else "interim", previous=previous)
            Round.objects.filter(pk=rnd.pk).update(phase="opening", opened_by=admin, year=year if i else year - 1,
                                                   period_start=datetime.date(year, 1 + 2 * i, 1))
            populate_round(rnd.pk)
            with connection.cursor() as cursor:  # spread ratings and awarded stars (set-up)
                cursor.execute("UPDATE rating_assessment SET status = 'recognised', rating = id %% 6, awarded = CASE id %% 6 "
                               "WHEN 0 THEN '[]' WHEN 1 THEN '[\"cyxw\"]' WHEN 2 THEN '[\"cyxw\", \"stjy\"]' "
                               "WHEN 3 THEN '[\"cyxw\", \"stjy\", \"paf\"]' WHEN 4 THEN '[\"cyxw\", \"stjy\", \"paf\", \"wmxf\"]' "
                               "ELSE '[\"zbgy\", \"cyxw\", \"stjy\", \"paf\", \"wmxf\"]' END::jsonb WHERE round_id = %s", [rnd.pk])
            Round.objects.filter(pk=rnd.pk).update(phase="recognised", recognised_at=timezone.now())
            rebuild_round(rnd.pk)
            previous = rnd
        return previous

    last = timed("three province rounds opened and recognised", ref, rounds)
    village_rows = list(OrgUnit.objects.filter(level=Level.VILLAGE).values_list("id", "parent_id"))
    now, today = timezone.now(), timezone.localdate()

    def rows():
        holdings, targets, results, problems, tasks = [], [], [], [], []
        for vid, _town in village_rows:
            held = STARS[1:1 + vid % 5]
            for code in held:
                holdings.append((vid, code, code, now - datetime.timedelta(days=300), None, None, ""))
            if vid % 23 == 0:
                holdings.append((vid, "paf", "paf", now - datetime.timedelta(days=400), now - datetime.timedelta(days=20), None, "一票否决"))
            goal = STARS[1:min(5, 2 + vid % 5)]
            targets.append((year, vid, "improve", len(goal), json.dumps(goal), "", now))
            gained = '["cyxw"]' if vid % 7 == 0 else "[]"
            results.append((last.pk, vid, vid % 6, "[]", gained, "[]", False, now))
            for j in range(2):
                late = rng.random() < 0.15
                closed = rng.random() < 0.5
                found = today - datetime.timedelta(days=rng.randint(5, 150))
                problems.append((vid, rng.choice(STARS), "", "督导发现的问题", "minor", found + datetime.timedelta(days=14),
                                 "closed" if closed else "pending", late and not closed, 0, found,
                                 now - datetime.timedelta(days=rng.randint(0, 4)) if closed else None, now, now, 1))
                tasks.append((vid, year, rng.choice(STARS), "", "创建任务", "", today + datetime.timedelta(days=rng.randint(-10, 40)),
                              "todo" if j else "done", late, "manual", "", now, now, 1))
        return holdings, targets, results, problems, tasks

    holdings, targets, results, problems, tasks = rows()

    def write():
        insert("rating_starholding", ["org_unit_id", "star_code", "star_name", "gained_at", "lost_at", "lost_round_id", "lost_reason"], holdings)
        insert("planning_villagetarget", ["year", "org_unit_id", "category", "target_rating", "target_stars", "note", "updated_at"],
               targets)
        insert("rating_roundresult", ["round_id", "org_unit_id", "rating", "awarded", "gained", "lost", "expired", "recognised_at"], results)
        insert("supervision_problem", ["org_unit_id", "star_code", "rule_code", "description", "severity", "deadline", "status", "overdue",
                                       "escalation_step", "found_on", "closed_at", "created_at", "updated_at", "version"], problems)
        insert("planning_ledgertask", ["org_unit_id", "year", "star_code", "rule_code", "title", "description", "deadline", "status",
                                       "overdue", "source", "source_ref", "created_at", "updated_at", "version"], tasks)

    timed(f"stars, targets, results, {len(problems):,} problems, {len(tasks):,} tasks", ref, write)
    from fivestar.observation.models import FlagEntry, FlagRound

    def flags():
        town_ids = sorted({t for _, t in village_rows})
        FlagRound.objects.bulk_create([FlagRound(town_id=t, period_start=today.replace(day=1), period_end=today, status="published",
                                                 weights={}, red_count=1, black_count=1, published_at=now) for t in town_ids], batch_size=2000)
        round_of = dict(FlagRound.objects.values_list("town_id", "id"))
        first, entries = {}, []
        for vid, town in village_rows:
            rank = first.setdefault(town, 0) + 1
            first[town] = rank
            entries.append(FlagEntry(round_id=round_of[town], village_id=vid, score=50, rank=rank, flag="red" if rank == 1 else ("black" if rank == 2 else "")))
        FlagEntry.objects.bulk_create(entries, batch_size=5000)

    timed("this month's published flags (every town)", ref, flags)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    # Leaders: a county, a city and a town administrator (the province is the superuser).
    county = OrgUnit.objects.filter(level=Level.COUNTY).order_by("code").first()
    town = OrgUnit.objects.filter(level=Level.TOWN, parent=county).order_by("code").first()
    users = {}
    for key, role, unit in (("county", Role.COUNTY_ADMIN, county), ("city", Role.COUNTY_ADMIN, county.parent), ("town", Role.TOWN_ADMIN, town)):
        user = User.objects.create_user(f"bench-{key}", password=PASSWORD)
        RoleAssignment.objects.create(user=user, role=role, org_unit=unit)
        users[key] = user
    return {"province": province, "city": county.parent, "county": county, "town": town, "year": year}


def built(villages: int) -> dict | None:
    """The units a previous `build(villages)` made, or None when the database holds another province (or none)."""
    from django.contrib.auth import get_user_model
    from django.utils import timezone

    from fivestar.orgs.models import Level, OrgUnit

    if OrgUnit.objects.filter(level=Level.VILLAGE).count() != villages or not get_user_model().objects.filter(username="bench-town").exists():
        return None
    county = OrgUnit.objects.filter(level=Level.COUNTY).order_by("code").first()
    town = OrgUnit.objects.filter(level=Level.TOWN, parent=county).order_by("code").first()
    return {"province": OrgUnit.objects.get(code="41"), "city": county.parent, "county": county, "town": town,
            "year": timezone.localdate().year}


# --------------------------------------------------------------------------------------------- HTTP


class Session:
    """One logged-in client over a kept-alive connection (as a browser behind the TLS proxy)."""

    def __init__(self, port: int, cookies: str):
        self.port, self.cookies = port, cookies
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)

    def get(self, path: str) -> tuple[int, int]:
        headers = {"Cookie": self.cookies, "X-Forwarded-Proto": "https", "Accept-Encoding": "gzip"}
        try:
            self.conn.request("GET", path, headers=headers)
            response = self.conn.getresponse()
        except (http.client.HTTPException, OSError):
            self.conn.close()
            self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
            self.conn.request("GET", path, headers=headers)
            response = self.conn.getresponse()
        body = response.read()
        return response.status, len(body)


def login(port: int, username: str) -> str:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    conn.request("GET", "/login/", headers={"X-Forwarded-Proto": "https"})
    response = conn.getresponse()
    page = response.read().decode()
    csrf = re.search(r"csrftoken=([^;]+)", response.getheader("Set-Cookie") or "").group(1)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    body = urllib.parse.urlencode({"username": username, "password": PASSWORD, "csrfmiddlewaretoken": token})
    conn.request("POST", "/login/", body=body, headers={"Cookie": f"csrftoken={csrf}", "X-Forwarded-Proto": "https", "Origin": f"https://127.0.0.1:{port}",
                                                       "Referer": f"https://127.0.0.1:{port}/login/", "Content-Type": "application/x-www-form-urlencoded"})
    response = conn.getresponse()
    response.read()
    cookies = ";".join(c.split(";")[0] for c in (response.getheader("Set-Cookie") or "").split(", ") if "=" in c.split(";")[0])
    if response.status != 302 or "sessionid" not in cookies:
        raise SystemExit(f"登录失败：{username}（HTTP {response.status}）")
    return f"csrftoken={csrf};" + ";".join(c for c in cookies.split(";") if c.startswith("sessionid"))


def latencies(session: Session, path: str, n: int) -> tuple[list[float], int]:
    status, size = session.get(path)  # warm
    if status != 200:
        raise SystemExit(f"{path}: HTTP {status}")
    times = []
    for _ in range(n):
        started = time.perf_counter()
        session.get(path)
        times.append(time.perf_counter() - started)
    return times, size


def throughput(port: int, cookies: str, path: str, seconds: float, concurrency: int) -> float:
    done, stop = [0] * concurrency, time.perf_counter() + seconds

    def run(i):
        s = Session(port, cookies)
        while time.perf_counter() < stop:
            s.get(path)
            done[i] += 1

    threads = [threading.Thread(target=run, args=(i,)) for i in range(concurrency)]
    started = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return sum(done) / (time.perf_counter() - started)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--villages", type=int, default=52378)
    parser.add_argument("--requests", type=int, default=40, help="sequential requests per board (p50/p95)")
    parser.add_argument("--seconds", type=float, default=15, help="throughput run per page")
    parser.add_argument("--concurrency", type=int, default=4)
    parser.add_argument("--workers", type=int, default=None, help="gunicorn workers (fivestar serve's default otherwise)")
    parser.add_argument("--yes", action="store_true", help="allow flushing the database named by DATABASE_URL")
    parser.add_argument("--reuse", action="store_true", help="keep the province a previous run built (same --villages) and only "
                        "measure: the build takes 15–20 minutes on a busy machine")
    args = parser.parse_args()
    url = os.environ.get("DATABASE_URL") or DEFAULT_URL
    if os.environ.get("DATABASE_URL") and not args.yes:
        raise SystemExit("DATABASE_URL 已设置：基准测试会清空（flush）该数据库。确认请加 --yes。")
    if not url.startswith("postgres"):
        raise SystemExit("本基准测试面向 PostgreSQL。")
    ref = reference()
    print(f"database: {url}; {os.cpu_count()} CPUs; {args.villages:,} branches")
    print(f"reference workload {ref:.3f}s; load average {load_average()}", flush=True)
    ensure_database(url)
    setup_django(url)
    units = built(args.villages) if args.reuse else None
    if units is None:
        units = build(args.villages, ref)
    else:
        print(f"  reusing the province built before ({args.villages:,} branches)", flush=True)
    from fivestar.boards.figures import refresh_towns
    from fivestar.boards.models import BoardStats
    from fivestar.boards.services import rebuild_board_stats

    rows = timed("rebuild-board-stats (every level)", ref, rebuild_board_stats, units["year"])
    print(f"    {rows:,} kept rows", flush=True)
    times = []
    for _ in range(10):
        started = time.perf_counter()
        refresh_towns([units["town"].pk], units["year"])
        times.append(time.perf_counter() - started)
    print(f"  {'one dirty town refreshed (town → province), mean of 10':<52} {statistics.mean(times) * 1000:8.1f} ms", flush=True)
    size = len(str(BoardStats.objects.get(year=units["year"], unit=units["province"]).figures))
    print(f"    province figures: {size:,} characters of JSON", flush=True)

    from django.db import connections

    connections.close_all()
    port = free_port()
    run_dir = Path(tempfile.mkdtemp(prefix="fivestar-boards-bench-"))
    log = open(run_dir / "serve.log", "w")
    env_before = dict(os.environ)
    os.environ.update({"DJANGO_SETTINGS_MODULE": "fivestar.settings.prod", "SECRET_KEY": "boards-bench-" + "x" * 40,
                       "ALLOWED_HOSTS": "127.0.0.1,localhost", "HOST": "127.0.0.1", "PORT": str(port), "SECURE_SSL_REDIRECT": "0",
                       "SECURE_HSTS_SECONDS": "0", "LOG_LEVEL": "WARNING"})
    if args.workers:
        os.environ["WEB_CONCURRENCY"] = str(args.workers)
    import subprocess

    fivestar = Path(sys.executable).parent / "fivestar"
    proc = subprocess.Popen([str(fivestar), "serve"], env=dict(os.environ), stdout=log, stderr=subprocess.STDOUT, start_new_session=True, cwd=ROOT)
    os.environ.clear()
    os.environ.update(env_before)
    try:
        print(f"fivestar serve ready in {wait_ready(proc, port, 300):.1f} s (port {port}, log {run_dir / 'serve.log'})", flush=True)
        year = units["year"]
        pages = [
            ("town board", "bench-town", f"/boards/town/{units['town'].pk}/?year={year}"),
            ("county board", "bench-county", f"/boards/unit/{units['county'].pk}/?year={year}"),
            ("city board", "bench-city", f"/boards/unit/{units['city'].pk}/?year={year}"),
            ("province board", "bench-admin", f"/boards/unit/{units['province'].pk}/?year={year}"),
        ]
        cookies = {u: login(port, u) for u in ("bench-town", "bench-county", "bench-city", "bench-admin")}
        trivial_session = Session(port, cookies["bench-county"])
        lat, _ = latencies(trivial_session, "/account/", args.requests)
        trivial_rps = throughput(port, cookies["bench-county"], "/account/", args.seconds, args.concurrency)
        print(f"trivial logged-in page (/account/): p50 {statistics.median(lat) * 1000:.1f} ms, p95 {p95(lat) * 1000:.1f} ms, "
              f"{trivial_rps:.1f} requests/s with {args.concurrency} clients", flush=True)
        print(f"  {'board':<16} {'size':>9} {'p50':>9} {'p95':>9} {'req/s':>8} {'ratio':>7}")
        for label, user, path in pages:
            lat, size = latencies(Session(port, cookies[user]), path, args.requests)
            rps = throughput(port, cookies[user], path, args.seconds, args.concurrency)
            print(f"  {label:<16} {size / 1024:7.1f}KB {statistics.median(lat) * 1000:7.1f}ms {p95(lat) * 1000:7.1f}ms {rps:8.1f} "
                  f"{rps / trivial_rps:7.2f}", flush=True)
    finally:
        stop_server(proc)
        log.close()
    print(f"reference workload (again) {reference():.3f}s; load average {load_average()}")


if __name__ == "__main__":
    main()
