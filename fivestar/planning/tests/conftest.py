"""A small planning world on top of tests.factories.World: the shipped 2023 frameworks published, the village's
secretary and its 包村干部 (person with an account, Responsibility duty=village), the 包片领导 of its area, a
county administrator, a sibling village's cadre, an observer; helpers for targets, tasks and real evidence files."""

import datetime
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from fivestar.core.roles import Role
from fivestar.people.models import Duty, Person, Position, Responsibility
from fivestar.rating.tests.conftest import frameworks, make_round, published_framework  # noqa: F401
from tests.factories import user_with_role

# Rural stars of puyang-2023-rural: zbgy requires the four others.
RURAL = ["zbgy", "cyxw", "stjy", "paf", "wmxf"]


def png(color=(200, 30, 30), size=(8, 8), name="photo.png") -> SimpleUploadedFile:
    out = io.BytesIO()
    Image.new("RGB", size, color).save(out, "PNG")
    return SimpleUploadedFile(name, out.getvalue(), content_type="image/png")


class Plan:
    def __init__(self, world):
        w = self.world = world
        self.secretary_user = w.users[Role.VILLAGE_CADRE]
        self.secretary = Person.objects.create(user=self.secretary_user, org_unit=w.village, name="王书记", gender="M",
                                               position=Position.SECRETARY)
        self.liaison_user = w.users[Role.VILLAGE_LIAISON]
        self.liaison = Person.objects.create(user=self.liaison_user, org_unit=w.town, name="李包村", gender="F",
                                             position=Position.TOWN_CADRE)
        Responsibility.objects.create(duty=Duty.VILLAGE, person=self.liaison, org_unit=w.village)
        self.area_user = w.users[Role.AREA_LEADER]
        self.area_leader = Person.objects.create(user=self.area_user, org_unit=w.town, name="赵包片", gender="M",
                                                 position=Position.TOWN_LEADER)
        Responsibility.objects.create(duty=Duty.AREA, person=self.area_leader, org_unit=w.town, area=w.area)
        self.town_admin = w.users[Role.TOWN_ADMIN]
        self.county_admin = w.users[Role.COUNTY_ADMIN]
        self.observer = w.users[Role.OBSERVER]
        self.supervisor = w.users[Role.SUPERVISOR]
        self.other_town_admin = user_with_role("othertown", Role.TOWN_ADMIN, w.other_town)
        self.sibling_cadre = user_with_role("siblingcadre", Role.VILLAGE_CADRE, w.sibling)
        self.sibling_secretary = Person.objects.create(user=self.sibling_cadre, org_unit=w.sibling, name="孙书记", gender="M",
                                                       position=Position.SECRETARY)

    def target(self, village=None, rating=2, stars=("cyxw", "stjy"), year=2025, category="lead", user=None):
        from fivestar.planning.services import save_targets

        save_targets(user or self.town_admin, year, [{"village": village or self.world.village, "category": category,
                                                      "target_rating": rating, "target_stars": list(stars)}])

    def task(self, village=None, user=None, **kw):
        from fivestar.planning.services import save_task

        kw.setdefault("year", 2025)
        kw.setdefault("star_code", "cyxw")
        kw.setdefault("title", "发展村集体经济项目")
        kw.setdefault("deadline", datetime.date.today() + datetime.timedelta(days=10))
        return save_task(user or self.town_admin, village=village or self.world.village, **kw)

    def evidence(self, unit=None, user=None, color=(200, 30, 30)):
        from fivestar.rating.services.evidence import store_evidence

        return store_evidence(unit or self.world.village, user or self.secretary_user, png(color), "photo")


@pytest.fixture
def plan(world, frameworks, settings, tmp_path):  # noqa: F811
    settings.MEDIA_ROOT = str(tmp_path / "media")
    return Plan(world)


def days(n: int) -> datetime.timedelta:
    return datetime.timedelta(days=n)
