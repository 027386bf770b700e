"""A board world for the screens and exports: the planning world (tests.factories.World and the shipped frameworks)
with real targets, holdings, problems and kept board figures rebuilt the way the app does it."""

import pytest
from django.utils import timezone

from fivestar.planning.tests.conftest import days, plan  # noqa: F401
from fivestar.rating.tests.conftest import frameworks  # noqa: F401

YEAR = timezone.localdate().year


class Screens:
    def __init__(self, plan):
        self.plan = plan
        self.world = plan.world

    def target(self, village, rating=2, stars=("cyxw", "stjy")):
        self.plan.target(village=village, rating=rating, stars=stars, year=YEAR)

    def hold(self, village, code, lost_at=None, reason=""):
        from fivestar.rating.models import StarHolding

        return StarHolding.objects.create(org_unit=village, star_code=code, star_name=code,
                                          gained_at=timezone.now() - days(400), lost_at=lost_at, lost_reason=reason)

    def problem(self, village, star="cyxw", overdue=True):
        from fivestar.supervision.models import Problem

        today = timezone.localdate()
        return Problem.objects.create(org_unit=village, star_code=star, description="问题", found_on=today,
                                      deadline=today - days(1) if overdue else today + days(5), overdue=overdue,
                                      status="pending")

    def village(self, town, code, name, **kw):
        from tests.factories import unit

        from fivestar.orgs.models import Level

        return unit(code, name, Level.VILLAGE, town, **kw)

    def rebuild(self):
        from fivestar.boards.services import rebuild_board_stats

        rebuild_board_stats(YEAR)

    def standard(self):
        """Targets, stars held, an overdue problem, and the figures rebuilt."""
        w = self.world
        self.target(w.village, rating=2, stars=("cyxw", "stjy"))
        self.hold(w.village, "zbgy")
        self.hold(w.sibling, "cyxw")
        self.hold(w.sibling, "zbgy")
        self.hold(w.other_village, "cyxw")
        self.problem(w.village, star="stjy")
        self.rebuild()
        return self


@pytest.fixture
def screens(plan):  # noqa: F811
    return Screens(plan)
