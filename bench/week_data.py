"""The data of bench/week.py: a county (濮阳县-like: --villages branches in towns of about 20) built as deadline day
builds a province (bench/deadline_day_data.py: an annual round open, every branch filled in, the pool's accounts and
assessments), then what the week's other people need, through the apps' services where they are quick enough and in
bulk where they are not (set-up, not product code):

- each town's supervision staff (bench/supervision_data.py: a 片区 and its leader, a town administrator, 包村干部,
  a secretary with an account per village, a team over the town's villages), the town's supervision settings
  (services), an inspector (督导员) per town, and a year of problems with their rectifications (bulk), so the
  problem lists and the ledger are as long as a county's;
- a target for every village and a few ledger tasks (bulk), a weekly dispatch-meeting series per town with the
  town's cadres as attendees (services), every town's review packs for the year (services), and the boards' kept
  figures rebuilt (as `fivestar rebuild-board-stats` and the demo's boards step do);
- the week's part of the plan: accounts per kind, and the open problems waiting for a village or an inspector.
"""

from __future__ import annotations

import datetime
import random
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from deadline_day_data import PASSWORD, PREFIX  # noqa: E402
from import_divisions import COMMUNITY_WORDS, PREFIXES, SURNAMES, TOWN_KINDS, VILLAGE_SUFFIXES, split, write_divisions  # noqa: E402
from load_harness import timed  # noqa: E402

INSPECTOR = PREFIX + "sv-"  # 督导员 accounts this benchmark adds, one per town
STARS = ["zbgy", "cyxw", "stjy", "paf", "wmxf"]
TASKS_PER_VILLAGE = 4


def county_divisions(directory: Path, villages: int, seed: int = 1) -> int:
    """Division files of one county (濮阳县, 410928, in 濮阳市) with `villages` branches in towns of about 20, the
    five-file format `fivestar import-divisions` reads. Returns the number of towns."""

    rng = random.Random(seed)
    towns = max(1, round(villages / 20))
    rows = {"provinces": [("41", "河南省")], "cities": [("4109", "濮阳市", "41")], "areas": [("410928", "濮阳县", "4109", "41")],
            "streets": [], "villages": []}
    for k, n in enumerate(split(villages, towns, rng)):
        kind = rng.choice(TOWN_KINDS)
        town = f"410928{(1 if kind == '街道' else 100) + k:03d}"
        rows["streets"].append((town, f"{rng.choice(SURNAMES)}{rng.choice(VILLAGE_SUFFIXES)}{kind}", "410928", "41", "4109"))
        used = set()
        for j in range(n):
            if rng.random() < 0.08:
                rows["villages"].append((f"{town}{j + 1:03d}", f"{rng.choice(COMMUNITY_WORDS)}{j}社区居民委员会", town, "41", "4109", "410928"))
                continue
            base = f"{rng.choice(PREFIXES)}{rng.choice(SURNAMES)}{rng.choice(VILLAGE_SUFFIXES)}"
            rows["villages"].append((f"{town}{200 + j:03d}", base + ("村委会" if base not in used else f"{j}村委会"), town, "41", "4109", "410928"))
            used.add(base)
    write_divisions(directory, rows)
    return towns


