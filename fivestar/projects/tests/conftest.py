"""Projects world: tests.factories.World plus a cadre of the sibling village (the investor) and a promotion meeting."""

import datetime

import pytest

from fivestar.core.roles import Role
from tests.factories import user_with_role


class Proj:
    def __init__(self, world):
        from fivestar.meetings.models import Meeting, MeetingKind

        self.world = world
        self.town_admin = world.users[Role.TOWN_ADMIN]
        self.county_admin = world.users[Role.COUNTY_ADMIN]
        self.cadre = world.users[Role.VILLAGE_CADRE]
        self.investor = user_with_role("qingnan", Role.VILLAGE_CADRE, world.sibling)
        self.outsider = user_with_role("bagongqiao", Role.VILLAGE_CADRE, world.other_village)
        self.meeting = Meeting.objects.create(org_unit=world.town, kind=MeetingKind.PROMOTION, title="2026年项目推介会",
                                              date=datetime.date(2026, 3, 10), status="held")

    def publish(self, **kw):
        from fivestar.projects.services.projects import publish

        fields = {"name": "食用菌大棚", "industry": "食用菌", "investment": "800000", "expected_return": "60000", **kw}
        return publish(self.cadre, self.world.village, **fields)

    def agreed(self):
        from fivestar.projects.services.agreements import record_agreement
        from fivestar.projects.services.projects import express_interest

        p = self.publish()
        express_interest(self.investor, p, self.world.sibling, amount_value="300000")
        record_agreement(self.town_admin, p, signed_on="2026-03-10", meeting=self.meeting,
                         participants=[{"village": self.world.village.code, "share": "60", "amount": "500000"},
                                       {"village": self.world.sibling.code, "share": "40", "amount": "300000"}])
        p.refresh_from_db()
        return p


@pytest.fixture
def proj(world):
    return Proj(world)
