"""Targets and plans: who may save them, what is refused (naming the village, nothing half saved), the history,
and the plan check's per-rating and per-star warnings."""

import pytest

from fivestar.core.models import AuditEvent
from fivestar.planning.models import UnitPlan, VillageTarget
from fivestar.planning.services import (PlanningError, category_label, plan_check, save_plan, save_planning_settings,
                                        save_targets)

pytestmark = pytest.mark.django_db


def row(village, rating=2, stars=("cyxw", "stjy"), category="lead"):
    return {"village": village, "category": category, "target_rating": rating, "target_stars": list(stars)}


def test_targets_saved_by_town_and_county_admins_refused_to_others(plan, world):
    assert save_targets(plan.town_admin, 2025, [row(world.village)]) == 1
    assert save_targets(plan.county_admin, 2025, [row(world.sibling, 1, ["paf"])]) == 1
    target = VillageTarget.objects.get(year=2025, org_unit=world.village)
    assert (target.category, target.target_rating, target.target_stars, target.updated_by) == ("lead", 2, ["cyxw", "stjy"], plan.town_admin)
    for user in (plan.other_town_admin, plan.secretary_user, plan.liaison_user, plan.observer, plan.supervisor):
        with pytest.raises(PlanningError) as refused:
            save_targets(user, 2025, [row(world.village, 3, ["cyxw", "stjy", "paf"])])
        assert "无权设置「西辛庄" in refused.value.message
    assert VillageTarget.objects.get(year=2025, org_unit=world.village).target_rating == 2


def test_saving_the_same_targets_again_changes_nothing_and_history_is_kept(plan, world):
    save_targets(plan.town_admin, 2025, [row(world.village)])
    assert save_targets(plan.town_admin, 2025, [row(world.village)]) == 0
    assert save_targets(plan.town_admin, 2025, [row(world.village, 3, ["stjy", "cyxw", "paf"])]) == 1
    target = VillageTarget.objects.get(year=2025, org_unit=world.village)
    assert target.target_stars == ["cyxw", "stjy", "paf"]  # the framework's order
    assert target.history.count() == 2
    events = AuditEvent.objects.filter(model="planning.villagetarget", object_id=str(target.pk)).order_by("at", "id")
    assert [e.user_id for e in events] == [plan.town_admin.pk] * 2
    assert any(c["label"] == "目标星级" and c["new"] == "3" for c in events.last().changes)


@pytest.mark.parametrize("bad, words", [
    (row(None), "只能设置到村"),
    ({**row(None), "village": "x"}, "只能设置到村"),
    (row("v", 2, ["cyxw", "nope"]), "目标星「nope」不是该村适用标准中的星"),
    (row("v", 6, []), "目标星级应为 0 到 5"),
    (row("v", "五", []), "目标星级应为 0 到 5"),
    (row("v", 3, ["cyxw", "stjy"]), "目标星级为 3 星，但选择了 2 颗目标星（产业兴旺星、生态宜居星）"),
    (row("v", 2, ["gjgx", "yyxy"]), "不是该村适用标准中的星"),  # community stars for a rural village
    (row("v", category="capital"), "创建类别无效"),
])
def test_refusals_name_the_village_and_save_nothing(plan, world, bad, words):
    if bad["village"] == "v":
        bad = {**bad, "village": world.village}
    with pytest.raises(PlanningError) as refused:
        save_targets(plan.town_admin, 2025, [row(world.sibling), bad])
    assert words in refused.value.message
    if bad["village"] == world.village:
        assert "西辛庄村" in refused.value.message
    assert not VillageTarget.objects.exists()


def test_a_rating_without_stars_a_duplicate_village_and_the_year(plan, world):
    assert save_targets(plan.town_admin, 2025, [row(world.village, 4, [])]) == 1
    with pytest.raises(PlanningError, match="重复出现"):
        save_targets(plan.town_admin, 2025, [row(world.sibling), row(world.sibling)])
    with pytest.raises(PlanningError, match="年度"):
        save_targets(plan.town_admin, 1999, [row(world.sibling)])
    assert not VillageTarget.objects.filter(org_unit=world.sibling).exists()


def test_a_community_aims_at_the_community_stars(plan, world):
    world.community.refresh_from_db()
    assert world.community.branch_type == "community"
    save_targets(plan.town_admin, 2025, [row(world.community, 2, ["gjgx", "yyxy"])])
    assert VillageTarget.objects.get(org_unit=world.community).target_stars == ["gjgx", "yyxy"]


