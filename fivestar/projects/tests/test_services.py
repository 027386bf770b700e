"""Services: publishing, interest, agreements, stages, returns flowing into collective income, incentive policy."""

from decimal import Decimal

import pytest

from fivestar.indicators.models import CollectiveIncome
from fivestar.indicators.registry import values_for
from fivestar.indicators.services import IncomeValues, save_income
from fivestar.projects import selectors
from fivestar.projects.models import Interest, Project, ProjectReturn, Stage
from fivestar.projects.services.agreements import record_agreement, record_returns, set_stage
from fivestar.projects.services.errors import ProjectDenied, ProjectError
from fivestar.projects.services.incentives import set_policy
from fivestar.projects.services.projects import express_interest, publish

pytestmark = pytest.mark.django_db


def test_publish_attributed_with_history(proj):
    p = proj.publish()
    assert p.stage == Stage.PLANNED and p.created_by == proj.cadre
    assert p.history.first().history_user == proj.cadre
    assert "发布项目" in p.events.first().what


@pytest.mark.parametrize("field,value,message", [("investment", "abc", "所需投资应为数字"), ("investment", "-5", "应大于 0"),
                                                 ("investment", "1e12", "超过 10 亿元"), ("name", "", "请填写项目名称"),
                                                 ("industry", "x" * 31, "最多 30 个字"), ("investment", "NaN", "应为数字")])
def test_publish_bad_input_in_chinese(proj, field, value, message):
    with pytest.raises(ProjectError, match=message):
        proj.publish(**{field: value})
    assert not Project.objects.exists()


def test_other_village_cannot_publish_for_this_village(proj):
    with pytest.raises(ProjectDenied):
        publish(proj.investor, proj.world.village, name="x", industry="x", investment="1")


def test_interest_from_sibling_only(proj):
    p = proj.publish()
    i = express_interest(proj.investor, p, proj.world.sibling, amount_value="200000", note="愿意入股")
    assert i.amount == Decimal("200000.00") and i.created_by == proj.investor
    # Again: updated, not duplicated.
    express_interest(proj.investor, p, proj.world.sibling, amount_value="250000")
    assert Interest.objects.get().amount == Decimal("250000")
    with pytest.raises(ProjectError, match="不能对本村"):
        express_interest(proj.cadre, p, proj.world.village, amount_value="1")
    with pytest.raises(ProjectDenied):
        express_interest(proj.outsider, p, proj.world.other_village, amount_value="1")


def test_sibling_sees_catalogue_outsider_does_not(proj):
    p = proj.publish()
    assert list(selectors.visible(proj.investor)) == [p]
    assert list(selectors.visible(proj.outsider)) == []
    assert list(selectors.visible(proj.county_admin)) == [p]


def test_agreement_only_by_town_and_moves_stage(proj):
    p = proj.publish()
    with pytest.raises(ProjectDenied):
        record_agreement(proj.cadre, p, signed_on="2026-03-10", participants=[{"village": proj.world.village.code, "share": "100"}])
    with pytest.raises(ProjectError, match="合计不能超过 100%"):
        record_agreement(proj.town_admin, p, signed_on="2026-03-10", participants=[{"village": proj.world.village.code, "share": "60"},
                                                                                   {"village": proj.world.sibling.code, "share": "41"}])
    with pytest.raises(ProjectError, match="本乡镇"):
        record_agreement(proj.town_admin, p, signed_on="2026-03-10", participants=[{"village": proj.world.other_village.code, "share": "10"}])
    with pytest.raises(ProjectError, match="格式应为"):
        record_agreement(proj.town_admin, p, signed_on="yesterday", participants=[{"village": proj.world.village.code, "share": "10"}])
    p = proj.agreed()
    assert p.stage == Stage.AGREED
    assert p.agreements.get().meeting == proj.meeting


def test_stage_needs_agreement(proj):
    p = proj.publish()
    with pytest.raises(ProjectError, match="尚未登记签约"):
        set_stage(proj.town_admin, p, Stage.BUILDING)
    p = proj.agreed()
    set_stage(proj.town_admin, p, Stage.BUILDING)
    with pytest.raises(ProjectError, match="阶段无效"):
        set_stage(proj.town_admin, p, "junk")
    with pytest.raises(ProjectDenied):
        set_stage(proj.cadre, p, Stage.OPERATING)


