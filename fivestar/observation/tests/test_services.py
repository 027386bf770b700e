"""Events (scoring per role, ranking, publishing), flag rounds (inputs, confirm, publish, twice black) and the
indicator a rule reads from published flags."""

import datetime
from decimal import Decimal as D

import pytest
from django.utils import timezone

from fivestar.inbox.models import Notification
from fivestar.indicators.registry import values_for, values_for_many
from fivestar.observation.models import FlagEntry, FlagRound, RankingEntry
from fivestar.observation.services.errors import ObservationError
from fivestar.observation.services.events import compute_ranking, publish_ranking
from fivestar.observation.services.flags import confirm_flags, propose_flags, publish_flags
from fivestar.observation.services.town_settings import save_settings
from fivestar.standards.engine import evaluate, load_framework
from fivestar.standards.tests.engine_helpers import rule, single
from fivestar.supervision.models import Problem

pytestmark = pytest.mark.django_db


def test_observers_score_ranking_drops_extremes_and_publish(obs):
    w, event = obs.world, obs.event()
    for i, observer in enumerate(obs.observers):  # village: totals 100, 90, 80, 70, 0 → drop 100 and 0 → 80
        obs.score(event, observer, w.village, [100, 90, 80, 70, 0][i], [100, 90, 80, 70, 0][i])
        obs.score(event, observer, w.sibling, 80, 80)
    obs.score(event, obs.observers[0], w.community, 70, 70)
    with pytest.raises(ObservationError, match="请为「产业发展」填写"):
        obs.score(event, obs.observers[1], w.community, 70)  # every item must be scored
    rows = compute_ranking(event)
    assert [(r["code"], r["score"], r["rank"], r["dropped"], r["observers"]) for r in rows] == [
        (w.sibling.code, D("80.00"), 1, True, 5), (w.village.code, D("80.00"), 1, True, 5), (w.community.code, D("70.00"), 3, False, 1)]
    publish_ranking(obs.town_admin, event)
    assert RankingEntry.objects.filter(event=event, village=w.village, rank=1, dropped_extremes=True).exists()
    with pytest.raises(ObservationError, match="已发布"):
        obs.score(event, obs.observers[0], w.village, 10, 10)


def test_only_listed_observers_score_and_scores_are_checked(obs):
    w, event = obs.world, obs.event(observers=obs.observers[:2])
    with pytest.raises(ObservationError, match="不是本次观摩的评分人"):
        obs.score(event, obs.outsider, w.village, 50, 50)
    with pytest.raises(ObservationError, match="不是本次观摩的评分人"):
        obs.score(event, obs.town_admin, w.village, 50, 50)
    with pytest.raises(ObservationError, match="0 至 100"):
        obs.score(event, obs.observers[0], w.village, 50, 101)
    with pytest.raises(ObservationError, match="不在本次观摩"):
        obs.score(event, obs.observers[0], w.other_village, 50, 50)
    with pytest.raises(ObservationError, match="无权发布"):
        publish_ranking(obs.observers[0], event)
    with pytest.raises(ObservationError, match="没有任何完整的评分"):
        publish_ranking(obs.town_admin, event)


def test_event_creation_refused_out_of_scope(obs):
    w = obs.world
    with pytest.raises(ObservationError, match="本辖区"):
        obs.event(villages=[w.village, w.other_village])
    with pytest.raises(ObservationError, match="权重"):
        obs.event(items=[{"name": "环境", "weight": "abc"}])


def _problem(village, day, star="stjy"):
    return Problem.objects.create(org_unit=village, star_code=star, description="垃圾乱堆", deadline=day, found_on=day)


def _month_flags(obs, day, publish=True):
    rnd = propose_flags(obs.town_admin, obs.world.town, day)
    if publish:
        publish_flags(obs.town_admin, confirm_flags(obs.town_admin, rnd))
    return rnd


def test_flags_from_problems_confirm_publish_twice_black_and_indicator(obs):
    w = obs.world
    save_settings(obs.town_admin, w.town, red_count=1, black_count=1)
    _problem(w.village, datetime.date(2026, 1, 10)); _problem(w.village, datetime.date(2026, 1, 11))  # noqa: E702
    _problem(w.sibling, datetime.date(2026, 1, 12)); _problem(w.sibling, datetime.date(2026, 1, 12), star="cyxw")  # noqa: E702
    rnd = _month_flags(obs, datetime.date(2026, 1, 5), publish=False)
    flags = dict(FlagEntry.objects.filter(round=rnd).values_list("village__display_name", "flag"))
    assert flags == {"龙鑫苑社区": "red", "庆南村": "", "西辛庄村": "black"}
    with pytest.raises(ObservationError, match="不能发布"):
        publish_flags(obs.town_admin, rnd)
    with pytest.raises(ObservationError, match="无权"):
        confirm_flags(obs.cadre, rnd)
    publish_flags(obs.town_admin, confirm_flags(obs.town_admin, rnd))
    assert FlagRound.objects.get(pk=rnd.pk).status == "published"
    with pytest.raises(ObservationError, match="不能重新评选"):
        propose_flags(obs.town_admin, w.town, datetime.date(2026, 1, 20))
    _problem(w.village, datetime.date(2026, 2, 3))
    feb = _month_flags(obs, datetime.date(2026, 2, 1))
    entry = FlagEntry.objects.get(round=feb, village=w.village)
    assert entry.flag == "black" and entry.attention
    assert Notification.objects.filter(user=obs.town_admin, dedupe_key=f"black-twice-{w.village.pk}-{feb.pk}").count() == 1
    # the indicator a 生态宜居星 rule reads: black flags this year, from published rounds only
    assert values_for(w.village, 2026)["black_flags_year"] == 2
    many = values_for_many([w.village.pk, w.community.pk, w.other_village.pk], 2026)
    assert many[w.community.pk]["no_black_flag_year"] == 1 and w.other_village.pk not in many
    data = single(rule("stjy-x", "metric", 5, thresholds=[{"min": 1, "points": 5}], indicator="no_black_flag_year"))
    fw = load_framework(data)
    assert evaluate(fw, {}, indicators=values_for(w.village, 2026)).stars[0].rule_scores["stjy-x"] == 0
    assert evaluate(fw, {}, indicators=values_for(w.community, 2026)).stars[0].rule_scores["stjy-x"] == 5


def test_flags_refused_for_future_and_too_few_villages(obs):
    w = obs.world
    with pytest.raises(ObservationError, match="尚未开始"):
        propose_flags(obs.town_admin, w.town, timezone.localdate() + datetime.timedelta(days=62))
    with pytest.raises(ObservationError, match="参评村只有 3 个"):
        propose_flags(obs.town_admin, w.town, datetime.date(2026, 1, 5))  # default 3 red + 3 black
