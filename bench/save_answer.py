"""Micro-benchmark of saving one answer on the village self-assessment page (村级自评).

Builds a small hierarchy (--villages branches), publishes the shipped 210-rule rural framework (the demo's),
opens a round and signs in one village secretary; then saves N answers one rule at a time exactly as the page
does (an htmx POST of one rule's form through the whole Django stack: middleware, view, service, templates),
cycling over rules of every star and every kind. It prints per save the wall time (mean, p50, p95), the
process CPU time (time.process_time), the queries and the answer's size, then the same for the service alone
(save_answers), and one engine evaluation of the framework, each also as a multiple of a fixed reference
workload (bench/reference.py) timed in the same run, so numbers from busy and quiet machines compare.

    .venv/bin/python bench/save_answer.py [--saves 200] [--villages 60]
    DATABASE_URL=postgresql://postgres@127.0.0.1:5432/fivestar_bench .venv/bin/python bench/save_answer.py --yes

Without DATABASE_URL it uses a throwaway SQLite file; with it, it FLUSHES that database (hence --yes).
"""

from __future__ import annotations

import argparse
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

FRAMEWORK = Path(__file__).resolve().parent.parent / "fivestar/standards/frameworks/puyang-2023-rural.yaml"


def publish_framework():
    import yaml
    from django.utils import timezone

    from fivestar.standards.models import FrameworkVersion

    data = yaml.safe_load(FRAMEWORK.read_text(encoding="utf-8"))
    return FrameworkVersion.objects.create(code=data["code"], name=data["name"], branch_type="rural", version=data["version"],
                                           data=data, status="published", published_at=timezone.now())


def open_round(admin, scope, fw):
    import datetime

    from fivestar.rating.services import create_round, populate_round

    today = datetime.date.today()
    rnd = create_round(admin, scope=scope, name="2023年度评星", kind="annual", year=2023, period_start=today - datetime.timedelta(days=30),
                       period_end=today + datetime.timedelta(days=60), rural_framework=fw, community_framework=None,
                       self_deadline=today + datetime.timedelta(days=20), town_deadline=today + datetime.timedelta(days=30),
                       county_deadline=today + datetime.timedelta(days=40))
    populate_round(rnd.pk)
    rnd.refresh_from_db()
    return rnd


def answers_to_type(framework) -> list[tuple[str, str, str]]:
    """(rule, best value, worst value) as typed in the page's input, for every rule the village types in,
    interleaved over the stars so consecutive saves touch different stars and kinds."""
    from fivestar.rating.selectors_village import raw_of

    per_star = []
    for star in framework.stars:
        rows = []
        for rule in star.rules:
            if rule.indicator:
                continue  # read from the indicator, never typed in
            best, worst = rule.value_for_points(rule.best_points), rule.value_for_points(0)
            if best is None or worst is None or best == worst:
                continue
            rows.append((rule.code, raw_of(rule, best), raw_of(rule, worst)))
        per_star.append(rows)
    out = []
    for i in range(max(len(r) for r in per_star)):
        out.extend(rows[i] for rows in per_star if i < len(rows))
    return out