def prepare_week(rnd, plan: dict, ref: float, problems_per_village: int = 20) -> dict:
    """Everything the week's people need in the pool's towns (see the module's docstring); returns plan["week"]."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.hashers import make_password
    from django.core.management import call_command
    from django.db import connection
    from django.utils import timezone

    from fivestar.boards.services import rebuild_board_stats
    from fivestar.core.roles import Role
    from fivestar.meetings.services import save_series
    from fivestar.orgs.models import Level, OrgUnit
    from fivestar.people.models import Person, RoleAssignment
    from fivestar.reviews.services import compute_town
    from fivestar.supervision import services as sv
    from fivestar.supervision.models import Problem
    from supervision_data import insert, people, problems

    User = get_user_model()
    today = timezone.localdate()
    admin = User.objects.get(username=PREFIX + "admin")
    towns = list(OrgUnit.objects.filter(level=Level.TOWN, code__in=[r["town"] for r in plan["reviewers"]]).order_by("code"))
    villages_of: dict[int, list[int]] = {t.pk: [] for t in towns}
    codes: dict[int, str] = {t.pk: t.code for t in towns}
    for pk, code, town in OrgUnit.objects.filter(parent__in=towns, level=Level.VILLAGE, active=True).order_by("code").values_list("pk", "code", "parent_id"):
        villages_of[town].append(pk)
        codes[pk] = code
    county = OrgUnit.objects.get(pk=towns[0].parent_id)

    with timed("supervision staff, accounts and teams (bulk)", ref):
        ids = people(villages_of)
        inspectors = User.objects.bulk_create([User(username=INSPECTOR + t.code) for t in towns])
        RoleAssignment.objects.bulk_create([RoleAssignment(user=u, role=Role.SUPERVISOR, org_unit=t) for u, t in zip(inspectors, towns)])
        # Only the accounts people log in with get the password (one hash for all).
        login_ids = [*ids["town_admin"].values(), *ids["secretary_user"].values(), *(u.pk for u in inspectors)]
        User.objects.filter(pk__in=login_ids).update(password=make_password(PASSWORD))
    with timed("supervision settings per town (services)", ref):
        for town in towns:
            sv.save_settings(admin, town, visit_within_weeks=3, reminder_days_before=2,
                             deadline_days={"minor": 15, "general": 10, "serious": 5}, escalation_days=[1, 3, 7])
    compiled = rnd.rural_framework.compiled()
    rules = [(r.star_code, r.code) for r in compiled.rules_by_code.values() if not r.indicator]
    pairs = [(v, t) for t, vs in villages_of.items() for v in vs]
    n = problems_per_village * len(pairs)
    with timed(f"a year of problems ({n:,}, bulk)", ref):
        problems(n, ids, pairs, rules, today)
    with timed("targets and ledger tasks (bulk)", ref):
        _targets_and_tasks(pairs, today, insert)
    with timed("kept counts (problems, ledger)", ref):
        call_command("rebuild_problem_stats", verbosity=0)
        call_command("rebuild_ledger_stats", verbosity=0)
    cadres: dict[int, list[int]] = {}
    for pk, unit in Person.objects.filter(org_unit__in=towns).order_by("pk").values_list("pk", "org_unit_id"):
        cadres.setdefault(unit, []).append(pk)
    series = {}
    with timed("meeting series, review packs (services)", ref):
        for town in towns:
            attendees = list(Person.objects.filter(pk__in=cadres.get(town.pk, [])))
            series[town.pk] = save_series(admin, unit=town, kind="dispatch", name="周调度会", weekday=3, place="镇政府三楼会议室",
                                          attendees=attendees).pk
            compute_town(admin, town, today.year, check=False)
    with timed("boards' kept figures (rebuild-board-stats)", ref):
        rebuild_board_stats(today.year)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")

    town_code = {t.pk: t.code for t in towns}
    waiting = list(Problem.objects.filter(org_unit__parent__in=towns, status__in=["pending", "rectifying", "checking"])
                   .order_by("deadline", "pk").values_list("pk", "status", "org_unit_id", "org_unit__parent_id"))
    town_admins = {t: User.objects.filter(pk=u).values_list("username", flat=True).first() for t, u in ids["town_admin"].items()}
    county_admin = next(x["username"] for x in plan["leaders"] if x["username"].startswith(PREFIX + "county-"))
    return {
        "year": today.year, "county": county.pk, "county_code": county.code,
        "inspectors": [{"username": INSPECTOR + t.code, "town": t.code, "team": ids["team"][t.pk],
                        "villages": [{"id": v, "code": codes[v]} for v in villages_of[t.pk]]} for t in towns],
        "towns": [{"username": town_admins[t.pk], "town": t.code, "series": series[t.pk], "people": cadres.get(t.pk, [])[:40],
                   "villages": villages_of[t.pk][:40]} for t in towns],
        "watchers": [{"username": x["username"], "towns": [t.pk for t in towns]} for x in plan["leaders"]],
        "exporters": [{"username": county_admin, "towns": [t.code for t in towns]}],
        "to_rectify": [{"id": pk, "status": status, "username": "s" + codes[v], "town": town_code[t]}
                       for pk, status, v, t in waiting if status != "checking"],
        "to_check": [{"id": pk, "town": town_code[t], "username": "s" + codes[v]} for pk, status, v, t in waiting if status == "checking"],
    }


def _targets_and_tasks(pairs: list[tuple[int, int]], today: datetime.date, insert) -> None:
    """A target for every village this year and a few creation-ledger tasks, some done, some overdue."""
    rng = random.Random(11)
    now = datetime.datetime.now(datetime.timezone.utc)
    targets, tasks = [], []
    for village, _town in pairs:
        goal = STARS[1:min(5, 2 + village % 5)]
        targets.append((today.year, village, "improve", len(goal), "[" + ", ".join(f'"{s}"' for s in goal) + "]", "", now))
        for j in range(TASKS_PER_VILLAGE):
            deadline = today + datetime.timedelta(days=rng.randint(-60, 60))
            done = rng.random() < 0.4
            tasks.append((village, today.year, rng.choice(STARS), "", f"创建任务{j + 1}", "", deadline, "done" if done else "todo",
                          not done and deadline < today, "manual", "", now, now, 1))
    insert("planning_villagetarget", ["year", "org_unit_id", "category", "target_rating", "target_stars", "note", "updated_at"], targets)
    insert("planning_ledgertask", ["org_unit_id", "year", "star_code", "rule_code", "title", "description", "deadline", "status",
                                   "overdue", "source", "source_ref", "created_at", "updated_at", "version"], tasks)
