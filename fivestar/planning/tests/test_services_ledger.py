"""The creation ledger: tasks from a village's gap list (once), from a supervision problem (once), recorded and
edited; every status step per role with its refusal and its event; evidence; kept counts moved each time."""

import datetime

import pytest
from django.utils import timezone

from fivestar.inbox.models import Notification
from fivestar.people.models import Responsibility
from fivestar.planning.models import LedgerTask, TaskEvent
from fivestar.planning.selectors import ledger_stats_for, tasks_for
from fivestar.planning.services import (PlanningError, add_task_evidence, save_task, set_task_status, task_from_problem,
                                        tasks_from_gaps)
from fivestar.planning.services.stats import differences
from fivestar.rating.models import Assessment
from fivestar.standards.gap_selectors import current_for

from .test_services_progress import earn

pytestmark = pytest.mark.django_db


def today():
    return timezone.localdate()


def gaps_for(user, village, stars):
    report = current_for(user, village).report
    return [(g.star_code, i.rule_code, i.text) for g in report if g.star_code in stars for i in g.improvements]


def test_gap_list_becomes_tasks_once_for_the_missing_target_stars(plan, world, make_round):
    rnd = make_round()
    plan.target(rating=2, stars=["cyxw", "stjy"], year=2023)
    earn(world.village, plan.secretary_user, "cyxw")
    expected = gaps_for(plan.town_admin, world.village, ["stjy"])
    assert expected and not gaps_for(plan.town_admin, world.village, ["cyxw"])
    created = tasks_from_gaps(plan.town_admin, world.village, 2023)
    assert created == len(expected)
    tasks = list(LedgerTask.objects.filter(org_unit=world.village).order_by("id"))
    assert [(t.star_code, t.rule_code, t.title) for t in tasks] == expected
    assert {t.responsible for t in tasks} == {plan.liaison}  # the 包村干部
    assert {t.deadline for t in tasks} == {rnd.self_deadline - datetime.timedelta(days=3)}
    assert {(t.source, t.status, t.created_by_id) for t in tasks} == {("gap", "todo", plan.town_admin.pk)}
    assert all("生态宜居星差距" in t.description for t in tasks)
    assert TaskEvent.objects.filter(action="create", task__in=tasks).count() == created
    assert ledger_stats_for(2023, unit=world.town) == {"total": created, "open": created, "overdue": 0, "by_status": {"todo": created}}
    assert ledger_stats_for(2023, area=world.area)["total"] == created
    assert Notification.objects.filter(user=plan.liaison_user, title__contains=f"新增 {created} 项创建台账任务").count() == 1
    # twice: nothing more, even after a task is cancelled
    set_task_status(tasks[0], plan.town_admin, "cancelled", "已另行安排")
    assert tasks_from_gaps(plan.town_admin, world.village, 2023) == 0
    assert LedgerTask.objects.count() == created and not differences()


def test_gap_tasks_owner_deadline_and_refusals(plan, world):
    with pytest.raises(PlanningError, match="尚未设置 2025 年度的目标星"):
        tasks_from_gaps(plan.town_admin, world.village, 2025)
    plan.target(rating=1, stars=["paf"])
    for user in (plan.secretary_user, plan.liaison_user, plan.other_town_admin, plan.observer):
        with pytest.raises(PlanningError, match="无权管理"):
            tasks_from_gaps(user, world.village, 2025)
    Responsibility.objects.filter(duty="village").delete()
    with pytest.raises(PlanningError, match="不能早于今天"):
        tasks_from_gaps(plan.town_admin, world.village, 2025, deadline=today() - datetime.timedelta(days=1))
    assert tasks_from_gaps(plan.county_admin, world.village, 2025) > 0  # no round: 30 days; no 包村干部: the secretary
    assert set(LedgerTask.objects.values_list("responsible", "deadline")) == {(plan.secretary.pk, today() + datetime.timedelta(days=30))}
    plan.target(village=world.sibling, rating=1, stars=["paf"])
    chosen = today() + datetime.timedelta(days=9)
    assert tasks_from_gaps(plan.town_admin, world.sibling, 2025, deadline=chosen) > 0
    assert set(LedgerTask.objects.filter(org_unit=world.sibling).values_list("deadline", flat=True)) == {chosen}


