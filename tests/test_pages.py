"""What the org pages show, checked against the data (not just that they render)."""

import pytest

from fivestar.orgs.models import Level, OrgUnit
from fivestar.people.models import Person


@pytest.mark.django_db
def test_town_page_counts_categories_once_per_village(world, login):
    for i in range(3):  # villager groups must not multiply the counts
        OrgUnit.objects.create(code=f"410928103201{i + 1:03d}", name=f"第{i + 1}组", level=Level.GROUP, parent=world.sibling)
    page = login(world.users["town_admin"]).get("/orgs/410928103/").content.decode()
    assert "领航村 2" in page and "冲刺村 0" in page


@pytest.mark.django_db
def test_village_page_lists_the_secretary_first_and_hides_inactive_people(world, login):
    Person.objects.create(org_unit=world.village, name="阿党员", gender="M", position="party_member", is_party_member=True)
    Person.objects.create(org_unit=world.village, name="赵书记", gender="M", position="secretary", is_party_member=True)
    Person.objects.create(org_unit=world.village, name="钱离任", gender="M", position="director", active=False)
    page = login(world.users["village_cadre"]).get("/orgs/410928103205/").content.decode()
    assert page.index("赵书记") < page.index("阿党员")
    assert "钱离任" not in page


@pytest.mark.django_db
def test_home_offers_self_assessment_only_to_those_who_fill_it(world, login):
    village = login(world.users["village_cadre"]).get("/").content.decode()
    assert 'data-testid="village-todo"' in village and 'data-testid="nav-my_assessments"' in village  # its home is its to-do
    observer = login(world.users["observer"]).get("/").content.decode()
    assert 'data-testid="home-my-assessments"' not in observer and 'data-testid="village-todo"' not in observer
