"""The demo reproduces the seed's numbers and loads idempotently."""

import pytest
from django.contrib.auth import authenticate
from django.core.management import call_command
from django.db.models import Count

from fivestar.core.roles import Role
from fivestar.orgs.models import Area, Level, OrgUnit
from fivestar.people.models import Duty, Person, Position, Responsibility, RoleAssignment


def _snapshot():
    return (
        OrgUnit.objects.count(),
        Person.objects.count(),
        Responsibility.objects.count(),
        RoleAssignment.objects.count(),
        sorted(OrgUnit.objects.filter(level=Level.VILLAGE, parent__code="410928103").values_list("code", "category", "area__name")),
        sorted(Person.objects.values_list("org_unit__code", "name", "phone", "position")),
    )


@pytest.mark.django_db(transaction=False)
def test_demo_matches_the_seed_and_is_idempotent(rf, built_demo):
    first = _snapshot()
    call_command("load_demo", verbosity=0)
    assert _snapshot() == first

    town = OrgUnit.objects.get(code="410928103")
    villages = OrgUnit.objects.filter(parent=town, level=Level.VILLAGE)
    assert villages.count() == 55
    assert villages.filter(branch_type="rural").count() == 54
    counts = dict(villages.exclude(category="").values_list("category").annotate(n=Count("id")).values_list("category", "n"))
    assert counts == {"lead": 4, "sprint": 12, "improve": 37, "base": 1}
    lead = set(villages.filter(category="lead").values_list("display_name", flat=True))
    assert lead == {"西辛庄村", "庆南村", "后郑寨村", "常寨村"}
    assert OrgUnit.objects.filter(path__startswith="/41/4109/410928/", level=Level.TOWN).count() > 15
    assert Area.objects.filter(town=town).count() == 4
    assert not villages.filter(area__isnull=True).exists()

    for village in villages:
        assert Person.objects.filter(org_unit=village, position=Position.SECRETARY).count() == 1
        assert Responsibility.objects.filter(org_unit=village, duty=Duty.VILLAGE).exists()
        assert Responsibility.objects.filter(org_unit__parent=village, duty=Duty.GROUP).exists()
        assert Responsibility.objects.filter(org_unit=village, duty=Duty.HOUSEHOLDS, household_count__gt=0).exists()
    assert Responsibility.objects.filter(duty=Duty.AREA, org_unit=town).count() == 4

    accounts = {"admin": Role.SYSADMIN, "puyangxian": Role.COUNTY_ADMIN, "qingzu": Role.TOWN_ADMIN, "xixinzhuang": Role.VILLAGE_CADRE}
    for username, role in accounts.items():
        user = authenticate(rf.post("/login/"), username=username, password="fivestar-demo")
        assert user is not None, username
        assert user.role_assignments.filter(role=role).exists()
    roles = set(RoleAssignment.objects.values_list("role", flat=True))
    assert roles == set(Role.values)
    xxz = OrgUnit.objects.get(code="410928103205")
    assert RoleAssignment.objects.get(user__username="xixinzhuang").org_unit == xxz


# --- The rating demo is dated honestly against the day it is loaded --------------------------------

import datetime  # noqa: E402

from django.utils import timezone  # noqa: E402

from fivestar.demo.clock import InterimPeriod  # noqa: E402
from fivestar.indicators.models import CollectiveIncome  # noqa: E402
from fivestar.inbox.models import Notification  # noqa: E402
from fivestar.rating.models import (  # noqa: E402
    Assessment, AssessmentEvent, Evidence, Objection, Round, RoundResult, StarHolding, Status, VetoEvent,
)

TOWN = "410928103"


def _local(moment) -> datetime.date:
    return timezone.localdate(moment)


