"""Monthly commitments: who posts, for which month; results for the current or the previous month until graded;
the town grades on its own scale once the result is in or the month is over; every write in the audit log."""

import datetime

import pytest

from fivestar.core.models import AuditEvent
from fivestar.demo.clock import at, pinned
from fivestar.people.models import Person
from fivestar.planning.selectors import commitments_for
from fivestar.planning.services import (PlanningError, grade_commitment, month_start, post_commitment, post_result,
                                        save_planning_settings)

pytestmark = pytest.mark.django_db
MAR = datetime.date(2027, 3, 1)


def day(month, d, year=2027):
    return at(datetime.date(year, month, d))


def test_posting_per_role_and_month(plan, world):
    with pinned(day(3, 10)):
        c = post_commitment(plan.secretary_user, world.village, datetime.date(2027, 3, 17), plan.secretary, "  完成道路硬化\u200b ", "cyxw")
        assert (c.month, c.content, c.star_code, c.created_by) == (MAR, "完成道路硬化", "cyxw", plan.secretary_user)
        ahead = post_commitment(plan.liaison_user, world.village, "2027-04", plan.liaison, "召开党员大会")  # 包村干部
        assert ahead.month == datetime.date(2027, 4, 1)
        with pytest.raises(PlanningError, match="2027年2月已过"):
            post_commitment(plan.secretary_user, world.village, datetime.date(2027, 2, 1), plan.secretary, "补填")
        with pytest.raises(PlanningError, match="不能提前填写2027年5月"):
            post_commitment(plan.secretary_user, world.village, datetime.date(2027, 5, 1), plan.secretary, "远期")
        for user in (plan.town_admin, plan.county_admin, plan.observer, plan.sibling_cadre, plan.area_user):
            with pytest.raises(PlanningError, match="无权为「西辛庄村」晒承诺"):
                post_commitment(user, world.village, MAR, plan.secretary, "x")
        with pytest.raises(PlanningError, match="不是「西辛庄村」的村干部或包村干部"):
            post_commitment(plan.secretary_user, world.village, MAR, plan.sibling_secretary, "x")
        gone = Person.objects.create(org_unit=world.village, name="离任者", gender="M", position="village_cadre", active=False)
        with pytest.raises(PlanningError, match="已不在职"):
            post_commitment(plan.secretary_user, world.village, MAR, gone, "x")
        with pytest.raises(PlanningError, match="请填写承诺事项"):
            post_commitment(plan.secretary_user, world.village, MAR, plan.secretary, "  ")
        with pytest.raises(PlanningError, match="不是该村适用标准中的星"):
            post_commitment(plan.secretary_user, world.village, MAR, plan.secretary, "x", "gjgx")
        with pytest.raises(PlanningError, match="月份格式"):
            post_commitment(plan.secretary_user, world.village, "三月", plan.secretary, "x")
    task = plan.task(deadline=datetime.date(2027, 3, 30), star_code="paf")
    other = plan.task(village=world.sibling, deadline=datetime.date(2027, 3, 30))
    with pinned(day(3, 10)):
        linked = post_commitment(plan.secretary_user, world.village, MAR, plan.secretary, "完善村规民约", task=task)
        assert linked.task == task and linked.star_code == "paf"
        with pytest.raises(PlanningError, match="不属于本村"):
            post_commitment(plan.secretary_user, world.village, MAR, plan.secretary, "x", task=other)
    assert AuditEvent.objects.filter(model="planning.commitment", action="create", user=plan.liaison_user,
                                     object_id=str(ahead.pk), org_unit=world.village).exists()


