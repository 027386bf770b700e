"""The demo step on the small test world (its town has 庆祖镇's code): loads once, every date before today, returns
reach the participating villages' income for the last complete year."""

import datetime

import pytest
from django.contrib.auth import get_user_model

from fivestar.demo.projects import ProjectsDemo
from fivestar.indicators.models import CollectiveIncome
from fivestar.orgs.models import Level
from fivestar.projects.models import Agreement, Project, StageEvent
from tests.factories import unit

pytestmark = pytest.mark.django_db


def test_demo_step_on_a_small_town(proj, monkeypatch):
    from fivestar.core.roles import Role
    from tests.factories import user_with_role

    w = proj.world
    user_with_role("qingzu", Role.TOWN_ADMIN, w.town)
    for code, name in (("410928103210", "常寨村委会"), ("410928103211", "郎寨村委会"), ("410928103212", "庆北村委会")):
        unit(code, name, Level.VILLAGE, w.town)
    today = datetime.date(2026, 12, 2)
    demo = ProjectsDemo(today=today)
    assert demo.load() > 0
    assert ProjectsDemo(today=today).load() == 0
    p = Project.objects.get(name="常寨非洲菊温室")
    assert p.example and p.stage == "operating" and p.agreements.get().meeting.kind == "promotion"
    assert Agreement.objects.filter(signed_on__gte=today).count() == 0
    assert not StageEvent.objects.filter(date__gte=today).exists()
    income = CollectiveIncome.objects.get(org_unit__display_name="郎寨村", year=2025)
    assert income.project_returns > 0 and income.amount == income.project_returns
    assert "项目推介会" in demo.summary()
    assert get_user_model().objects.filter(username="qingzu").exists()