def _round_dates(rnd: Round) -> list[tuple[str, datetime.date]]:
    """Every date the round and what happened in it carry, with a label for the failure message."""
    dates = [(f, getattr(rnd, f)) for f in ("period_start", "period_end", "self_deadline", "town_deadline", "county_deadline", "notice_start", "notice_end")]
    stamps = [("created_at", rnd.created_at), ("recognised_at", rnd.recognised_at)]
    stamps += [("round history", h.history_date) for h in Round.history.filter(id=rnd.pk)]
    assessments = Assessment.objects.filter(round=rnd)
    for a in assessments:
        stamps += [("submitted_at", a.submitted_at), ("assessment updated_at", a.updated_at)]
        stamps += [("return comment", datetime.datetime.fromisoformat(c["at"])) for c in a.return_comments]
        if a.approved_snapshot:
            stamps.append(("approval snapshot", datetime.datetime.fromisoformat(a.approved_snapshot["at"])))
    stamps += [("event", at) for at in AssessmentEvent.objects.filter(assessment__round=rnd).values_list("at", flat=True)]
    stamps += [("result", at) for at in RoundResult.objects.filter(round=rnd).values_list("recognised_at", flat=True)]
    stamps += [("star gained", at) for at in StarHolding.objects.filter(gained_round=rnd).values_list("gained_at", flat=True)]
    stamps += [("star lost", at) for at in StarHolding.objects.filter(lost_round=rnd).values_list("lost_at", flat=True)]
    for o in Objection.objects.filter(round=rnd):
        stamps += [("objection filed", o.created_at), ("objection resolved", o.resolved_at)]
    evidence_ids = {i for a in assessments for ids in a.evidence.values() for i in ids}
    stamps += [("evidence upload", at) for at in Evidence.objects.filter(pk__in=evidence_ids).values_list("uploaded_at", flat=True)]
    stamps += [("notification", n.created_at) for n in Notification.objects.filter(title__startswith=rnd.name)]
    return [(label, d) for label, d in dates if d] + [(label, _local(m)) for label, m in stamps if m]


def _assert_honest(today: datetime.date):
    rounds = list(Round.objects.filter(scope__code=TOWN).order_by("period_start"))
    historic = [r for r in rounds if r.phase == Round.Phase.RECOGNISED]
    current = [r for r in rounds if r.phase != Round.Phase.RECOGNISED]
    assert [r.name for r in historic][:2] == ["2022年度“五星”支部评星", "2023年第一次动态评星"]
    assert [r.name for r in historic][2:] == [f"{today.year - 1}年度“五星”支部评星"]  # the last complete year
    assert len(current) == 1

    # Historic rounds: finished, and every date they carry lies in their own year, before today.
    for rnd in historic:
        assert not Assessment.objects.filter(round=rnd).exclude(status=Status.RECOGNISED).exists()
        for label, day in _round_dates(rnd):
            assert day.year == rnd.period_start.year and day <= today, (rnd.name, label, day)

    # The current round: an interim round of the two-month period containing today, deadlines ahead.
    rnd = current[0]
    period = InterimPeriod.containing(today)
    assert rnd.kind == Round.Kind.INTERIM and rnd.phase == Round.Phase.OPEN
    assert (rnd.name, rnd.period_start, rnd.period_end) == (period.name, period.start, period.end)
    assert rnd.period_start <= today <= rnd.period_end
    assert today < rnd.self_deadline <= today + datetime.timedelta(days=7)
    assert rnd.self_deadline < rnd.town_deadline < rnd.county_deadline
    for label, day in _round_dates(rnd):
        if label not in ("period_end", "self_deadline", "town_deadline", "county_deadline"):
            assert rnd.period_start <= day <= today, (label, day)
    statuses = set(Assessment.objects.filter(round=rnd).values_list("status", flat=True))
    assert {Status.NOT_STARTED, Status.IN_PROGRESS, Status.SUBMITTED, Status.RETURNED, Status.TOWN_APPROVED, Status.COUNTY_APPROVED} <= statuses
    assert Evidence.objects.filter(org_unit__parent__code=TOWN).exists()

    # The veto lies inside the period it affects, before today, and withdrew 太平村's 平安法治星 then.
    veto = VetoEvent.objects.get()
    assert veto.org_unit.display_name == "太平村" and veto.star_code == "paf"
    assert rnd.period_start <= veto.occurred_on <= today
    assert veto.occurred_on < today or today == rnd.period_start
    assert veto.occurred_on <= _local(veto.recorded_at) <= today
    lost = StarHolding.objects.get(org_unit=veto.org_unit, star_code="paf", lost_at__isnull=False)
    assert _local(lost.lost_at) == veto.occurred_on
    assert veto.rule_code in Assessment.objects.get(round=rnd, org_unit=veto.org_unit).veto_events

    # Income up to the last complete year; the current round reads a year every village has.
    assert max(CollectiveIncome.objects.values_list("year", flat=True)) == today.year - 1
    assert (rnd.year, rnd.indicator_year) == (today.year, today.year - 1)
    for r in rounds:  # every round reads a year every village has income for, and none reads an unfinished year
        assert CollectiveIncome.objects.filter(year=r.indicator_year, org_unit__parent__code=TOWN).count() == 54, r.name
        assert r.indicator_year < r.period_end.year or (r.period_end.month, r.period_end.day) == (12, 31), r.name

    # The seed's 2022 result: 2 五星 and 8 四星, one objection filed and dismissed.
    ratings = list(RoundResult.objects.filter(round=historic[0]).values_list("rating", flat=True))
    assert ratings.count(5) == 2 and ratings.count(4) == 8
    assert list(Objection.objects.filter(round__scope__code=TOWN).values_list("round__name", "status")) == [("2022年度“五星”支部评星", Objection.Status.DISMISSED)]


