"""The inbox shows people by name and post, never by login name: a notification carries no sender, and what the
workflow writes into one (a return, an approval, a withdrawn star) names no account; the page's own header
names the signed-in person."""

import re

import pytest

from fivestar.core.roles import Role
from fivestar.people.models import Person
from fivestar.rating.models import Assessment
from fivestar.rating.services import approve, return_for_changes, submit
from fivestar.rating.tests.conftest import frameworks, make_round  # noqa: F401  (fixtures)
from fivestar.rating.tests.notice_helpers import fill

pytestmark = pytest.mark.django_db


def test_the_inbox_names_no_login_name(world, make_round, login):  # noqa: F811
    secretary, town, county = world.users[Role.VILLAGE_CADRE], world.users[Role.TOWN_ADMIN], world.users[Role.COUNTY_ADMIN]
    Person.objects.create(user=secretary, org_unit=world.village, name="王书记", gender="M", position="secretary")
    Person.objects.create(user=town, org_unit=world.town, name="欧春生", gender="M", position="town_leader")
    a = Assessment.objects.get(round=make_round(), org_unit=world.village)
    a = submit(fill(a, secretary), secretary, ["paf"])
    a = return_for_changes(a, town, "town", "请补充会议记录", {"paf-01-01": "照片不清"})
    a = submit(a, secretary, ["paf"])
    approve(approve(a, town, "town"), county, "county")
    html = login(secretary).get("/inbox/").content.decode()
    assert html.count('data-testid="notification"') >= 3 and "退回修改" in html and "请补充会议记录" in html
    text = re.sub(r"<[^>]+>", " ", html[html.index("<main"):])
    for account in world.users.values():
        assert not re.search(rf"(?<![\w/.-]){re.escape(account.username)}(?![\w/.-])", text), account.username
    assert "王书记" in html  # the signed-in person, by name
