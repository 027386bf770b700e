"""The planning demo: 庆祖镇's targets in the seed's plan shape, letters mostly signed, ledgers from gap lists in every
state (some overdue), a task from a supervision problem, this year's commitments and results, all dated before now."""

import pytest
from django.utils import timezone

from fivestar.demo.planning import PlanningDemo
from fivestar.orgs.models import Level, OrgUnit
from fivestar.planning.models import Commitment, LedgerTask, ResponsibilityLetter, TaskEvent, UnitPlan, VillageTarget
from fivestar.planning.models.ledger import TaskSource, TaskStatus
from fivestar.planning.services import plan_check
from fivestar.planning.services.stats import differences

TOWN = "410928103"


@pytest.mark.django_db(transaction=False)
def test_demo_planning(built_demo):
    today = timezone.localdate()
    town = OrgUnit.objects.get(code=TOWN)
    villages = OrgUnit.objects.filter(parent=town, level=Level.VILLAGE, active=True)
    year = today.year

    # Targets in the seed's shape: 4 五星 / 12 四星 / 37 三星, the two other villages 二星; the plan adds up.
    targets = VillageTarget.objects.filter(year=year, org_unit__in=villages)
    assert targets.count() == villages.count() == 55
    by_rating = {r: targets.filter(target_rating=r).count() for r in (5, 4, 3, 2)}
    assert by_rating == {5: 4, 4: 12, 3: 37, 2: 2}
    assert all(len(t.target_stars) == t.target_rating for t in targets)
    plan = UnitPlan.objects.get(year=year, org_unit=town)
    assert plan.rating_counts == {"5": 4, "4": 12, "3": 37, "2": 2} and "4 个五星、12 个四星、37 个三星" in plan.note
    check = plan_check(town, year)
    assert check["ok"], check["warnings"]

    # Letters: every village's generated, all but four signed with a scan, signed before today.
    letters = ResponsibilityLetter.objects.filter(year=year, org_unit__in=villages)
    assert letters.count() == 55 and letters.filter(generated_at__isnull=True).count() == 0
    signed = letters.filter(status=ResponsibilityLetter.Status.SIGNED)
    assert signed.count() == 51 and signed.filter(signed_copy__isnull=True).count() == 0
    assert all(s <= today for s in signed.values_list("signed_on", flat=True))

    # The ledger: from gap lists, every state, some overdue, one from a supervision problem.
    tasks = LedgerTask.objects.filter(org_unit__parent=town, year=year)
    assert tasks.values("org_unit").distinct().count() == 55, "村村有任务"
    assert tasks.filter(source=TaskSource.GAP).values("org_unit").distinct().count() >= 10
    for status in TaskStatus.values:
        assert tasks.filter(status=status).exists(), status
    late = tasks.filter(overdue=True, status__in=[TaskStatus.TODO, TaskStatus.DOING])
    assert late.exists() and all(t.deadline < today for t in late)
    assert TaskEvent.objects.filter(task__in=late, action=TaskEvent.Action.OVERDUE).count() >= late.count()
    assert tasks.filter(source=TaskSource.PROBLEM, problem__isnull=False).count() == 1
    for t in tasks.filter(status=TaskStatus.DONE):
        assert t.completed_on is not None and t.completed_on < today
    assert differences() == [], "LedgerStats equal a rebuild"

    # Commitments this year: posted each month, results for past months (a few missing), graded but the last month.
    commitments = Commitment.objects.filter(org_unit__parent=town, month__year=year)
    assert commitments.count() >= 12
    current = today.replace(day=1)
    past = commitments.filter(month__lt=current)
    if past.exists():
        assert past.exclude(result="").exists() and past.filter(result="").exists()
    assert commitments.filter(month=current, result="").exists()
    assert not commitments.filter(month=current).exclude(grade="").exists()

    # Everything dated before now.
    stamps = list(tasks.values_list("created_at", flat=True)) + list(TaskEvent.objects.filter(task__in=tasks).values_list("at", flat=True))
    stamps += list(letters.values_list("generated_at", flat=True)) + list(commitments.values_list("created_at", flat=True))
    stamps += [m for m in commitments.values_list("result_at", flat=True) if m] + [m for m in commitments.values_list("graded_at", flat=True) if m]
    assert stamps and all(m <= timezone.now() for m in stamps)
    assert PlanningDemo().load() == 0  # loaded once
