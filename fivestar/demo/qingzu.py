"""庆祖镇 in full detail: areas, categories, people, the responsibility chain and one account per role.

Everything is keyed on natural keys and generated from a fixed seed, so loading twice changes nothing.
"""

from django.contrib.auth import get_user_model
from django.db import transaction

from fivestar.core.roles import Role
from fivestar.orgs.models import Area, Category, Level, OrgUnit
from fivestar.people.models import Duty, Person, Position, Responsibility, RoleAssignment

from .names import NameMaker

TOWN_CODE = "410928103"
COUNTY_CODE = "410928"
PROVINCE_CODE = "41"
DEMO_PASSWORD = "fivestar-demo"
CN_NUMBERS = "一二三四五六七八九十"

# The seed names these villages; the lead ones are the ones it celebrates.
LEAD = ["西辛庄村", "庆南村", "后郑寨村", "常寨村"]
SPRINT = ["东台上村", "张榆林头村", "潘家村", "张贾村", "太平村", "郎寨村", "前武陵村", "庆中村", "庆北村", "东辛庄村", "前郑寨村", "水屯村"]
BASE = ["翟砦村"]
AREAS = [  # 片区 name → village-code suffix range (inclusive), following the town's geography by code order
    ("庆祖中心片区", ("001", "210")),
    ("还城片区", ("211", "224")),
    ("郑寨片区", ("225", "240")),
    ("武陵片区", ("241", "255")),
]


def _category(display_name: str) -> str:
    if display_name in LEAD:
        return Category.LEAD
    if display_name in SPRINT:
        return Category.SPRINT
    if display_name in BASE:
        return Category.BASE
    return Category.IMPROVE


class QingzuDemo:
    def __init__(self, seed: str = "qingzu-2023"):
        self.names = NameMaker(seed)
        self.accounts: list[tuple[str, str, str]] = []

    @transaction.atomic
    def load(self):
        self.town = OrgUnit.objects.get(code=TOWN_CODE)
        self.villages = list(OrgUnit.objects.filter(parent=self.town, level=Level.VILLAGE).order_by("code"))
        self.areas = self._areas_and_categories()
        self.leaders = self._town_leaders()
        self.cadres = self._town_cadres()
        for village in self.villages:
            self._village(village)
        self._accounts()

    def _areas_and_categories(self) -> dict[str, Area]:
        areas = {}
        for name, (low, high) in AREAS:
            area, _ = Area.objects.get_or_create(town=self.town, name=name, defaults={"note": "按地理位置划分"})
            areas[name] = area
        for village in self.villages:
            suffix = village.code[-3:]
            area = next(areas[n] for n, (lo, hi) in AREAS if lo <= suffix <= hi)
            category = _category(village.display_name) if village.branch_type == "rural" else ""
            if village.area_id != area.id or village.category != category:
                village.area, village.category = area, category
                village.save()
        return areas

    def _person(self, unit, position, party=True, gender=None, **extra) -> Person:
        name, gender = self.names.person(gender)
        phone = self.names.phone()
        person, _ = Person.objects.get_or_create(
            org_unit=unit, name=name, position=position,
            defaults={"gender": gender, "phone": phone, "is_party_member": party, **extra},
        )
        return person

    def _town_leaders(self) -> dict[str, Person]:
        leaders = {}
        for area in self.areas.values():
            leader = self._person(self.town, Position.TOWN_LEADER)
            Responsibility.objects.get_or_create(duty=Duty.AREA, person=leader, org_unit=self.town, area=area)
            leaders[area.name] = leader
        return leaders

    def _town_cadres(self) -> list[Person]:
        cadres = [self._person(self.town, Position.TOWN_CADRE) for _ in range(19)]
        for i, village in enumerate(self.villages):
            Responsibility.objects.get_or_create(duty=Duty.VILLAGE, person=cadres[i % len(cadres)], org_unit=village)
        return cadres

    def _village(self, village: OrgUnit):
        rng = self.names.rng
        groups = []
        for n in range(1, 3 + int(village.code[-2:]) % 4 + 1):
            code = f"{village.code}{n:03d}"
            group = OrgUnit.objects.filter(code=code).first() or OrgUnit.objects.create(
                code=code, name=f"第{CN_NUMBERS[n - 1]}村民小组", level=Level.GROUP, parent=village
            )
            groups.append(group)
        secretary = self._person(village, Position.SECRETARY)
        director = self._person(village, Position.DIRECTOR)
        cadres = [secretary, director] + [self._person(village, Position.VILLAGE_CADRE, party=rng.random() < 0.7) for _ in range(2)]
        for i, group in enumerate(groups):
            Responsibility.objects.get_or_create(duty=Duty.GROUP, person=cadres[i % len(cadres)], org_unit=group)
        for _ in range(8 + int(village.code[-2:]) % 9):
            member = self._person(village, Position.PARTY_MEMBER)
            heads = "\n".join(self.names.person()[0] for _ in range(3)) if rng.random() < 0.3 else ""
            Responsibility.objects.get_or_create(
                duty=Duty.HOUSEHOLDS, person=member, org_unit=village,
                defaults={"household_count": rng.randint(5, 15), "household_heads": heads},
            )

    def _account(self, username: str, role: str, unit: OrgUnit, area: Area | None = None, person: Person | None = None, superuser=False):
        User = get_user_model()
        user = User.objects.filter(username=username).first()
        if user is None:
            user = User.objects.create_user(username=username, password=DEMO_PASSWORD, is_staff=superuser, is_superuser=superuser)
        elif not user.check_password(DEMO_PASSWORD):
            user.set_password(DEMO_PASSWORD)
            user.save(update_fields=["password"])
        RoleAssignment.objects.get_or_create(user=user, role=role, org_unit=unit, area=area)
        if person is not None and person.user_id != user.id:
            person.user = user
            person.save()
        where = area.name if area else unit.display_name
        self.accounts.append((username, Role(role).label, where))
        return user

    def _accounts(self):
        province = OrgUnit.objects.get(code=PROVINCE_CODE)
        county = OrgUnit.objects.get(code=COUNTY_CODE)
        xxz = next(v for v in self.villages if v.display_name == "西辛庄村")
        area = xxz.area
        self._account("admin", Role.SYSADMIN, province, superuser=True)
        self._account("puyangxian", Role.COUNTY_ADMIN, county)
        self._account("qingzu", Role.TOWN_ADMIN, self.town, person=self._person(self.town, Position.TOWN_CADRE, note="镇党委组织委员"))
        self._account("dudao", Role.SUPERVISOR, self.town, person=self._person(self.town, Position.TOWN_CADRE, note="督导组成员"))
        self._account("baopian", Role.AREA_LEADER, self.town, area=area, person=self.leaders[area.name])
        liaison = Responsibility.objects.filter(duty=Duty.VILLAGE, org_unit=xxz).select_related("person").first().person
        user = self._account("baocun", Role.VILLAGE_LIAISON, xxz, person=liaison)
        for r in Responsibility.objects.filter(duty=Duty.VILLAGE, person=liaison).select_related("org_unit"):
            RoleAssignment.objects.get_or_create(user=user, role=Role.VILLAGE_LIAISON, org_unit=r.org_unit, area=None)
        secretary = Person.objects.get(org_unit=xxz, position=Position.SECRETARY)
        self._account("xixinzhuang", Role.VILLAGE_CADRE, xxz, person=secretary)
        self._account("guanchayuan", Role.OBSERVER, county)
