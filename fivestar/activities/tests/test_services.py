"""Services: sessions and attendance (list, QR check-in), records checked, incidents proposing a veto the town
confirms, and the indicators a rule reads."""

import datetime

import pytest

from fivestar.activities.models import Attendance, Incident
from fivestar.activities.services import records, safety, sessions
from fivestar.activities.services.errors import ActivityError
from fivestar.activities.services.kinds import add_kind, kinds_for
from fivestar.indicators.registry import missing_units, values_for, values_for_many
from fivestar.orgs.models import OrgUnit
from fivestar.rating.models import VetoEvent
from fivestar.standards.engine import evaluate, load_framework
from fivestar.standards.tests.engine_helpers import rule, single

pytestmark = pytest.mark.django_db
D = datetime.date


def test_default_kinds_and_town_setting(act):
    assert [k.name for k in kinds_for(act.world.town)] == ["志愿劳动", "夜校", "主题党日"]
    add_kind(act.town_admin, act.world.town, "文艺演出")
    with pytest.raises(ActivityError, match="已存在"):
        add_kind(act.town_admin, act.world.town, "夜校")
    with pytest.raises(ActivityError, match="无权"):
        add_kind(act.cadre, act.world.town, "别的")


def test_session_attendance_by_list_and_qr(act):
    w = act.world
    s = sessions.create_session(act.cadre, w.village, kind=act.kind("night_school").pk, date=D(2026, 11, 26), title="周四夜校", expected=5)
    sessions.set_attendance(act.cadre, s, [p.pk for p in act.members[:3]])
    assert s.attended == 3
    sessions.set_attendance(act.cadre, s, [p.pk for p in act.members[:2]])
    assert s.attended == 2
    sessions.check_in(act.cadre, s)  # the secretary scans the QR code
    sessions.check_in(act.cadre, s)  # twice is once
    s.refresh_from_db()
    assert s.attended == 3 and Attendance.objects.filter(session=s, method="qr").count() == 1
    with pytest.raises(ActivityError, match="仅限"):
        sessions.check_in(act.town_admin, s)
    with pytest.raises(ActivityError, match="不属于本村"):
        sessions.set_attendance(act.cadre, s, [act.mentor.pk])
    with pytest.raises(ActivityError, match="无权"):
        sessions.create_session(act.cadre, w.sibling, kind=act.kind("labour").pk, date=D(2026, 11, 1), title="劳动")
    with pytest.raises(ActivityError, match="晚于今天"):
        sessions.create_session(act.cadre, w.village, kind=act.kind("labour").pk, date=D(2099, 1, 1), title="劳动")
    assert s.history.first().history_user == act.cadre


def test_indicators_read_by_a_rule(act):
    w = act.world
    assert values_for(w.village, 2026) == {}
    for day in (5, 12, 19):
        sessions.create_session(act.cadre, w.village, kind=act.kind("labour").pk, date=D(2026, 3, day), title="义务劳动")
    ns = sessions.create_session(act.cadre, w.village, kind=act.kind("night_school").pk, date=D(2026, 3, 5), title="夜校", expected=4)
    sessions.set_attendance(act.cadre, ns, [p.pk for p in act.members[:3]])
    records.add_honour(act.cadre, w.village, title="全国文明村", level="national", issuer="中央文明委", year=2020)
    records.add_risk_check(act.cadre, w.village, date=D(2026, 2, 1), checker="综治中心")
    values = values_for(w.village, 2026)
    assert values["labour_sessions_year"] == 3 and values["night_school_rate"] == 75.0
    assert values["honours_county_plus"] == 1 and values["three_zero_year"] == 1
    assert "night_school_rate" not in values_for(w.village, 2025) and values_for(w.village, 2019) == {}
    assert values_for_many([w.village.pk, w.sibling.pk], 2026) == {w.village.pk: values_for(w.village, 2026)}
    fw = load_framework(single(rule("x", "metric", 10, thresholds=[{"min": 2, "points": 5}, {"min": 3, "points": 10}], indicator="labour_sessions_year")))
    assert evaluate(fw, {}, indicators=values).stars[0].rule_scores["x"] == 10
    units = OrgUnit.objects.filter(pk__in=[w.village.pk, w.sibling.pk])
    assert list(missing_units("night_school_rate", units, 2026)) == [w.sibling]
    assert list(missing_units("three_zero_year", units, 2026)) == [w.sibling]


