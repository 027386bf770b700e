"""Kept counts: right after every change, equal to a rebuild after a random sequence of operations."""

import datetime
import random
from collections import Counter

import pytest
from django.core.management import CommandError, call_command

from fivestar.supervision.models import Problem, ProblemStats
from fivestar.supervision.models.problem import OPEN_STATUSES
from fivestar.supervision.selectors import stats_by, stats_for
from fivestar.supervision.services import (SupervisionError, accept, change_deadline, rebuild_problem_stats, reject,
                                           run_daily, save_team, start_rectification, submit_rectification)
from fivestar.supervision.services.stats import differences, kept_figures

pytestmark = pytest.mark.django_db


def counted(problems) -> dict:
    problems = list(problems)
    return {"total": len(problems), "open": sum(p.status in OPEN_STATUSES for p in problems),
            "overdue": sum(p.status in OPEN_STATUSES and p.overdue for p in problems),
            "by_status": dict(Counter(p.status for p in problems))}


def clean(figures):
    return {**figures, "by_status": {k: v for k, v in figures["by_status"].items() if v}}


def test_figures_move_with_each_change(sup, world):
    p = sup.problem(team=sup.team)
    for where in ({"unit": world.village}, {"unit": world.town}, {"unit": world.county}, {"unit": world.province},
                  {"area": world.area}, {"team": sup.team}):
        assert stats_for(**where) == {"total": 1, "open": 1, "overdue": 0, "by_status": {"pending": 1}}
    assert stats_for(unit=world.other_town)["total"] == 0
    start_rectification(p, sup.secretary_user)
    assert clean(stats_for(unit=world.town))["by_status"] == {"rectifying": 1}
    submit_rectification(p, sup.secretary_user, "已整改")
    accept(p, sup.supervisor)
    assert clean(stats_for(unit=world.city)) == {"total": 1, "open": 0, "overdue": 0, "by_status": {"closed": 1}}


def test_random_operations_keep_figures_equal_to_a_rebuild(sup, world):
    rng = random.Random(20270131)
    other_team = save_team(world.users["county_admin"], unit=world.county, name="县专项组",
                           villages=[world.village, world.other_village])
    villages = [world.village, world.sibling, world.community, world.other_village]
    teams = [None, sup.team, other_team]
    today = datetime.date.today()
    rectifiers = {world.village.pk: sup.secretary_user, world.sibling.pk: sup.sibling_cadre}
    problems = []
    for step in range(160):
        op = rng.choice(["create", "create", "start", "submit", "accept", "reject", "deadline", "daily"])
        try:
            if op == "create" or not problems:
                village = rng.choice(villages)
                team = rng.choice([t for t in teams if t is None or village.path.startswith(t.org_unit.path)])
                if team is not None and not team.villages.filter(pk=village.pk).exists():
                    team = None
                found = today - datetime.timedelta(days=rng.randint(0, 40))
                problems.append(sup.problem(user=sup.county_supervisor, village=village, team=team, found_on=found,
                                            severity=rng.choice(["minor", "general", "serious"]),
                                            description=f"问题{step}"))
                continue
            p = Problem.objects.select_related("org_unit").get(pk=rng.choice(problems).pk)
            rectifier = rectifiers.get(p.org_unit_id, world.users["sysadmin"])
            if op == "start":
                start_rectification(p, rectifier)
            elif op == "submit":
                submit_rectification(p, rectifier, "整改措施")
            elif op == "accept":
                accept(p, sup.county_supervisor)
            elif op == "reject":
                reject(p, sup.county_supervisor, "不到位")
            elif op == "deadline":
                change_deadline(p, sup.county_supervisor, p.found_on + datetime.timedelta(days=rng.randint(0, 60)), "调整")
            else:
                run_daily(today + datetime.timedelta(days=rng.randint(0, 30)))
        except SupervisionError:
            pass  # refused steps (wrong status) must leave the figures as they were
    assert Problem.objects.count() > 30
    assert set(Problem.objects.values_list("status", flat=True)) == {"pending", "rectifying", "checking", "closed"}
    assert Problem.objects.filter(overdue=True, status__in=OPEN_STATUSES).exists()
    assert differences() == []
    kept = kept_figures()
    all_problems = list(Problem.objects.select_related("org_unit"))
    assert clean(kept[("unit", world.county.pk)]) == counted(all_problems)
    assert clean(kept[("unit", world.town.pk)]) == counted(p for p in all_problems if p.org_unit.parent_id == world.town.pk)
    assert clean(kept[("area", world.area.pk)]) == counted(p for p in all_problems if p.org_unit.area_id == world.area.pk)
    assert clean(kept[("team", other_team.pk)]) == counted(p for p in all_problems if p.team_id == other_team.pk)
    before = kept_figures()
    rebuild_problem_stats()
    assert kept_figures() == before


def test_rebuild_repairs_and_check_reports(sup, world, capsys):
    sup.problem(team=sup.team)
    sup.problem(village=world.sibling)
    call_command("rebuild_problem_stats", "--check")
    assert "一致" in capsys.readouterr().out
    ProblemStats.objects.filter(unit=world.town).update(open=7, by_status={"pending": 9})
    ProblemStats.objects.filter(team=sup.team).delete()
    with pytest.raises(CommandError, match="2 行督导问题统计数与重算结果不一致"):
        call_command("rebuild_problem_stats", "--check")
    assert ProblemStats.objects.get(unit=world.town).open == 7  # --check saves nothing
    call_command("rebuild_problem_stats")
    assert "已更正 2 行" in capsys.readouterr().out
    assert stats_for(unit=world.town) == {"total": 2, "open": 2, "overdue": 0, "by_status": {"pending": 2}}
    assert stats_for(team=sup.team)["open"] == 1
    assert differences() == []


def test_rebuild_removes_rows_of_deleted_problems_and_many_rows_read_at_once(sup, world, django_assert_max_num_queries):
    p = sup.problem()
    Problem.objects.filter(pk=p.pk).delete()
    rebuild_problem_stats()
    assert not ProblemStats.objects.exists()
    sup.problem()
    with django_assert_max_num_queries(1):
        figures = stats_by("unit", [world.village.pk, world.sibling.pk, world.town.pk])
    assert figures[world.village.pk]["open"] == 1 and figures[world.sibling.pk]["open"] == 0


def test_figures_never_go_below_zero(sup, world):
    p = sup.problem()
    ProblemStats.objects.update(open=0, total=0, by_status={})
    start_rectification(p, sup.secretary_user)
    row = ProblemStats.objects.get(unit=world.village)
    assert row.open == 0 and row.by_status.get("pending") == 0 and row.by_status.get("rectifying") == 1