def test_plan_saved_per_role_and_checked(plan, world):
    with pytest.raises(PlanningError, match="只能按乡镇或县"):
        save_plan(plan.town_admin, world.village, 2025, {"5": 1}, {})
    for user in (plan.other_town_admin, plan.secretary_user, plan.observer):
        with pytest.raises(PlanningError, match="无权制定"):
            save_plan(user, world.town, 2025, {"5": 1}, {})
    with pytest.raises(PlanningError, match="星级「9」无效"):
        save_plan(plan.town_admin, world.town, 2025, {"9": 1}, {})
    with pytest.raises(PlanningError, match="不小于 0 的整数"):
        save_plan(plan.town_admin, world.town, 2025, {"5": -1}, {})
    with pytest.raises(PlanningError, match="星「xx」"):
        save_plan(plan.town_admin, world.town, 2025, {"5": 1}, {"xx": 1})
    assert not UnitPlan.objects.exists()
    saved = save_plan(plan.town_admin, world.town, 2025, {"5": 1, "2": "1", "3": 0}, {"cyxw": 2, "stjy": 1})
    assert saved.rating_counts == {"5": 1, "2": 1} and saved.star_counts == {"cyxw": 2, "stjy": 1}
    assert save_plan(plan.county_admin, world.county, 2025, {"5": 4}, {}).org_unit == world.county


def test_plan_check_lists_every_mismatch_in_chinese(plan, world):
    check = plan_check(world.town, 2025)
    assert check["plan"] is None and "尚未制定 2025 年度创建计划" in check["warnings"][0]
    assert "还有 3 个村（社区）未设置 2025 年度创建目标" in check["warnings"][-1]
    save_plan(plan.town_admin, world.town, 2025, {"5": 1, "2": 2}, {"cyxw": 2, "stjy": 1})
    save_targets(plan.town_admin, 2025, [row(world.village), row(world.sibling, 2, ["cyxw", "paf"]),
                                         row(world.community, 2, ["gjgx", "yyxy"], "base")])
    check = plan_check(world.town, 2025)
    assert check["villages"] == 3 and check["with_target"] == 3
    ratings = {r["rating"]: r for r in check["ratings"]}
    assert ratings[5] == {"rating": 5, "name": "五星", "plan": 1, "targets": 0, "ok": False}
    assert ratings[2]["targets"] == 3 and not ratings[2]["ok"]
    stars = {s["code"]: s for s in check["stars"]}
    assert stars["cyxw"]["targets"] == 2 and stars["cyxw"]["ok"]
    assert stars["stjy"]["ok"] and not stars["paf"]["ok"] and stars["gjgx"]["targets"] == 1
    assert "计划五星村 1 个，各村目标合计 0 个，相差 1 个。" in check["warnings"]
    assert "计划二星村 2 个，各村目标合计 3 个，相差 1 个。" in check["warnings"]
    assert "计划获得平安法治星的村 0 个，各村目标合计 1 个。" in check["warnings"]
    assert check["categories"]["lead"] == ("领航村", 2) and not check["ok"]
    save_plan(plan.town_admin, world.town, 2025, {"2": 3}, {"cyxw": 2, "stjy": 1, "paf": 1, "gjgx": 1, "yyxy": 1})
    assert plan_check(world.town, 2025)["warnings"] == [] and plan_check(world.town, 2025)["ok"]
    # the county adds up its towns' villages
    assert plan_check(world.county, 2025)["with_target"] == 3


def test_town_category_names(plan, world):
    assert category_label(world.village, "sprint") == "冲刺村"
    save_planning_settings(plan.town_admin, world.town, category_labels={"sprint": "攻坚村"}, grade_scale=["好", "中", "差"])
    assert category_label(world.village, "sprint") == "攻坚村" and category_label(world.town, "lead") == "领航村"
    with pytest.raises(PlanningError, match="无权"):
        save_planning_settings(plan.other_town_admin, world.town, grade_scale=["好", "差"])
    with pytest.raises(PlanningError, match="不能重复"):
        save_planning_settings(plan.town_admin, world.town, category_labels={"sprint": "领航村"})


def test_targets_grid_reads_every_visible_village_with_its_target_in_one_query(plan, world, django_assert_num_queries):
    from fivestar.planning.selectors import targets_for

    save_targets(plan.town_admin, 2025, [row(world.village), row(world.sibling, 1, ["paf"])])
    save_targets(plan.town_admin, 2026, [row(world.village, 1, ["wmxf"])])
    targets_for(plan.town_admin, world.town, 2025).exists()  # the user's grants, read once per request
    with django_assert_num_queries(1):
        rows = {v.code: v for v in targets_for(plan.town_admin, world.town, 2025)}
        assert rows[world.village.code].parent.display_name == "庆祖镇"
    assert set(rows) == {world.village.code, world.sibling.code, world.community.code}
    assert (rows[world.village.code].target_rating, rows[world.village.code].target_stars) == (2, ["cyxw", "stjy"])
    assert rows[world.community.code].target_id is None and rows[world.community.code].target_stars is None
    assert [v.code for v in targets_for(plan.secretary_user, world.town, 2025)] == [world.village.code]
    assert list(targets_for(plan.other_town_admin, world.town, 2025)) == []
    assert targets_for(plan.county_admin, None, 2026).get(pk=world.village.pk).target_stars == ["wmxf"]
