"""The demo's Party-building record of 庆祖镇 (step 11): pairs, a year of weekly labour and night school, awards,
the seed's honours, 三零 and the four projects' funding, every date before today; the indicators read it."""

import datetime

import pytest
from django.utils import timezone

from fivestar.activities.models import ActivitySession, Award, CampaignProject, Honour, Incident, MentoringPair
from fivestar.demo.qingzu import TOWN_CODE
from fivestar.indicators.registry import values_for
from fivestar.orgs.models import OrgUnit

pytestmark = pytest.mark.django_db


def test_qingzu_activities(built_demo):
    today = timezone.localdate()
    town = OrgUnit.objects.get(code=TOWN_CODE)
    assert MentoringPair.objects.filter(org_unit__parent=town).count() == 10
    sessions = ActivitySession.objects.filter(org_unit__parent=town)
    assert sessions.filter(date__gte=today).count() == 0
    assert sessions.filter(kind__code="night_school", date__gte=today - datetime.timedelta(days=14)).values("org_unit").distinct().count() >= 50
    titles = set(Honour.objects.filter(org_unit__parent=town).values_list("org_unit__name", "title"))
    assert any(n.startswith("后郑寨") and t == "全国十大最美乡村" for n, t in titles)
    assert any(n.startswith("常寨") and t == "全国文明村" for n, t in titles)
    assert Honour.objects.filter(org_unit__parent=town, title="省级试点村").count() == 11
    assert Award.objects.filter(org_unit__parent=town, note="示例姓名").exists()
    assert CampaignProject.objects.filter(org_unit__parent=town).values("name").distinct().count() == 4
    assert Incident.objects.filter(org_unit__parent=town, veto_status="proposed").count() == 1
    village = OrgUnit.objects.filter(parent=town, name__startswith="常寨").first()
    values = values_for(village, today.year)
    assert values.get("labour_sessions_year", 0) >= today.timetuple().tm_yday // 7 - 2 and values["honours_county_plus"] >= 2
    assert today.month == 1 or 50 < values["night_school_rate"] <= 100