def test_a_task_recorded_and_edited_with_its_history(plan, world):
    due = today() + datetime.timedelta(days=10)
    for user in (plan.secretary_user, plan.other_town_admin, plan.observer):
        with pytest.raises(PlanningError, match="无权管理"):
            plan.task(user=user)
    with pytest.raises(PlanningError, match="请选择任务所属的星"):
        plan.task(star_code="")
    with pytest.raises(PlanningError, match="不属于产业兴旺星"):
        plan.task(rule_code="stjy-01-01")
    with pytest.raises(PlanningError, match="不能早于今天"):
        plan.task(deadline=today() - datetime.timedelta(days=1))
    with pytest.raises(PlanningError, match="不是「西辛庄村」或其上级单位"):
        plan.task(responsible=plan.sibling_secretary)
    with pytest.raises(PlanningError, match="只能登记到村"):
        plan.task(village=world.town)
    task = plan.task(title="  新建村级光伏项目\u200b ", deadline=due)
    assert task.title == "新建村级光伏项目" and task.responsible == plan.liaison and task.version == 1
    assert Notification.objects.filter(user=plan.liaison_user, dedupe_key=f"plan-task-new-{task.pk}").exists()
    edited = save_task(plan.town_admin, village=world.village, year=2025, star_code="cyxw", title="新建村级光伏项目（二期）",
                       deadline=due + datetime.timedelta(days=5), responsible=plan.secretary, task=task, version=1)
    assert edited.version == 2 and edited.responsible == plan.secretary
    last = edited.events.last()
    assert last.action == "edit" and last.user == plan.town_admin and "任务" in last.reason and "完成时限" in last.reason
    assert last.detail["deadline"] == [due.isoformat(), (due + datetime.timedelta(days=5)).isoformat()]
    with pytest.raises(PlanningError, match="已被他人修改"):
        save_task(plan.town_admin, village=world.village, year=2025, star_code="cyxw", title="x", deadline=due, task=task, version=1)
    with pytest.raises(PlanningError, match="不能修改任务所属"):
        save_task(plan.town_admin, village=world.village, year=2026, star_code="cyxw", title="x", deadline=due, task=task)
    same = save_task(plan.town_admin, village=world.village, year=2025, star_code="cyxw", title="新建村级光伏项目（二期）",
                     deadline=due + datetime.timedelta(days=5), responsible=plan.secretary, task=task)
    assert same.version == 2 and edited.events.count() == 2


def test_status_steps_per_role_with_events_and_counts(plan, world):
    task = plan.task()
    for user in (plan.observer, plan.sibling_cadre, plan.other_town_admin, plan.supervisor, plan.area_user):
        with pytest.raises(PlanningError, match="无权推进"):
            set_task_status(task, user, "doing")
    with pytest.raises(PlanningError, match="任务状态无效"):
        set_task_status(task, plan.secretary_user, "finished")
    set_task_status(task, plan.secretary_user, "doing", "已开工")
    with pytest.raises(PlanningError, match="已是「推进中」"):
        set_task_status(task, plan.liaison_user, "doing")
    with pytest.raises(PlanningError, match="只有乡镇或县级管理员才能取消"):
        set_task_status(task, plan.liaison_user, "cancelled", "不做了")
    with pytest.raises(PlanningError, match="完成日期不能晚于今天"):
        set_task_status(task, plan.liaison_user, "done", completed_on=today() + datetime.timedelta(days=1))
    done = set_task_status(task, plan.liaison_user, "done", completed_on=today() - datetime.timedelta(days=2))
    assert done.completed_on == today() - datetime.timedelta(days=2) and done.version == 3
    assert ledger_stats_for(2025, unit=world.county) == {"total": 1, "open": 0, "overdue": 0, "by_status": {"done": 1}}
    with pytest.raises(PlanningError, match="不能改为「未开始」"):
        set_task_status(task, plan.town_admin, "todo")
    with pytest.raises(PlanningError, match="请填写重新推进的原因"):
        set_task_status(task, plan.secretary_user, "doing")
    reopened = set_task_status(task, plan.secretary_user, "doing", "验收未通过")
    assert reopened.completed_on is None
    with pytest.raises(PlanningError, match="请填写取消任务的原因"):
        set_task_status(task, plan.town_admin, "cancelled")
    set_task_status(task, plan.town_admin, "cancelled", "并入其他任务")
    with pytest.raises(PlanningError, match="才能取消或恢复"):
        set_task_status(task, plan.secretary_user, "todo", "恢复")
    set_task_status(task, plan.county_admin, "todo", "恢复")
    steps = list(task.events.filter(action="status").values_list("user__username", "from_status", "to_status", "reason"))
    assert steps == [("secretary", "todo", "doing", "已开工"), ("liaison", "doing", "done", ""),
                     ("secretary", "done", "doing", "验收未通过"), ("town", "doing", "cancelled", "并入其他任务"),
                     ("county", "cancelled", "todo", "恢复")]
    assert ledger_stats_for(2025, unit=world.town)["by_status"] == {"todo": 1}
    assert not differences()


