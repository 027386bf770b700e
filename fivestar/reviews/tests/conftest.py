"""A small review world on tests.factories.World: the village's and the sibling's secretaries, a 包村 cadre of both
villages, the area's 包片 leader, and a year of records written as rows (holdings, targets, problems, tasks,
commitments, a published observation ranking and flags)."""

import datetime

import pytest
from django.utils import timezone

from fivestar.core.roles import Role
from fivestar.people.models import Duty, Person, Position, Responsibility
from tests.factories import user_with_role

YEAR = timezone.localdate().year - 1


def at(month, day=1):
    return timezone.make_aware(datetime.datetime(YEAR, month, day, 10))


class Rev:
    def __init__(self, w):
        from fivestar.observation.models import FlagEntry, FlagRound, ObservationEvent, RankingEntry
        from fivestar.planning.models import Commitment, LedgerTask, VillageTarget
        from fivestar.rating.models import StarHolding
        from fivestar.supervision.models import Problem

        self.w = w
        self.town_admin = w.users[Role.TOWN_ADMIN]
        self.county_admin = w.users[Role.COUNTY_ADMIN]
        self.other_town_admin = user_with_role("othertown", Role.TOWN_ADMIN, w.other_town)
        self.secretary = Person.objects.create(user=w.users[Role.VILLAGE_CADRE], org_unit=w.village, name="王书记", gender="M",
                                               position=Position.SECRETARY)
        self.sibling_secretary = Person.objects.create(org_unit=w.sibling, name="孙书记", gender="M", position=Position.SECRETARY)
        self.cadre = Person.objects.create(user=w.users[Role.VILLAGE_LIAISON], org_unit=w.town, name="李包村", gender="F",
                                           position=Position.TOWN_CADRE)
        Responsibility.objects.create(duty=Duty.VILLAGE, person=self.cadre, org_unit=w.village)
        Responsibility.objects.create(duty=Duty.VILLAGE, person=self.cadre, org_unit=w.sibling)
        self.leader = Person.objects.create(user=w.users[Role.AREA_LEADER], org_unit=w.town, name="赵包片", gender="M",
                                            position=Position.TOWN_LEADER)
        Responsibility.objects.create(duty=Duty.AREA, person=self.leader, org_unit=w.town, area=w.area)
        for code in ("cyxw", "stjy", "paf"):
            StarHolding.objects.create(org_unit=w.village, star_code=code, star_name=code, gained_at=at(3))
        StarHolding.objects.create(org_unit=w.sibling, star_code="cyxw", star_name="cyxw", gained_at=at(2))
        StarHolding.objects.create(org_unit=w.sibling, star_code="stjy", star_name="stjy", gained_at=at(2), lost_at=at(6),
                                   lost_reason="摘星")
        VillageTarget.objects.create(year=YEAR, org_unit=w.village, target_rating=4)
        VillageTarget.objects.create(year=YEAR, org_unit=w.sibling, target_rating=1)
        d = datetime.date
        Problem.objects.create(org_unit=w.village, description="问题一", found_on=d(YEAR, 4, 1), deadline=d(YEAR, 4, 10),
                               status="closed", closed_at=at(4, 8))
        Problem.objects.create(org_unit=w.village, description="问题二", found_on=d(YEAR, 5, 1), deadline=d(YEAR, 5, 10))
        Problem.objects.create(org_unit=w.sibling, description="问题三", found_on=d(YEAR, 5, 1), deadline=d(YEAR, 5, 10),
                               status="closed", closed_at=at(5, 20))
        LedgerTask.objects.create(org_unit=w.village, year=YEAR, star_code="cyxw", title="任务一", deadline=d(YEAR, 6, 1),
                                  status="done", completed_on=d(YEAR, 5, 30))
        LedgerTask.objects.create(org_unit=w.village, year=YEAR, star_code="cyxw", title="任务二", deadline=d(YEAR, 6, 1),
                                  status="done", completed_on=d(YEAR, 6, 30))
        for month, grade in ((1, "优秀"), (2, "一般"), (3, "")):
            Commitment.objects.create(org_unit=w.village, month=d(YEAR, month, 1), person=self.secretary, content="承诺", grade=grade)
        event = ObservationEvent.objects.create(org_unit=w.town, title="第一季度观摩", date=d(YEAR, 3, 20), status="published")
        RankingEntry.objects.create(event=event, village=w.village, score=90, rank=1, observer_count=5)
        RankingEntry.objects.create(event=event, village=w.sibling, score=80, rank=2, observer_count=5)
        rnd = FlagRound.objects.create(town=w.town, period_start=d(YEAR, 3, 1), period_end=d(YEAR, 3, 31), status="published",
                                       red_count=1, black_count=1)
        FlagEntry.objects.create(round=rnd, village=w.village, score=90, rank=1, flag="red")
        FlagEntry.objects.create(round=rnd, village=w.sibling, score=60, rank=2, flag="black")

    def compute(self, user=None):
        from fivestar.reviews.services import compute_town

        return compute_town(user or self.town_admin, self.w.town, YEAR)

    def pack(self, person, kind=None):
        from fivestar.reviews.models import ReviewPack

        qs = ReviewPack.objects.filter(person=person, year=YEAR)
        return qs.get(kind=kind) if kind else qs.get()


@pytest.fixture
def rev(world, settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    return Rev(world)
