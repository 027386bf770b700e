"""The supervision demo: 庆祖镇's weekly inspections since 1 January, lived through the services, dated before today."""

import datetime
from collections import Counter

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from PIL import Image

from fivestar.demo.supervision import SupervisionDemo
from fivestar.inbox.models import Notification
from fivestar.orgs.models import Level, OrgUnit
from fivestar.rating.models import Assessment, Evidence, Round, Status
from fivestar.supervision.models import (Inspection, Problem, ProblemEvent, Rectification, SupervisionSettings,
                                         SupervisionTeam, VisitPlan)
from fivestar.supervision.models.problem import OPEN_STATUSES, ProblemStatus
from fivestar.supervision.services.plans import monday
from fivestar.supervision.services.stats import differences

TOWN = "410928103"


def _local(moment) -> datetime.date:
    return timezone.localdate(moment)


def assert_supervision_dated(today: datetime.date) -> None:
    """Everything the story recorded happened on or before `today`; the inspections are this year's weeks up to last
    week (or the last eight weeks early in January), by both teams."""
    problems = Problem.objects.filter(org_unit__parent__code=TOWN)
    inspections = list(Inspection.objects.filter(org_unit__code=TOWN).order_by("date"))
    assert inspections and problems.exists()
    first = datetime.date(today.year, 1, 1)
    if (today - first).days < 56:
        first = today - datetime.timedelta(days=56)
    assert first <= inspections[0].date < first + datetime.timedelta(days=7)
    assert monday(today) - datetime.timedelta(days=7) <= inspections[-1].date < monday(today), "weekly up to last week"
    weeks = {(monday(i.date), i.team_id) for i in inspections}
    assert len(weeks) == len(inspections), "one inspection per team and week"
    teams = set(SupervisionTeam.objects.filter(org_unit__code=TOWN).values_list("pk", flat=True))
    for week in sorted({monday(i.date) for i in inspections})[1:]:
        assert {t for w, t in weeks if w == week} == teams, week
    days = [("found_on", d) for d in problems.values_list("found_on", flat=True)]
    stamps = [("created_at", m) for m in problems.values_list("created_at", flat=True)]
    stamps += [(f, m) for p in problems.values("rectifying_at", "submitted_at", "closed_at", "updated_at") for f, m in p.items() if m]
    stamps += [("event", m) for m in ProblemEvent.objects.filter(problem__in=problems).values_list("at", flat=True)]
    stamps += [(f, m) for r in Rectification.objects.filter(problem__in=problems).values("submitted_at", "reviewed_at") for f, m in r.items() if m]
    stamps += [("inspection", i.created_at) for i in inspections]
    stamps += [("notification", m) for m in Notification.objects.filter(url__startswith="/supervision/").values_list("created_at", flat=True)]
    stamps += [("photo", m) for m in Evidence.objects.filter(original_name__startswith="示例照片").values_list("uploaded_at", flat=True)]
    for label, day in days + [(label, _local(m)) for label, m in stamps]:
        assert first <= day <= today, (label, day)
    # A problem is found on its inspection's day, and every step comes after the one before.
    for p in problems.select_related("inspection"):
        assert p.found_on == p.inspection.date and _local(p.created_at) == p.found_on
        steps = list(p.events.order_by("at", "id").values_list("at", flat=True))
        assert steps == sorted(steps) and _local(steps[0]) == p.found_on


