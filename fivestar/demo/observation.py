"""庆祖镇's quarterly observation (季观摩) and monthly red/black flags (红黑旗) of the current year, lived through the
services with the clock pinned to each step:

- one observation on the 20th of the latest quarter-end month up to today (today early in the year): a three-item
  score sheet, five observers among the town's role holders, eight villages; every observer scores every village,
  the town publishes the ranking (five observers: the highest and lowest totals are dropped); the visit is the
  town's 季观摩会 of that day (a quarterly observation series), held with its minutes, and linked to the event;
- the flags of every past month of the year: proposed on the 1st of the next month, confirmed and published.

Loaded once: a town with an observation event is left as it is.
"""

import datetime
import random

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from fivestar.meetings.models import MeetingKind, MeetingSeries
from fivestar.meetings.services import create_meeting, save_meeting, save_series
from fivestar.observation.models import FlagRound, ObservationEvent, RankingEntry
from fivestar.observation.services.events import create_event, eligible_observers, publish_ranking, save_scores
from fivestar.observation.services.flags import confirm_flags, propose_flags, publish_flags
from fivestar.orgs.models import Level, OrgUnit

from .clock import at, pinned
from .qingzu import TOWN_CODE

D = datetime.timedelta
AGENDA = "一、现场观摩各村人居环境、产业发展和乡风文明；二、观摩评分人现场打分；三、通报观摩排名，点评先进与不足。"
MINUTES = "会议现场观摩了 {n} 个村，观摩评分人按评分表现场打分，去掉最高分和最低分后排名，{first}位列第一。会议要求排名靠后的村对照差距限期整改。"
ITEMS = [{"name": "人居环境", "weight": 40}, {"name": "产业发展", "weight": 30}, {"name": "乡风文明", "weight": 30}]
OBSERVERS, VILLAGES = 5, 8


class ObservationDemo:
    def __init__(self, today: datetime.date | None = None):
        self.today = today or timezone.localdate()
        self.now = timezone.now() if self.today == timezone.localdate() else at(self.today, 12)
        self.town = OrgUnit.objects.get(code=TOWN_CODE)
        self.rng = random.Random(f"qingzu-observation-{self.today.year}")

    def step(self, day: datetime.date, hour: int = 9):
        return pinned(min(at(day, hour), self.now - D(minutes=5)))

    def event_day(self) -> datetime.date:
        days = [datetime.date(self.today.year, m, 20) for m in (3, 6, 9, 12)]
        past = [d for d in days if d <= self.today]
        return past[-1] if past else self.today

    def _observers(self, admin) -> list:
        """Five of the town's role holders, town-level ones first; the town's administrator scores too if needed."""
        people = list(eligible_observers(self.town).exclude(pk=admin.pk).order_by("username"))
        town_level = [u for u in people if u.role_assignments.filter(org_unit=self.town).exists()]
        return (town_level + [u for u in people if u not in town_level] + [admin])[:OBSERVERS]

    def _meeting(self, admin, day: datetime.date):
        """The 季观摩会 of the visit: the town's quarterly observation series (set up once), its meeting of that day."""
        series = (MeetingSeries.objects.filter(org_unit=self.town, kind=MeetingKind.OBSERVATION).first()
                  or save_series(admin, unit=self.town, kind=MeetingKind.OBSERVATION, weekday=day.weekday(), place="各观摩村现场"))
        return create_meeting(admin, series=series, date=day, agenda=AGENDA)

    def _first(self, event) -> str:
        first = RankingEntry.objects.filter(event=event, rank=1).select_related("village").first()
        return first.village.display_name if first else ""

    def load(self) -> int:
        if ObservationEvent.objects.filter(org_unit=self.town).exists():
            return 0
        admin = get_user_model().objects.get(username="qingzu")
        villages = list(OrgUnit.objects.filter(parent=self.town, level=Level.VILLAGE, active=True).order_by("code")[:VILLAGES])
        observers = self._observers(admin)
        day = self.event_day()
        quarter = (day.month - 1) // 3 + 1
        with transaction.atomic():
            with self.step(day - D(days=7)):
                meeting = self._meeting(admin, day)
                event = create_event(admin, self.town, title=f"{day.year}年第{'一二三四'[quarter - 1]}季度现场观摩", date=day, items=ITEMS,
                                     observer_ids=[u.pk for u in observers], village_ids=[v.pk for v in villages], meeting=meeting)
            items = list(event.items.all())
            with self.step(day, 15):
                for n, village in enumerate(villages):
                    base = 92 - 3 * n
                    for observer in observers:
                        save_scores(observer, event, village, {i.pk: max(0, min(100, base + self.rng.randint(-6, 6))) for i in items})
            with self.step(day, 17):
                publish_ranking(admin, event)
                save_meeting(admin, meeting, held=True, minutes=MINUTES.format(n=len(villages), first=self._first(event)))
            for month in range(1, self.today.month):
                first = datetime.date(self.today.year, month, 1)
                with self.step(datetime.date(self.today.year, month + 1, 1), 10):
                    rnd = propose_flags(admin, self.town, first)
                    confirm_flags(admin, rnd)
                    publish_flags(admin, rnd)
        return 1

    def summary(self) -> str:
        event = ObservationEvent.objects.filter(org_unit=self.town).order_by("-date").first()
        rounds = FlagRound.objects.filter(town=self.town, status=FlagRound.Status.PUBLISHED).count()
        first = RankingEntry.objects.filter(event=event, rank=1).select_related("village").first() if event else None
        top = f"，第一名{first.village.display_name}" if first else ""
        return f"{event.title if event else '无观摩'}（{event.observers.count() if event else 0} 人评分{top}），已发布 {rounds} 个月的红黑旗"
