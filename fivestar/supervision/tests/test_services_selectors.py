"""Lists are scoped in SQL, filtered, ordered by deadline, one query whatever the size; evidence dedupe."""

import datetime

import pytest
from django.utils import timezone

from fivestar.rating.models import Evidence
from fivestar.supervision.selectors import inspections_for, problem_for, problems_for, village_open_problems
from fivestar.supervision.services import accept, record_inspection, submit_rectification

pytestmark = pytest.mark.django_db


@pytest.fixture
def spread(sup, world):
    today = timezone.localdate()
    found = today - datetime.timedelta(days=20)
    return {
        "late": sup.problem(description="厕所改造未完成", found_on=found, deadline=today - datetime.timedelta(days=2),
                            star_code="S2", rule_code="S2-03", team=sup.team),
        "soon": sup.problem(description="宣传栏破损", severity="serious", rule_code="S1-01"),
        "sibling": sup.problem(village=world.sibling, description="道路坑洼", team=sup.team),
        "far": sup.problem(user=sup.county_supervisor, village=world.other_village, description="水渠淤堵"),
    }


def names(qs):
    return [p.description for p in qs]


def test_each_role_sees_its_own_subtree(sup, world, spread):
    assert set(names(problems_for(sup.secretary_user))) == {"厕所改造未完成", "宣传栏破损"}
    assert set(names(problems_for(sup.sibling_cadre))) == {"道路坑洼"}
    assert set(names(problems_for(sup.supervisor))) == {"厕所改造未完成", "宣传栏破损", "道路坑洼"}
    assert set(names(problems_for(sup.area_user))) == {"厕所改造未完成", "宣传栏破损"}  # 包片: its area's villages
    assert len(problems_for(sup.observer)) == 4 and len(problems_for(sup.other_town_supervisor)) == 1
    assert problem_for(sup.sibling_cadre, spread["late"].pk) is None
    assert problem_for(sup.secretary_user, spread["late"].pk).pk == spread["late"].pk


def test_filters_and_order(sup, world, spread):
    user = sup.county_supervisor
    assert names(problems_for(user, overdue=True)) == ["厕所改造未完成"]
    assert "厕所改造未完成" not in names(problems_for(user, overdue=False))
    assert names(problems_for(user, unit=world.town))[0] == "厕所改造未完成"  # by deadline
    assert set(names(problems_for(user, area=world.area))) == {"厕所改造未完成", "宣传栏破损"}
    assert set(names(problems_for(user, team=sup.team))) == {"厕所改造未完成", "道路坑洼"}
    assert names(problems_for(user, star="S2")) == ["厕所改造未完成"]
    assert names(problems_for(user, severity=["serious"])) == ["宣传栏破损"]
    assert names(problems_for(user, q="水渠")) == ["水渠淤堵"] and names(problems_for(user, q="城关")) == []
    today = timezone.localdate()
    assert names(problems_for(user, period=(None, today - datetime.timedelta(days=1)))) == ["厕所改造未完成"]
    submit_rectification(spread["soon"], sup.secretary_user, "已更换")
    accept(spread["soon"], sup.supervisor)
    assert names(problems_for(user, status="closed")) == ["宣传栏破损"]
    assert set(names(problems_for(user, status=["pending", "checking"]))) == {"厕所改造未完成", "道路坑洼", "水渠淤堵"}


def test_a_list_page_is_one_query(sup, world, spread, django_assert_num_queries):
    for i in range(15):
        sup.problem(description=f"更多问题{i}", team=sup.team)
    with django_assert_num_queries(2):  # the user's grants, then the page
        rows = [(p.org_unit.display_name, p.org_unit.parent.display_name, getattr(p.responsible, "name", ""),
                 getattr(p.team, "name", "")) for p in problems_for(sup.supervisor)[:20]]
    assert len(rows) == 18 and rows[0][2] == "王书记"


def test_review_page_sees_the_village_open_problems_by_rule(sup, world, spread):
    assert names(village_open_problems(world.village)) == ["厕所改造未完成", "宣传栏破损"]
    assert names(village_open_problems(world.village, rule_codes=["S2-03"])) == ["厕所改造未完成"]
    assert names(village_open_problems(world.village, star_codes=["S2"])) == ["厕所改造未完成"]
    submit_rectification(spread["late"], sup.secretary_user, "已完成")
    accept(spread["late"], sup.supervisor)
    assert names(village_open_problems(world.village, rule_codes=["S2-03"])) == []


def test_a_village_sees_inspections_naming_it(sup, world):
    record_inspection(sup.supervisor, sup.team, date=timezone.localdate(), kind="routine", villages=[world.village])
    record_inspection(sup.supervisor, sup.team, date=timezone.localdate(), kind="special", villages=[world.sibling])
    assert [i.kind for i in inspections_for(sup.secretary_user)] == ["routine"]
    assert len(inspections_for(sup.supervisor)) == 2 and len(inspections_for(sup.other_town_supervisor)) == 0


def test_the_same_photo_twice_is_one_evidence_row(sup, world):
    first = sup.photo()
    again = sup.photo()
    assert again.pk == first.pk and Evidence.objects.count() == 1
    elsewhere = sup.photo(unit=world.sibling)
    assert elsewhere.pk != first.pk and Evidence.objects.count() == 2
