"""Kept ledger counts: equal to a rebuild after a random sequence of operations, per year, unit and area; the
rebuild command repairs and checks them."""

import datetime
import random
from collections import Counter

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from fivestar.planning.models import LedgerStats, LedgerTask
from fivestar.planning.models.ledger import OPEN_TASK_STATUSES
from fivestar.planning.selectors import ledger_stats_by, ledger_stats_for
from fivestar.planning.services import (PlanningError, rebuild_ledger_stats, run_planning_daily, save_task,
                                        set_task_status, tasks_from_gaps)
from fivestar.planning.services.stats import differences

pytestmark = pytest.mark.django_db


def counted(tasks) -> dict:
    tasks = list(tasks)
    return {"total": len(tasks), "open": sum(t.status in OPEN_TASK_STATUSES for t in tasks),
            "overdue": sum(t.status in OPEN_TASK_STATUSES and t.overdue for t in tasks),
            "by_status": dict(Counter(t.status for t in tasks))}


def test_random_operations_keep_counts_equal_to_a_rebuild(plan, world):
    rng = random.Random(20261202)
    today = timezone.localdate()
    villages = [world.village, world.sibling, world.community, world.other_village]
    stars = {world.community.pk: "gjgx"}
    workers = {world.village.pk: plan.secretary_user, world.sibling.pk: plan.sibling_cadre}
    for village in villages[:2]:
        plan.target(village=village, rating=1, stars=["paf"], year=2026)
    for step in range(120):
        op = rng.choice(["create", "create", "move", "move", "move", "edit", "daily", "gaps"])
        tasks = list(LedgerTask.objects.select_related("org_unit"))
        try:
            if op == "create" or not tasks:
                village = rng.choice(villages)
                user = plan.town_admin if village.parent_id == world.town.pk else plan.county_admin
                save_task(user, village=village, year=rng.choice([2025, 2026]), star_code=stars.get(village.pk, "cyxw"),
                          title=f"任务{step}", deadline=today + datetime.timedelta(days=rng.randint(0, 6)))
            elif op == "move":
                task = rng.choice(tasks)
                user = rng.choice([plan.county_admin, workers.get(task.org_unit_id, plan.county_admin)])
                set_task_status(task, user, rng.choice(["todo", "doing", "done", "cancelled"]), "随机")
            elif op == "edit":
                task = rng.choice(tasks)
                save_task(plan.county_admin, village=task.org_unit, year=task.year, star_code=task.star_code, title=task.title,
                          rule_code=task.rule_code, deadline=today + datetime.timedelta(days=rng.randint(0, 9)), task=task)
            elif op == "gaps":
                tasks_from_gaps(plan.town_admin, rng.choice(villages[:2]), 2026)
            else:
                run_planning_daily(today + datetime.timedelta(days=rng.randint(0, 8)))
        except PlanningError:
            pass
        if step % 20 == 0:
            assert differences() == []
    assert differences() == []
    for year in (2025, 2026):
        every = LedgerTask.objects.filter(year=year)
        assert ledger_stats_for(year, unit=world.province) == {k: v for k, v in counted(every).items()} | {
            "by_status": {k: v for k, v in counted(every)["by_status"].items() if v}}
        by_town = ledger_stats_by("unit", [world.town.pk, world.other_town.pk, world.far_town.pk], year)
        assert by_town[world.town.pk]["total"] == every.filter(org_unit__parent=world.town).count()
        assert by_town[world.far_town.pk] == {"total": 0, "open": 0, "overdue": 0, "by_status": {}}
        assert ledger_stats_for(year, area=world.area)["total"] == every.filter(org_unit__area=world.area).count()


def test_rebuild_repairs_and_check_reports(plan, world, capsys):
    plan.task()
    plan.task(village=world.other_village, user=plan.county_admin, year=2026)
    assert differences() == []
    LedgerStats.objects.filter(unit=world.town).update(total=7)
    LedgerStats.objects.create(year=2024, unit=world.far_town, total=3, open=3)
    assert (("unit", world.town.pk, 2025) in differences()) and (("unit", world.far_town.pk, 2024) in differences())
    with pytest.raises(CommandError, match="2 行创建台账统计数与重算结果不一致"):
        call_command("rebuild_ledger_stats", "--check")
    assert f"不一致：2025 年度 单位 {world.town.pk}" in capsys.readouterr().out
    call_command("rebuild_ledger_stats")
    assert "已更正 2 行" in capsys.readouterr().out
    assert differences() == [] and not LedgerStats.objects.filter(year=2024).exists()
    assert rebuild_ledger_stats() == LedgerStats.objects.count()
    call_command("rebuild_ledger_stats", "--check")
    assert "一致" in capsys.readouterr().out