def test_records_refuse_junk(act):
    w = act.world
    with pytest.raises(ActivityError, match="级别无效"):
        records.add_honour(act.cadre, w.village, title="x", level="galactic", issuer="y", year=2020)
    with pytest.raises(ActivityError, match="年度"):
        records.add_award(act.cadre, w.village, person_name="张三", category="好媳妇", year="abc")
    with pytest.raises(ActivityError, match="同一人"):
        records.add_pair(act.cadre, w.village, mentor=act.secretary.pk, mentee=act.secretary.pk, kind="secretary", start=D(2026, 1, 1))
    pair = records.add_pair(act.cadre, w.village, mentor=act.mentor.pk, mentee=act.secretary.pk, kind="secretary", start=D(2026, 1, 1), meetings_held=4)
    assert pair.mentor == act.mentor
    project = records.add_project(act.cadre, w.village, name="户厕改造", year=2026, progress=40)
    records.add_funding(act.cadre, project, source="town_award", value="50000", date=D(2026, 5, 1))
    records.add_funding(act.cadre, project, source="donation", value="1,000", date=D(2026, 6, 1))
    project.refresh_from_db()
    assert project.funded == 51000
    with pytest.raises(ActivityError, match="负数"):
        records.add_funding(act.cadre, project, source="village", value="-1", date=D(2026, 6, 1))
    with pytest.raises(ActivityError, match="资金来源无效"):
        records.add_funding(act.cadre, project, source="bank", value="1", date=D(2026, 6, 1))
    assert values_for(w.village, 2026)["campaign_funds_year"] == 51000


def test_incident_proposes_a_veto_the_town_confirms(act, frameworks):
    w = act.world
    minor = safety.record_incident(act.cadre, w.village, date=D(2026, 11, 1), kind="petition", severity="minor", description="邻里纠纷")
    assert minor.veto_status == "" and values_for(w.village, 2026)["three_zero_year"] == 0
    case = safety.record_incident(act.cadre, w.village, date=D(2026, 11, 2), kind="case", severity="serious", description="盗窃案件")
    assert case.veto_status == Incident.Veto.PROPOSED and case.veto_rule_code == "paf-01-01"
    with pytest.raises(ActivityError, match="乡镇"):
        safety.confirm_veto(act.cadre, case)
    safety.confirm_veto(act.town_admin, case, "属实")
    case.refresh_from_db()
    assert case.veto_status == Incident.Veto.CONFIRMED and VetoEvent.objects.get(pk=case.veto_event_id).rule_code == "paf-01-01"
    with pytest.raises(ActivityError, match="不能再次处理"):
        safety.reject_veto(act.town_admin, case, "重复")
    other = safety.record_incident(act.cadre, w.village, date=D(2026, 11, 3), kind="accident", severity="major", description="火灾")
    with pytest.raises(ActivityError, match="理由"):
        safety.reject_veto(act.town_admin, other, "")
    safety.reject_veto(act.town_admin, other, "非责任事故")
    assert Incident.objects.get(pk=other.pk).veto_status == Incident.Veto.REJECTED


def test_many_branches_are_read_in_chunks(act, monkeypatch, django_assert_num_queries):
    from fivestar.activities import indicators

    w = act.world
    sessions.create_session(act.cadre, w.village, kind=act.kind("labour").pk, date=D(2026, 3, 1), title="义务劳动")
    monkeypatch.setattr(indicators, "CHUNK", 2)
    with django_assert_num_queries(2):
        got = indicators.values([w.village.pk, w.sibling.pk, w.community.pk, 10**9], 2026)
    assert got == {w.village.pk: {"labour_sessions_year": 1.0, "party_day_sessions_year": 0.0}}
    with django_assert_num_queries(0):
        assert indicators.values([], 2026) == {}


def test_writes_are_attributed_in_the_scoped_history(act):
    from fivestar.core.models import AuditEvent

    w = act.world
    s = sessions.create_session(act.cadre, w.village, kind=act.kind("night_school").pk, date=D(2026, 3, 5), title="夜校")
    sessions.set_attendance(act.cadre, s, [act.members[0].pk])
    project = records.add_project(act.cadre, w.village, name="户厕改造", year=2026)
    records.add_funding(act.cadre, project, source="village", value="100", date=D(2026, 5, 1))
    events = AuditEvent.objects.filter(model__startswith="activities.")
    assert set(events.values_list("model", flat=True)) == {"activities.activitysession", "activities.attendance", "activities.campaignproject", "activities.funding"}
    assert set(events.values_list("org_unit_id", flat=True)) == {w.village.pk}
    assert set(events.values_list("user_id", flat=True)) == {act.cadre.pk}