def test_reopening_a_task_past_its_deadline_makes_it_overdue_at_once(plan, world):
    from fivestar.demo.clock import at, pinned

    due = today() + datetime.timedelta(days=1)
    task = plan.task(deadline=due)
    set_task_status(task, plan.secretary_user, "done")
    with pinned(at(due + datetime.timedelta(days=3))):
        reopened = set_task_status(task, plan.secretary_user, "doing", "返工")
    assert reopened.overdue and task.events.filter(action="overdue").count() == 1
    assert ledger_stats_for(2025, unit=world.village)["overdue"] == 1 and not differences()


def test_evidence_is_added_once_and_must_belong_to_the_village(plan, world):
    task = plan.task()
    photo = plan.evidence()
    add_task_evidence(task, plan.secretary_user, photo)
    add_task_evidence(task, plan.liaison_user, photo)
    assert list(task.evidence.all()) == [photo] and task.events.filter(action="evidence").count() == 1
    foreign = plan.evidence(unit=world.sibling, user=plan.sibling_cadre)
    with pytest.raises(PlanningError, match="不属于「西辛庄村」"):
        add_task_evidence(task, plan.secretary_user, foreign)
    with pytest.raises(PlanningError, match="无权"):
        add_task_evidence(task, plan.observer, photo)


def test_a_supervision_problem_becomes_one_task(plan, world):
    from fivestar.supervision.services import create_problem

    problem = create_problem(plan.supervisor, world.village, description="党费收缴台账未及时登记", severity="minor",
                             star_code="zbgy", rule_code="zbgy-03-01", deadline=today() + datetime.timedelta(days=7))
    with pytest.raises(PlanningError, match="无权管理"):
        task_from_problem(plan.secretary_user, problem)
    task = task_from_problem(plan.town_admin, problem)
    assert (task.source, task.problem, task.star_code, task.rule_code, task.deadline) == (
        "problem", problem, "zbgy", "zbgy-03-01", problem.deadline)
    assert task.title == "督导问题整改：党费收缴台账未及时登记" and task.responsible == plan.secretary  # the problem's
    assert task_from_problem(plan.county_admin, problem) == task and LedgerTask.objects.count() == 1
    assert not differences()


def test_lists_are_scoped_and_filtered_in_one_query(plan, world, django_assert_num_queries):
    mine = plan.task(title="整修村内道路")
    plan.task(village=world.sibling, title="建设文化广场", star_code="wmxf")
    late = plan.task(title="完善村规民约", star_code="paf", deadline=today() + datetime.timedelta(days=1))
    LedgerTask.objects.filter(pk=late.pk).update(deadline=today() - datetime.timedelta(days=1))
    assert set(tasks_for(plan.secretary_user)) == {mine, late}
    assert tasks_for(plan.sibling_cadre).count() == 1 and tasks_for(plan.other_town_admin).count() == 0
    assert tasks_for(plan.area_user).count() == 2  # the area's village
    assert list(tasks_for(plan.town_admin, overdue=True)) == [late]
    assert list(tasks_for(plan.town_admin, q="道路")) == [mine]
    assert list(tasks_for(plan.town_admin, star="paf", status=["todo"], responsible=plan.liaison)) == [late]
    assert tasks_for(plan.town_admin, unit=world.sibling).count() == 1
    assert tasks_for(plan.county_admin, area=world.area, year=2025).count() == 2
    with django_assert_num_queries(1):
        rows = list(tasks_for(plan.county_admin))
        assert [r.org_unit.parent.display_name for r in rows] and [r.responsible.name for r in rows]


def test_a_county_task_is_cancelled_restored_or_edited_only_at_county_rank(plan, world):
    """Rank, not only scope: the town administrator covers the village, but a task the county set is the county's
    decision; the town may move it forward, never cancel, restore or rewrite it."""
    task = plan.task(user=plan.county_admin, title="县委组织部部署：规范党员活动室")
    with pytest.raises(PlanningError, match="该任务由濮阳县下达，只有濮阳县或上级管理员才能取消或恢复"):
        set_task_status(task, plan.town_admin, "cancelled", reason="镇里认为不需要")
    with pytest.raises(PlanningError, match="该任务由濮阳县下达，只有濮阳县或上级管理员才能修改"):
        save_task(plan.town_admin, village=world.village, year=task.year, star_code=task.star_code, title="改成别的任务",
                  deadline=task.deadline, task=task)
    assert set_task_status(task, plan.town_admin, "doing").status == "doing"  # moving it forward is the town's work
    cancelled = set_task_status(task, plan.county_admin, "cancelled", reason="县里调整部署")
    assert cancelled.status == "cancelled"
    with pytest.raises(PlanningError, match="只有濮阳县或上级管理员才能取消或恢复"):
        set_task_status(cancelled, plan.town_admin, "todo", reason="恢复")
    town_task = plan.task(title="镇里自己的任务")
    assert set_task_status(town_task, plan.town_admin, "cancelled", reason="重复").status == "cancelled"
