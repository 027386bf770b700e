"""The planning world (tests/factories.World + people, frameworks) reused for meetings, plus a dispatch series of
the town with its secretary and 包村干部 as default attendees."""

import pytest

from fivestar.planning.tests.conftest import Plan, frameworks, make_round, plan, published_framework  # noqa: F401


@pytest.fixture
def series(plan):
    from fivestar.meetings.models import MeetingKind
    from fivestar.meetings.services import save_series

    return save_series(plan.town_admin, unit=plan.world.town, kind=MeetingKind.DISPATCH, place="镇政府三楼会议室",
                       attendees=[plan.liaison, plan.area_leader])
