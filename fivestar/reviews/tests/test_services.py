"""Computing a town's packs from the records, aggregating a cadre's villages, adjustments with rank, constant queries."""

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from fivestar.core.models import AuditEvent
from fivestar.people.models import Duty, Person, Position, Responsibility
from fivestar.reviews.models import ReviewAdjustment, ReviewPack
from fivestar.reviews.services import ReviewError, adjust, compute_town, save_settings

from .conftest import YEAR

pytestmark = pytest.mark.django_db


def test_packs_are_computed_from_the_records(rev):
    packs = rev.compute()
    assert len(packs) == 4
    sec = rev.pack(rev.secretary)
    f = sec.snapshot["figures"]
    assert (f["held"], f["target"], f["problems"], f["problems_closed_on_time"], f["problems_open_overdue"]) == (3, 4, 2, 1, 1)
    assert (f["tasks"], f["tasks_on_time"], f["commitments"], f["commitments_graded"], f["commitments_kept"]) == (2, 1, 3, 2, 1)
    assert (f["observation_avg_rank"], f["red_flags"], f["black_flags"]) == (1.0, 1, 0)
    assert sec.score == Decimal("63.75") and sec.computed_grade == sec.grade == "一般"
    assert rev.pack(rev.sibling_secretary).score == Decimal("61.25")
    assert sec.rank == 1 and rev.pack(rev.sibling_secretary).rank == 2


def test_a_cadre_is_reviewed_over_all_their_villages(rev):
    rev.compute()
    cadre = rev.pack(rev.cadre)
    f = cadre.snapshot["figures"]
    assert cadre.kind == "cadre" and sorted(cadre.villages) == sorted([rev.w.village.pk, rev.w.sibling.pk])
    assert (f["villages"], f["held"], f["target"], f["problems"], f["problems_closed_on_time"]) == (2, 4, 5, 3, 1)
    assert (f["red_flags"], f["black_flags"], f["observation_percentile"]) == (1, 1, 0.5)
    assert cadre.score == Decimal("55.67") and cadre.grade == "差"
    leader = rev.pack(rev.leader)  # 包片: the area's villages (only the village is in the area)
    assert leader.villages == [rev.w.village.pk] and leader.snapshot["duties"] == ["包片：西片区"]


def _add_cadres(rev, n, start=0):
    for i in range(start, start + n):
        p = Person.objects.create(org_unit=rev.w.town, name=f"干部{i}", gender="M", position=Position.TOWN_CADRE)
        Responsibility.objects.create(duty=Duty.VILLAGE, person=p, org_unit=rev.w.community)
        Responsibility.objects.create(duty=Duty.VILLAGE, person=p, org_unit=rev.w.village)


def test_queries_do_not_grow_with_people_or_villages(rev):
    rev.compute()
    _add_cadres(rev, 1)
    with CaptureQueriesContext(connection) as small:
        rev.compute()
    _add_cadres(rev, 6, start=1)
    Person.objects.create(org_unit=rev.w.community, name="社区书记", gender="F", position=Position.SECRETARY)
    with CaptureQueriesContext(connection) as big:
        rev.compute()
    assert len(big.captured_queries) == len(small.captured_queries) <= 21
    assert ReviewPack.objects.filter(year=YEAR).count() == 12


def test_recompute_keeps_an_adjusted_grade_and_comment(rev):
    rev.compute()
    pack = rev.pack(rev.secretary)
    adjust(rev.town_admin, pack, "较好", reason="全年无信访，群众满意度高", comment="工作扎实")
    rev.compute()
    pack.refresh_from_db()
    assert (pack.computed_grade, pack.grade, pack.comment) == ("一般", "较好", "工作扎实")
    a = ReviewAdjustment.objects.get(pack=pack)
    assert (a.from_grade, a.to_grade, a.level, a.user) == ("一般", "较好", 4, rev.town_admin)
    assert AuditEvent.objects.filter(model="reviews.reviewpack", object_id=str(pack.pk)).exists()


def test_adjusting_needs_a_reason_and_rank(rev, world):
    from fivestar.core.roles import Role

    rev.compute()
    pack = rev.pack(rev.secretary)
    with pytest.raises(ReviewError, match="调整理由"):
        adjust(rev.town_admin, pack, "好")
    with pytest.raises(ReviewError, match="等次应为"):
        adjust(rev.town_admin, pack, "优", reason="x")
    for user in (world.users[Role.SUPERVISOR], world.users[Role.VILLAGE_CADRE], world.users[Role.OBSERVER]):
        with pytest.raises(ReviewError) as e:
            adjust(user, pack, "好", reason="x")
        assert e.value.status == 403
    adjust(rev.county_admin, pack, "差", reason="县级核查发现台账造假")
    pack.refresh_from_db()
    with pytest.raises(ReviewError, match="已由县级调整") as e:
        adjust(rev.town_admin, pack, "好", reason="镇级认为应为好")
    assert e.value.status == 403
    adjust(rev.town_admin, pack, "", comment="镇级意见：同意县级")  # a comment is still welcome
    pack.refresh_from_db()
    assert pack.grade == "差" and pack.comment == "镇级意见：同意县级"
    with pytest.raises(ReviewError) as e:
        adjust(rev.county_admin, pack, "好", reason="x", expected_version=1)
    assert e.value.status == 409


def test_settings_change_the_score_town_over_county(rev):
    save_settings(rev.county_admin, rev.w.county, {"stars": 100, **{k: 0 for k in ("changes", "problems", "ledger", "commitments",
                                                                                   "observation", "flags")}}, {})
    rev.compute()
    assert rev.pack(rev.secretary).score == Decimal("75.00")
    with pytest.raises(ReviewError) as e:
        save_settings(rev.town_admin, rev.w.county, {}, {})
    assert e.value.status == 403
    save_settings(rev.town_admin, rev.w.town, {}, {"好": 60, "较好": 50, "一般": 40})
    rev.compute()
    assert rev.pack(rev.secretary).grade == "好"


def test_compute_refuses_lower_roles_and_bad_year(rev, world):
    from fivestar.core.roles import Role

    with pytest.raises(ReviewError) as e:
        compute_town(world.users[Role.SUPERVISOR], world.town, YEAR)
    assert e.value.status == 403
    with pytest.raises(ReviewError, match="年度"):
        compute_town(rev.town_admin, world.town, "abc")
    with pytest.raises(ReviewError, match="乡镇"):
        compute_town(rev.town_admin, world.village, YEAR)
