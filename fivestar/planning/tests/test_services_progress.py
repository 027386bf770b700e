"""Progress against targets: stars held (StarHolding) and the latest assessment's stored evaluation, for many
villages in a number of queries that does not grow with them."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from fivestar.orgs.models import Level
from fivestar.planning.services import progress_for, progress_summary, save_targets
from fivestar.rating.models import Assessment, StarHolding
from fivestar.rating.services.answers import save_answers
from fivestar.rating.tests.conftest import full_marks
from tests.factories import unit

pytestmark = pytest.mark.django_db


def hold(village, *codes, lost=()):
    now = timezone.now()
    for code in codes:
        StarHolding.objects.create(org_unit=village, star_code=code, star_name=code, gained_at=now)
    for code in lost:
        StarHolding.objects.create(org_unit=village, star_code=code, star_name=code, gained_at=now, lost_at=now)


def earn(village, user, *stars):
    """Full marks on the rules of `stars` in the village's assessment (the rating app evaluates and stores it)."""
    a = Assessment.objects.select_related("round", "framework").get(org_unit=village)
    values = {code: v for code, v in full_marks(a.framework).items() if code.split("-")[0] in stars}
    return save_answers(a, user, "village", values=values, expected_version=a.version)


def test_held_stars_assessed_stars_and_what_is_missing(plan, world, make_round):
    make_round()  # 2023
    save_targets(plan.town_admin, 2023, [
        {"village": world.village, "category": "lead", "target_rating": 3, "target_stars": ["cyxw", "stjy", "paf"]},
        {"village": world.sibling, "category": "lead", "target_rating": 1, "target_stars": ["paf"]}])
    hold(world.village, "cyxw", lost=["stjy"])
    hold(world.sibling, "paf")
    earn(world.village, plan.secretary_user, "cyxw", "stjy")
    progress = progress_for([world.village, world.sibling, world.community], 2023)
    mine = progress[world.village.pk]
    assert (mine["current_rating"], mine["current_stars"], mine["target_rating"], mine["target_stars"]) == (
        1, ["cyxw"], 3, ["cyxw", "stjy", "paf"])
    assert mine["missing_stars"] == ["stjy", "paf"] and mine["missing_names"] == "生态宜居星、平安法治星"
    assert mine["assessed_stars"] == ["cyxw", "stjy"] and mine["assessed_rating"] == 2
    assert mine["missing_in_assessment"] == ["paf"] and mine["round_phase"] == "open" and not mine["reached"]
    assert progress[world.sibling.pk]["reached"] and progress[world.sibling.pk]["missing_stars"] == []
    community = progress[world.community.pk]
    assert not community["has_target"] and community["target_stars"] == [] and community["assessed_stars"] == []
    assert progress_summary(progress) == {"villages": 3, "with_target": 2, "reached": 1,
                                          "by_rating": {3: {"targets": 1, "reached": 0}, 1: {"targets": 1, "reached": 1}}}
    assert progress_for([world.village], 2024)[world.village.pk]["assessment_id"] is None  # another year's rounds


def test_query_count_does_not_grow_with_the_villages(plan, world, make_round):
    make_round()
    more = [unit(f"410928103{300 + i}", f"新村{i}", Level.VILLAGE, world.town) for i in range(12)]
    save_targets(plan.town_admin, 2023, [{"village": v, "category": "", "target_rating": 1, "target_stars": ["cyxw"]}
                                         for v in [world.village, *more]])
    for v in more[:6]:
        hold(v, "cyxw", "paf")

    def queries(villages):
        with CaptureQueriesContext(connection) as ctx:
            result = progress_for(villages, 2023)
        assert len(result) == len(villages)
        return len(ctx.captured_queries)

    few = queries([world.village, more[0]])
    many = queries([world.village, world.sibling, *more])
    assert few == many <= 6
    names = {"cyxw": "产业兴旺星"}
    with CaptureQueriesContext(connection) as ctx:
        progress_for([v.pk for v in more], 2023, names=names)
    assert len(ctx.captured_queries) == 3
