"""Activities world: tests.factories.World plus village people (a secretary linked to the cadre's account)."""

import pytest

from fivestar.core.roles import Role
from fivestar.people.models import Person
from fivestar.rating.tests.conftest import frameworks  # noqa: F401 - the shipped frameworks, published


class Act:
    def __init__(self, world):
        self.world = world
        self.town_admin = world.users[Role.TOWN_ADMIN]
        self.county_admin = world.users[Role.COUNTY_ADMIN]
        self.cadre = world.users[Role.VILLAGE_CADRE]
        self.secretary = Person.objects.create(org_unit=world.village, name="李示例", gender="M", position="secretary",
                                               is_party_member=True, user=self.cadre)
        self.members = [Person.objects.create(org_unit=world.village, name=f"党员{i}", gender="M", position="party_member",
                                              is_party_member=True) for i in range(4)]
        self.mentor = Person.objects.create(org_unit=world.sibling, name="王导师", gender="M", position="secretary", is_party_member=True)

    def kind(self, code):
        from fivestar.activities.services.kinds import kinds_for

        return next(k for k in kinds_for(self.world.town) if k.code == code)


@pytest.fixture
def act(world):
    return Act(world)
