"""A small supervision world on top of tests.factories.World: the village's secretary, its 包村干部 (person with an
account and a Responsibility duty=village), the 包片领导 of its area, a county supervisor, a town team over the
town's villages, and helpers to store real evidence files."""

import datetime
import io
import uuid

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from fivestar.core.roles import Role
from fivestar.people.models import Duty, Person, Position, Responsibility
from tests.factories import user_with_role


def png(color=(200, 30, 30), size=(8, 8), name="photo.png") -> SimpleUploadedFile:
    out = io.BytesIO()
    Image.new("RGB", size, color).save(out, "PNG")
    return SimpleUploadedFile(name, out.getvalue(), content_type="image/png")


class Sup:
    def __init__(self, world):
        from fivestar.supervision.services import save_team

        self.world = world
        w = world
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
        self.supervisor = w.users[Role.SUPERVISOR]
        self.inspector = Person.objects.create(user=self.supervisor, org_unit=w.town, name="张督导", gender="M",
                                               position=Position.TOWN_CADRE)
        self.county_supervisor = user_with_role("countysup", Role.SUPERVISOR, w.county)
        self.other_town_supervisor = user_with_role("othersup", Role.SUPERVISOR, w.other_town)
        self.sibling_cadre = user_with_role("siblingcadre", Role.VILLAGE_CADRE, w.sibling)
        self.observer = w.users[Role.OBSERVER]
        self.team = save_team(self.town_admin, unit=w.town, name="第一督导组", leader=self.inspector,
                              villages=[w.village, w.sibling, w.community])

    def photo(self, unit=None, color=(200, 30, 30), user=None):
        from fivestar.rating.services.evidence import store_evidence

        return store_evidence(unit or self.world.village, user or self.supervisor, png(color), "photo")

    def problem(self, user=None, village=None, **kw):
        from fivestar.supervision.services import create_problem

        kw.setdefault("description", "村内垃圾堆放未清理")
        kw.setdefault("severity", "minor")
        return create_problem(user or self.supervisor, village or self.world.village, **kw)


@pytest.fixture
def sup(world, settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    return Sup(world)


@pytest.fixture
def uid():
    return lambda: uuid.uuid4()


def days(n: int) -> datetime.timedelta:
    return datetime.timedelta(days=n)
