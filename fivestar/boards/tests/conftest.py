"""A small board world on top of the planning world (tests.factories.World + the shipped frameworks): real
targets, holdings, assessments, problems, tasks and flags written through the services or as rows."""

import datetime

import pytest
from django.utils import timezone

from fivestar.planning.tests.conftest import Plan, days, plan  # noqa: F401
from fivestar.rating.tests.conftest import frameworks, make_round, published_framework  # noqa: F401

YEAR = timezone.localdate().year


class Board:
    def __init__(self, plan):
        self.plan = plan
        self.world = plan.world

    def target(self, village, rating=2, stars=("cyxw", "stjy"), year=YEAR):
        self.plan.target(village=village, rating=rating, stars=stars, year=year)

    def hold(self, village, code, lost_at=None, reason=""):
        from fivestar.rating.models import StarHolding

        return StarHolding.objects.create(org_unit=village, star_code=code, star_name=code, gained_at=timezone.now() - days(400),
                                          lost_at=lost_at, lost_reason=reason)

    def problem(self, village, star="cyxw", overdue=False, status="pending", found_on=None, closed_at=None):
        from fivestar.supervision.models import Problem

        today = timezone.localdate()
        return Problem.objects.create(org_unit=village, star_code=star, description="问题", found_on=found_on or today,
                                      deadline=today - days(1) if overdue else today + days(5), overdue=overdue, status=status,
                                      closed_at=closed_at)

    def task(self, village, star="cyxw", overdue=False, deadline=None, status="todo"):
        from fivestar.planning.models import LedgerTask

        today = timezone.localdate()
        return LedgerTask.objects.create(org_unit=village, year=YEAR, star_code=star, title="任务", status=status,
                                         deadline=deadline or (today - days(1) if overdue else today + days(30)), overdue=overdue)


@pytest.fixture
def board(plan):  # noqa: F811
    return Board(plan)