def test_returns_flow_into_income_without_double_count(proj):
    w = proj.world
    save_income(proj.cadre, w.village, IncomeValues(2025, Decimal("100000")))
    p = proj.agreed()
    record_returns(proj.town_admin, p, 2025, {w.village.code: "30000", w.sibling.code: "20000"})
    village = CollectiveIncome.objects.get(org_unit=w.village, year=2025)
    assert village.amount == Decimal("130000") and village.project_returns == Decimal("30000")
    sibling = CollectiveIncome.objects.get(org_unit=w.sibling, year=2025)
    assert sibling.amount == Decimal("20000") and "项目收益" in sibling.note
    assert values_for(w.sibling, 2025)["collective_income"] == 20000
    # Edit: replaced, not added.
    record_returns(proj.town_admin, p, 2025, {w.village.code: "35000"})
    assert CollectiveIncome.objects.get(org_unit=w.village, year=2025).amount == Decimal("135000")
    # The village re-entering its own income keeps the project part.
    save_income(proj.cadre, w.village, IncomeValues(2025, Decimal("110000")))
    assert CollectiveIncome.objects.get(org_unit=w.village, year=2025).amount == Decimal("145000")
    # Removing the return takes it out again.
    record_returns(proj.town_admin, p, 2025, {w.village.code: ""})
    assert CollectiveIncome.objects.get(org_unit=w.village, year=2025).amount == Decimal("110000")
    assert ProjectReturn.objects.filter(village=w.village).count() == 0


def test_returns_refused(proj):
    w = proj.world
    p = proj.publish()
    with pytest.raises(ProjectError, match="尚未签约"):
        record_returns(proj.town_admin, p, 2025, {w.village.code: "1"})
    p = proj.agreed()
    with pytest.raises(ProjectError, match="不是该项目的签约参与村"):
        record_returns(proj.town_admin, p, 2025, {w.community.code: "1"})
    with pytest.raises(ProjectError, match="年度"):
        record_returns(proj.town_admin, p, 2999, {w.village.code: "1"})
    with pytest.raises(ProjectDenied):
        record_returns(proj.investor, p, 2025, {w.village.code: "1"})
    assert not ProjectReturn.objects.exists()


def test_policy_orders_catalogue_with_reason(proj):
    from django.utils import timezone

    from fivestar.rating.models import StarHolding

    w = proj.world
    a = proj.publish(name="甲")
    b = publish(proj.investor, w.sibling, name="乙", industry="辣椒", investment="100000")
    for code in ("a", "b", "c", "d"):
        StarHolding.objects.create(org_unit=w.sibling, star_code=code, star_name=code, gained_at=timezone.now())
    qs, _ = selectors.catalogue(proj.town_admin, {})
    rows = selectors.with_reasons(list(qs))
    assert [r.pk for r in rows] == [b.pk, a.pk]
    assert "4星支部：项目支持优先级 1" in rows[0].reason
    # The town puts 0-star branches first (an odd policy, to see it applied).
    set_policy(proj.town_admin, w.town, {str(s): {"priority": 1 if s == 0 else 5} for s in range(6)})
    rows = selectors.with_reasons(list(selectors.catalogue(proj.town_admin, {})[0]))
    assert [r.pk for r in rows] == [a.pk, b.pk] and "庆祖镇激励政策" in rows[0].reason
    with pytest.raises(ProjectError, match="优先级"):
        set_policy(proj.town_admin, w.town, {"5": {"priority": "x"}})
    with pytest.raises(ProjectDenied):
        set_policy(proj.cadre, w.town, {})


def test_catalogue_filters_and_junk(proj):
    w = proj.world
    proj.publish(name="甲", investment="300000")
    publish(proj.investor, w.sibling, name="乙", industry="辣椒", investment="3000000")
    q = lambda **p: [x.name for x in selectors.catalogue(proj.town_admin, p)[0]]  # noqa: E731
    assert q(industry="辣椒") == ["乙"]
    assert q(amount="lt50") == ["甲"]
    assert q(amount="gte200") == ["乙"]
    assert sorted(q(stage="junk", amount="zzz", min="abc", sort="'; drop")) == ["乙", "甲"]
    assert q(stage="agreed") == []


def test_returns_move_both_villages_income_rule(proj):
    """The income rule itself, not only the figure it reads: a return to each participant moves its score."""
    from fivestar.standards.engine import evaluate, load_framework
    from fivestar.standards.tests.engine_helpers import rule, single

    framework = load_framework(single(rule("r", "metric", 10, indicator="collective_income",
                                           thresholds=[{"min": 50000, "points": 6}, {"min": 100000, "points": 10}])))
    w = proj.world
    save_income(proj.cadre, w.village, IncomeValues(2025, Decimal("80000")))

    def score(village):
        return evaluate(framework, {}, indicators=values_for(village, 2025)).stars[0].rule_scores["r"]

    assert (score(w.village), score(w.sibling)) == (6, 0)
    record_returns(proj.town_admin, proj.agreed(), 2025, {w.village.code: "30000", w.sibling.code: "60000"})
    assert (score(w.village), score(w.sibling)) == (10, 6)