def test_results_for_the_current_or_previous_month_until_graded(plan, world):
    with pinned(day(3, 2)):
        march = post_commitment(plan.secretary_user, world.village, MAR, plan.secretary, "完成道路硬化")
        april = post_commitment(plan.secretary_user, world.village, datetime.date(2027, 4, 1), plan.secretary, "召开党员大会")
        with pytest.raises(PlanningError, match="2027年4月尚未开始"):
            post_result(april, plan.secretary_user, "提前完成")
        with pytest.raises(PlanningError, match="无权为「西辛庄村」亮业绩"):
            post_result(march, plan.town_admin, "已完成")
        photo = plan.evidence()
        foreign = plan.evidence(unit=world.sibling, user=plan.sibling_cadre, color=(0, 0, 200))
        with pytest.raises(PlanningError, match="不属于「西辛庄村」"):
            post_result(march, plan.secretary_user, "已完成", [foreign])
        done = post_result(march, plan.secretary_user, "已完成 2 公里", [photo])
        assert done.result == "已完成 2 公里" and list(done.result_evidence.all()) == [photo] and done.result_at
    with pinned(day(4, 30)):
        again = post_result(march, plan.liaison_user, "已完成 2.5 公里")  # the previous month: still open
        assert again.result == "已完成 2.5 公里"
    with pinned(day(5, 1)):
        with pytest.raises(PlanningError, match="已过填报期"):
            post_result(march, plan.secretary_user, "补")
        post_result(april, plan.secretary_user, "已召开")
        grade_commitment(april, plan.town_admin, "优秀")
        with pytest.raises(PlanningError, match="镇级已点评"):
            post_result(april, plan.secretary_user, "改")
    changes = AuditEvent.objects.filter(model="planning.commitment", object_id=str(march.pk), action="update").order_by("id")
    assert [e.user for e in changes] == [plan.secretary_user, plan.liaison_user]
    assert changes.first().changes[1]["label"] == "业绩佐证"


def test_grading_on_the_towns_scale(plan, world):
    with pinned(day(3, 2)):
        c = post_commitment(plan.secretary_user, world.village, MAR, plan.secretary, "完成道路硬化")
        silent = post_commitment(plan.secretary_user, world.village, MAR, plan.liaison, "走访农户")
        with pytest.raises(PlanningError, match="尚未亮业绩，月底前不能点评"):
            grade_commitment(c, plan.town_admin, "优秀")
        post_result(c, plan.secretary_user, "已完成")
        for user in (plan.secretary_user, plan.liaison_user, plan.observer, plan.other_town_admin):
            with pytest.raises(PlanningError, match="无权点评"):
                grade_commitment(c, user, "优秀")
        with pytest.raises(PlanningError, match="评价等次应为 优秀、良好、一般、较差 之一"):
            grade_commitment(c, plan.town_admin, "满分")
        graded = grade_commitment(c, plan.town_admin, "良好", "进度较快")
        assert (graded.grade, graded.town_comment, graded.graded_by) == ("良好", "进度较快", plan.town_admin)
        save_planning_settings(plan.town_admin, world.town, grade_scale=["A", "B", "C"])
        with pytest.raises(PlanningError, match="A、B、C"):
            grade_commitment(c, plan.county_admin, "良好")
        assert grade_commitment(c, plan.county_admin, "A").grade == "A"
    with pinned(day(4, 1)):  # the month is over: a commitment without result may be graded
        assert grade_commitment(silent, plan.town_admin, "C", "未亮业绩").grade == "C"
    graded_events = AuditEvent.objects.filter(model="planning.commitment", object_id=str(c.pk), summary__startswith="点评")
    assert graded_events.count() == 2


def test_lists_are_scoped(plan, world, django_assert_num_queries):
    with pinned(day(3, 2)):
        mine = post_commitment(plan.secretary_user, world.village, MAR, plan.secretary, "完成道路硬化")
        theirs = post_commitment(plan.sibling_cadre, world.sibling, MAR, plan.sibling_secretary, "建设文化广场")
    assert list(commitments_for(plan.secretary_user)) == [mine]
    assert set(commitments_for(plan.town_admin, month="2027-03")) == {mine, theirs}
    assert list(commitments_for(plan.town_admin, village=world.sibling)) == [theirs]
    assert list(commitments_for(plan.other_town_admin)) == [] and list(commitments_for(plan.town_admin, month=month_start("2027-04"))) == []
    assert list(commitments_for(plan.county_admin, person=plan.secretary)) == [mine]
    with django_assert_num_queries(1):
        assert [c.person.name + c.org_unit.display_name for c in commitments_for(plan.county_admin)]