def _rating_snapshot():
    return (
        sorted(Round.objects.values_list("name", "year", "phase", "period_start", "self_deadline", "notice_end", "recognised_at")),
        sorted(Assessment.objects.values_list("round__name", "org_unit__code", "status", "rating", "version")),
        AssessmentEvent.objects.count(), Evidence.objects.count(), VetoEvent.objects.count(), Notification.objects.count(),
        sorted(StarHolding.objects.values_list("org_unit__code", "star_code", "gained_at", "lost_at")),
        sorted(CollectiveIncome.objects.values_list("org_unit__code", "year", "amount", "created_at")),
    )


def test_interim_period_of_a_day():
    assert InterimPeriod.containing(datetime.date(2026, 12, 1)) == InterimPeriod(2026, 6, datetime.date(2026, 11, 1), datetime.date(2026, 12, 31))
    assert InterimPeriod.containing(datetime.date(2026, 12, 1)).name == "2026年第六次动态评星"
    assert InterimPeriod.containing(datetime.date(2027, 3, 15)).name == "2027年第二次动态评星"
    assert InterimPeriod.containing(datetime.date(2028, 2, 29)).end == datetime.date(2028, 2, 29)
    assert InterimPeriod.containing(datetime.date(2027, 1, 1)).start == datetime.date(2027, 1, 1)
    day = datetime.date(2026, 1, 1)
    while day.year == 2026:
        period = InterimPeriod.containing(day)
        assert period.start <= day <= period.end and (period.end - period.start).days in (58, 60, 61)
        day += datetime.timedelta(days=1)


@pytest.mark.django_db(transaction=False)
def test_demo_rating_is_dated_against_today_and_reloads_unchanged(built_demo):
    today = timezone.localdate()
    _assert_honest(today)
    rnd = _assert_second_town(today)
    first = _rating_snapshot()
    call_command("load_demo", verbosity=0)
    assert _rating_snapshot() == first

    # The county administrator can recognise 户部寨镇's round today; what it records is dated today.
    county = get_user_model().objects.get(username="puyangxian")
    assert recognise(rnd, county) == 49
    rnd.refresh_from_db()
    assert rnd.phase == Round.Phase.RECOGNISED and _local(rnd.recognised_at) == today
    featured = RoundResult.objects.get(round=rnd, org_unit__display_name="户部寨村")
    assert (featured.rating, featured.gained) == (5, ["zbgy"])  # 四星 last year, 支部过硬星 gained now
    assert not RoundResult.objects.filter(round=rnd, expired=True).exists()
    for label, day in _round_dates(rnd):
        assert label == "period_end" or day <= today, (label, day)


