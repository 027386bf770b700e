"""Small, explicit builders for test data: a real hierarchy, real users, real roles."""

from django.contrib.auth import get_user_model

from fivestar.core.roles import Role
from fivestar.orgs.models import Area, Level, OrgUnit
from fivestar.people.models import Person, RoleAssignment

PASSWORD = "test-pass-12345"


def unit(code: str, name: str, level: int, parent: OrgUnit | None = None, **extra) -> OrgUnit:
    return OrgUnit.objects.create(code=code, name=name, level=level, parent=parent, **extra)


def user_with_role(username: str, role: str, org_unit: OrgUnit, area: Area | None = None, **person):
    user = get_user_model().objects.create_user(username=username, password=PASSWORD)
    RoleAssignment.objects.create(user=user, role=role, org_unit=org_unit, area=area)
    if person:
        Person.objects.create(user=user, org_unit=org_unit, **person)
    return user


class World:
    """Two counties; county A has towns T1 (with an area) and T2; each town has two villages."""

    def __init__(self):
        self.province = unit("41", "河南省", Level.PROVINCE)
        self.city = unit("4109", "濮阳市", Level.CITY, self.province)
        self.county = unit("410928", "濮阳县", Level.COUNTY, self.city)
        self.other_county = unit("410922", "清丰县", Level.COUNTY, self.city)
        self.town = unit("410928103", "庆祖镇", Level.TOWN, self.county)
        self.other_town = unit("410928104", "八公桥镇", Level.TOWN, self.county)
        self.far_town = unit("410922100", "城关镇", Level.TOWN, self.other_county)
        self.area = Area.objects.create(town=self.town, name="西片区")
        self.village = unit("410928103205", "西辛庄村委会", Level.VILLAGE, self.town, area=self.area, category="lead")
        self.sibling = unit("410928103201", "庆南村委会", Level.VILLAGE, self.town, category="lead")
        self.community = unit("410928103001", "龙鑫苑社区居民委员会", Level.VILLAGE, self.town)
        self.other_village = unit("410928104201", "八公桥村委会", Level.VILLAGE, self.other_town)
        self.far_village = unit("410922100201", "城关村委会", Level.VILLAGE, self.far_town)
        self.group = unit("410928103205001", "第一村民小组", Level.GROUP, self.village)

        self.users = {
            Role.SYSADMIN: user_with_role("sys", Role.SYSADMIN, self.province),
            Role.COUNTY_ADMIN: user_with_role("county", Role.COUNTY_ADMIN, self.county),
            Role.TOWN_ADMIN: user_with_role("town", Role.TOWN_ADMIN, self.town),
            Role.SUPERVISOR: user_with_role("supervisor", Role.SUPERVISOR, self.town),
            Role.AREA_LEADER: user_with_role("arealeader", Role.AREA_LEADER, self.town, area=self.area),
            Role.VILLAGE_LIAISON: user_with_role("liaison", Role.VILLAGE_LIAISON, self.village),
            Role.VILLAGE_CADRE: user_with_role("secretary", Role.VILLAGE_CADRE, self.village),
            Role.OBSERVER: user_with_role("observer", Role.OBSERVER, self.county),
        }
