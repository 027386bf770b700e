"""Observation world: tests.factories.World plus five observer accounts (observer role over the town)."""

import datetime

import pytest

from fivestar.core.roles import Role
from tests.factories import user_with_role


class Obs:
    def __init__(self, world):
        self.world = world
        self.town_admin = world.users[Role.TOWN_ADMIN]
        self.cadre = world.users[Role.VILLAGE_CADRE]
        self.observers = [user_with_role(f"obs{i}", Role.OBSERVER, world.town) for i in range(5)]
        self.outsider = user_with_role("obsx", Role.OBSERVER, world.town)

    def event(self, observers=None, villages=None, items=None, **kw):
        from fivestar.observation.services.events import create_event

        w = self.world
        items = items or [{"name": "环境卫生", "weight": 60}, {"name": "产业发展", "weight": 40}]
        return create_event(self.town_admin, w.town, title=kw.pop("title", "第一季度观摩"), date=kw.pop("date", datetime.date(2026, 3, 20)),
                            items=items, observer_ids=[u.pk for u in (observers or self.observers)],
                            village_ids=[v.pk for v in (villages or [w.village, w.sibling, w.community])], **kw)

    def score(self, event, observer, village, *values):
        from fivestar.observation.services.events import save_scores

        return save_scores(observer, event, village, {item.pk: v for item, v in zip(event.items.all(), values)})


@pytest.fixture
def obs(world):
    return Obs(world)