# --- 户部寨镇: a second town whose current round the county can recognise today -----------------------

from django.contrib.auth import get_user_model  # noqa: E402
from django.test import RequestFactory  # noqa: E402

from fivestar.rating.services import recognise  # noqa: E402
from fivestar.rating.services.notice import final_status  # noqa: E402
from tests.demo.test_demo_supervision import assert_supervision_dated  # noqa: E402

SECOND = "410928107"


def _assert_second_town(today: datetime.date) -> Round:
    """户部寨镇: last year's annual round recognised in its year; today's interim round has every branch
    approved by the county, its notice ended yesterday, its one objection dismissed — every date strictly
    before today and inside the period. Returns the current round."""
    villages = OrgUnit.objects.filter(parent__code=SECOND, level=Level.VILLAGE)
    assert villages.count() == 49
    for username, role in {"hubuzhai": Role.TOWN_ADMIN, "hubuzhai-dudao": Role.SUPERVISOR, "hubuzhaicun": Role.VILLAGE_CADRE}.items():
        user = authenticate(RequestFactory().post("/login/"), username=username, password="fivestar-demo")
        assert user is not None and user.role_assignments.filter(role=role, org_unit__path__startswith=f"/41/4109/410928/{SECOND}/").exists(), username
    assert Person.objects.filter(org_unit__in=villages, position=Position.SECRETARY, user__isnull=False).count() == 49
    assert set(CollectiveIncome.objects.filter(org_unit__in=villages).values_list("year", flat=True)) == {today.year - 2, today.year - 1}

    rounds = list(Round.objects.filter(scope__code=SECOND).order_by("period_start"))
    assert [r.name for r in rounds] == [f"{today.year - 1}年度“五星”支部评星", InterimPeriod.containing(today).name]
    annual, rnd = rounds
    assert annual.phase == Round.Phase.RECOGNISED
    assert RoundResult.objects.filter(round=annual).count() == 49
    for label, day in _round_dates(annual):
        assert day.year == today.year - 1 and day < today, (label, day)

    period = InterimPeriod.containing(today)
    assert (rnd.phase, rnd.period_start, rnd.period_end, rnd.previous_id) == (Round.Phase.NOTICE, period.start, period.end, annual.pk)
    assert not Assessment.objects.filter(round=rnd).exclude(status=final_status(rnd)).exists()
    assert rnd.notice_end == today - datetime.timedelta(days=1)  # the notice ended yesterday
    assert rnd.notice_start == rnd.notice_end - datetime.timedelta(days=rnd.notice_days)
    assert rnd.self_deadline < rnd.town_deadline < rnd.county_deadline < rnd.notice_start
    for label, day in _round_dates(rnd):
        if label != "period_end":
            assert rnd.period_start <= day < today, (label, day)
    # Each review step was taken by the town's reviewer and the county, after the village submitted.
    events = AssessmentEvent.objects.filter(assessment__round=rnd)
    assert set(events.filter(action="approve", level="town").values_list("user__username", flat=True)) == {"hubuzhai-dudao"}
    assert set(events.filter(action="approve", level="county").values_list("user__username", flat=True)) == {"puyangxian"}
    assert events.filter(action="submit").count() == 49
    assert not events.filter(action="submit").exclude(user__person__position=Position.SECRETARY).exists()
    assert list(Objection.objects.filter(round=rnd).values_list("assessment__org_unit__display_name", "status")) == [
        ("王新寨村", Objection.Status.DISMISSED)]
    return rnd
