import datetime

from fivestar.planning.models import LedgerTask
from fivestar.planning.services import (plan_check, progress_for, run_planning_daily, save_plan, set_task_status,
                                        tasks_from_gaps)
from fivestar.planning.services.stats import differences
from fivestar.planning.selectors import commitments_for, targets_for, tasks_for


def test_whole_surface_runs(plan, world):
    plan.target()
    save_plan(plan.town_admin, world.town, 2025, {"5": 1, "2": 1}, {"cyxw": 2})
    check = plan_check(world.town, 2025)
    assert check["warnings"]
    assert progress_for([world.village], 2025)[world.village.pk]["missing_stars"] == ["cyxw", "stjy"]
    created = tasks_from_gaps(plan.town_admin, world.village, 2025)
    assert created > 0
    assert tasks_from_gaps(plan.town_admin, world.village, 2025) == 0
    task = LedgerTask.objects.first()
    set_task_status(task, plan.secretary_user, "doing")
    assert not differences()
    run_planning_daily(datetime.date.today() + datetime.timedelta(days=60))
    assert not differences()
    assert tasks_for(plan.town_admin, unit=world.town).count() == created
    assert targets_for(plan.town_admin, world.town, 2025).get(pk=world.village.pk).target_rating == 2
    assert list(commitments_for(plan.town_admin)) == []