@pytest.mark.django_db(transaction=False)
def test_demo_supervision_is_a_year_of_closed_loops(client, django_assert_max_num_queries, built_demo):
    today = timezone.localdate()
    town = OrgUnit.objects.get(code=TOWN)
    villages = set(OrgUnit.objects.filter(parent=town, level=Level.VILLAGE).values_list("pk", flat=True))

    # Two teams with leaders and members from the town's people, the villages split between them; settings; plan.
    teams = list(SupervisionTeam.objects.filter(org_unit=town).prefetch_related("members", "villages").order_by("name"))
    assert [t.name for t in teams] == ["第一督导组", "第二督导组"]
    assigned = [{v.pk for v in t.villages.all()} for t in teams]
    assert assigned[0] | assigned[1] == villages and not assigned[0] & assigned[1]
    for team in teams:
        assert team.leader is not None and team.leader.org_unit_id == town.pk and team.leader in team.members.all()
        assert team.members.count() >= 3
    assert "dudao" in {m.user.username for m in teams[0].members.all() if m.user}
    assert SupervisionSettings.objects.get(town=town).visit_within_weeks == 3
    past = VisitPlan.objects.filter(team__in=teams, week_start__lt=monday(today))
    assert past.filter(inspection__isnull=False).exists() and past.filter(inspection__isnull=True).exists()  # visited and missed
    assert VisitPlan.objects.filter(team__in=teams, week_start__gt=monday(today)).exists()  # the weeks ahead are planned

    assert_supervision_dated(today)

    # Problems in every state, most signed off; overdue and escalated ones; rejected once then signed off.
    problems = Problem.objects.filter(org_unit__parent=town)
    counts = Counter(problems.values_list("status", flat=True))
    assert set(counts) == set(ProblemStatus.values), counts
    assert counts[ProblemStatus.CLOSED] >= 30 and counts[ProblemStatus.CLOSED] > sum(counts[s] for s in OPEN_STATUSES)
    late_open = problems.filter(status__in=OPEN_STATUSES, overdue=True, escalation_step=3)
    assert late_open.exists()
    for p in late_open:
        assert p.deadline < today - datetime.timedelta(days=7)
        assert set(p.events.filter(action="escalate").values_list("reason", flat=True)) and p.events.filter(action="overdue").exists()
    assert problems.filter(status=ProblemStatus.CLOSED, escalation_step__gte=1, overdue=True).exists()  # late, then signed off
    twice = problems.filter(status=ProblemStatus.CLOSED, rectifications__outcome=Rectification.Outcome.REJECTED).distinct()
    assert twice.exists()
    for p in twice:
        outcomes = list(p.rectifications.order_by("submitted_at").values_list("outcome", flat=True))
        assert outcomes[-1] == Rectification.Outcome.ACCEPTED and Rectification.Outcome.REJECTED in outcomes
        assert list(p.events.filter(action__in=["submit", "reject", "accept"]).values_list("action", flat=True))[-3:] == ["reject", "submit", "accept"]
    for p in problems.filter(status=ProblemStatus.CLOSED):
        assert p.closed_by is not None and p.events.filter(action="accept", user=p.closed_by).exists()
    # Every open problem past its deadline is marked overdue: the daily job has run up to today.
    assert not problems.filter(status__in=OPEN_STATUSES, deadline__lt=today, overdue=False).exists()

    # Photos: small JPEGs labelled as examples, on problems, rectifications and inspections.
    photos = Evidence.objects.filter(original_name__startswith="示例照片")
    assert photos.count() >= 20
    assert problems.filter(photos__isnull=False).exists()
    assert Rectification.objects.filter(problem__in=problems, evidence__isnull=False).exists()
    assert Inspection.objects.filter(org_unit=town, photos__isnull=False).exists()
    with photos.first().file.open("rb") as fh, Image.open(fh) as img:
        assert img.format == "JPEG" and img.width <= 640

    # The kept counts equal a rebuild.
    assert differences() == []

    # Open problems linked to a rule of the current round's framework, shown in that round's review page.
    current = Round.objects.get(scope=town, phase=Round.Phase.OPEN)
    linked = []
    for a in Assessment.objects.filter(round=current).select_related("framework", "org_unit"):
        rules = a.framework.compiled().rules_by_code
        linked += [(a, p) for p in problems.filter(org_unit=a.org_unit, status__in=OPEN_STATUSES) if p.rule_code in rules]
    assert linked
    a, p = next((a, p) for a, p in linked if a.status == Status.SUBMITTED)  # 东台上村, waiting for the town's review
    response = client.post("/login/", {"username": "dudao", "password": "fivestar-demo"})  # the demo's supervisor logs in
    assert response.status_code == 302 and client.session.get("_auth_user_id")
    page = client.get(f"/rating/assessments/{a.pk}/review/").content.decode()
    assert 'data-testid="supervision-problem" data-linked="1"' in page and p.description in page  # on a star it applied for

    # The demo's supervisor sees the town's problems in the list, in a fixed number of queries.
    with django_assert_max_num_queries(25):
        page = client.get("/supervision/problems/?status=all").content.decode()
    first = problems.order_by("deadline", "id").first()
    assert first.description in page and first.org_unit.display_name in page
    with CaptureQueriesContext(connection) as few:
        client.get("/supervision/problems/")
    with CaptureQueriesContext(connection) as many:
        client.get("/supervision/problems/?status=all&page=2")
    assert len(few.captured_queries) == len(many.captured_queries)

    # Loaded again, nothing changes.
    before = (problems.count(), ProblemEvent.objects.count(), Notification.objects.count(), Evidence.objects.count())
    assert SupervisionDemo(today).load() == 0
    assert (problems.count(), ProblemEvent.objects.count(), Notification.objects.count(), Evidence.objects.count()) == before
