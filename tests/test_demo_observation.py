"""The observation demo over 庆祖镇 (divisions and people loaded as load_demo does): one quarterly observation of this
year with five observers who scored every visited village and a published ranking (extremes dropped), linked to the
town's held 季观摩会 of that day, and the
published red/black flags of every past month of the year; loading again adds nothing."""

import pytest
from django.utils import timezone

from fivestar.observation.models import FlagRound, ObservationEvent, ObservationScore, RankingEntry

TOWN = "410928103"


@pytest.mark.timeout(1800)
@pytest.mark.django_db(transaction=False)
def test_demo_observation():
    from fivestar.demo.management.commands.load_demo import DIVISIONS
    from fivestar.demo.observation import ObservationDemo
    from fivestar.demo.qingzu import COUNTY_CODE, QingzuDemo
    from fivestar.orgs.divisions.importer import apply_import, plan_import

    today = timezone.localdate()
    apply_import(plan_import(DIVISIONS, under=COUNTY_CODE))
    QingzuDemo().load()
    demo = ObservationDemo()
    assert demo.load() == 1
    event = ObservationEvent.objects.get(org_unit__code=TOWN)
    assert event.date.year == today.year and event.date <= today and event.status == "published"
    assert event.observers.count() == 5 and event.villages.count() == 8
    assert ObservationScore.objects.filter(event=event).count() == 5 * 8 * 3
    ranking = list(RankingEntry.objects.filter(event=event).order_by("rank"))
    assert len(ranking) == 8 and ranking[0].rank == 1 and all(r.dropped_extremes and r.observer_count == 5 for r in ranking)
    assert ranking[0].score >= ranking[-1].score
    rounds = FlagRound.objects.filter(town__code=TOWN).order_by("period_start")
    assert [r.period_start.month for r in rounds] == list(range(1, today.month))
    assert all(r.status == "published" and r.entries.count() >= 8 for r in rounds)
    # From the observation's month on its scores tell villages apart: the best observed village holds a red flag.
    for r in rounds.filter(period_end__gte=event.date):
        assert r.entries.get(village=ranking[0].village).flag == "red"
    # The visit is the town's 季观摩会 of that day, held and linked to the event.
    assert event.meeting is not None and event.meeting.kind == "observation" and event.meeting.date == event.date
    assert event.meeting.status == "held" and ranking[0].village.display_name in event.meeting.minutes
    assert "季度现场观摩" in demo.summary()
    assert ObservationDemo().load() == 0