def summary(label: str, walls: list[float], cpus: list[float], ref: float, extra: str = "") -> str:
    walls_ms = sorted(w * 1000 for w in walls)
    p95 = walls_ms[min(len(walls_ms) - 1, int(len(walls_ms) * 0.95))]
    mean_cpu, p50_cpu = statistics.mean(cpus) * 1000, statistics.median(cpus) * 1000
    mean = statistics.mean(walls_ms)
    return (f"  {label:<34} wall mean {mean:6.1f} ms  p50 {statistics.median(walls_ms):6.1f}  p95 {p95:6.1f}  "
            f"CPU mean {mean_cpu:5.1f} ms  p50 {p50_cpu:5.1f} ms = {p50_cpu / 1000 / ref:6.4f} × reference{extra}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--saves", type=int, default=200, help="saves timed (after 10 not timed)")
    parser.add_argument("--villages", type=int, default=60)
    parser.add_argument("--yes", action="store_true", help="allow flushing the database named by DATABASE_URL")
    args = parser.parse_args()
    if os.environ.get("DATABASE_URL") and not args.yes:
        raise SystemExit("DATABASE_URL 已设置：基准测试会迁移并清空（flush）该数据库的全部数据。确认请加 --yes。")
    with tempfile.TemporaryDirectory(prefix="fivestar-save-bench-") as tmp:
        directory = Path(tmp) / "divisions"
        generate(directory, args.villages, counties=2, towns=max(2, args.villages // 20))
        database = setup_django(None if os.environ.get("DATABASE_URL") else str(Path(tmp) / "var"))
        from django.conf import settings
        from django.contrib.auth import get_user_model
        from django.db import connection
        from django.test import Client
        from django.test.utils import CaptureQueriesContext

        from fivestar.core.roles import Role
        from fivestar.orgs.divisions import apply_import, plan_import
        from fivestar.orgs.models import OrgUnit
        from fivestar.people.models import RoleAssignment
        from fivestar.rating.models import Assessment
        from fivestar.rating.services import save_answers
        from fivestar.standards.engine import evaluate

        settings.ALLOWED_HOSTS = ["*"]
        apply_import(plan_import(directory))
        admin = get_user_model().objects.create_superuser("bench", password="bench-password-1")
        fw = publish_framework()
        compiled = fw.compiled()
        rnd = open_round(admin, OrgUnit.objects.get(code="41"), fw)
        a = Assessment.objects.filter(round=rnd, framework=fw).select_related("org_unit").order_by("org_unit__code").first()
        secretary = get_user_model().objects.create_user("secretary", password="bench-password-1")
        RoleAssignment.objects.create(user=secretary, role=Role.VILLAGE_CADRE, org_unit=a.org_unit)
        client = Client()
        client.force_login(secretary)
        todo = answers_to_type(compiled)
        ref = reference()
        print(f"database: {database}; {os.cpu_count()} CPUs; framework {fw.code}: {len(compiled.rules_by_code)} rules, "
              f"{len(compiled.stars)} stars; {args.saves} saves over {len(todo)} rules")
        print(f"reference workload {ref:.3f}s; load average {load_average()}", flush=True)

        url = f"/rating/assessments/{a.pk}/rules/"
        state = {"version": Assessment.objects.get(pk=a.pk).version, "n": 0}

        def save_on_page():
            code, best, worst = todo[state["n"] % len(todo)]
            value = best if (state["n"] // len(todo)) % 2 == 0 else worst  # every save changes the rule
            state["n"] += 1
            response = client.post(f"{url}{code}/", {"value": value, "version": state["version"]}, HTTP_HX_REQUEST="true")
            assert response.status_code == 200 and "已保存" in response.content.decode(), response.content[:300]
            state["version"] += 1
            return response

        for _ in range(10):
            save_on_page()
        walls, cpus, sizes = [], [], []
        for _ in range(args.saves):
            wall, cpu = time.perf_counter(), time.process_time()
            response = save_on_page()
            cpus.append(time.process_time() - cpu)
            walls.append(time.perf_counter() - wall)
            sizes.append(len(response.content))
        with CaptureQueriesContext(connection) as ctx:
            save_on_page()
        print(summary("save one answer (page, htmx POST)", walls, cpus, ref,
                      f"  {len(ctx.captured_queries)} queries, answer {statistics.mean(sizes) / 1024:.1f} KB"), flush=True)

        a = Assessment.objects.select_related("round", "org_unit", "framework").get(pk=a.pk)
        walls, cpus = [], []
        for i in range(args.saves):
            code, best, worst = todo[i % len(todo)]
            rule = compiled.rules_by_code[code]
            value = rule.value_for_points(rule.best_points if (a.answers.get(code) != rule.value_for_points(rule.best_points)) else 0)
            wall, cpu = time.perf_counter(), time.process_time()
            a = save_answers(a, secretary, "village", values={code: value}, expected_version=a.version)
            cpus.append(time.process_time() - cpu)
            walls.append(time.perf_counter() - wall)
        print(summary("save_answers (service alone)", walls, cpus, ref), flush=True)

        values = {c: v for c, v in a.effective_answers(a.round.levels).items() if v is not None}
        walls, cpus = [], []
        for _ in range(args.saves):
            wall, cpu = time.perf_counter(), time.process_time()
            evaluate(compiled, values, validate=False)
            cpus.append(time.process_time() - cpu)
            walls.append(time.perf_counter() - wall)
        print(summary("engine evaluate (210 rules, once)", walls, cpus, ref), flush=True)
        print(f"reference workload (again) {reference():.3f}s; load average {load_average()}")


if __name__ == "__main__":
    main()
