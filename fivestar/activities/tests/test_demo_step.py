"""The demo step on the small test world (its town has 庆祖镇's code): runs, dates everything before today, loads
once, and the indicators read what it wrote."""

import datetime

import pytest
from django.contrib.auth import get_user_model

from fivestar.activities.models import ActivitySession, Attendance, Award, CampaignProject, Funding, MentoringPair
from fivestar.demo.activities import ActivitiesDemo
from fivestar.indicators.registry import values_for
from fivestar.people.models import Person

pytestmark = pytest.mark.django_db


def test_demo_step_on_a_small_town(act):
    w = act.world
    get_user_model().objects.create_user(username="qingzu", password="x")
    Person.objects.create(org_unit=w.sibling, name="示例书记", gender="M", position="secretary", is_party_member=True)
    Person.objects.create(org_unit=w.community, name="示例新书记", gender="F", position="secretary", is_party_member=True)
    today = datetime.date(2026, 12, 2)
    demo = ActivitiesDemo(today=today)
    assert demo.load() > 0
    assert ActivitiesDemo(today=today).load() == 0  # once
    assert not ActivitySession.objects.filter(date__gte=today).exists()
    labour = ActivitySession.objects.filter(org_unit=w.village, kind__code="labour")
    assert 50 <= labour.count() <= 52 and labour.filter(date__year=2026).count() == 48
    assert Attendance.objects.exists() and Award.objects.filter(note="示例姓名").count() == 3 * 2 * 3
    assert CampaignProject.objects.filter(org_unit=w.village).count() == 4 and Funding.objects.filter(date__gte=today).count() == 0
    assert MentoringPair.objects.count() == 1  # 庆南 (领航) mentors the community's new secretary
    values = values_for(w.village, 2026)
    assert values["labour_sessions_year"] == 48 and 0 < values["night_school_rate"] <= 100 and values["three_zero_year"] == 1
    assert MentoringPair.history.count() == MentoringPair.objects.count()
    assert "导师帮带" in demo.summary()
