"""The briefing's 星级变化 compares the stars each village held when the period began with those it holds at its end:
a star gained moves a village up, one withdrawn moves it down, one gained while another was withdrawn leaves it level
(listed with both), a star lost and won back inside the period is no move, older changes are not this period's; the
Word file says so; one query whatever the number of villages."""

import datetime
import io

import pytest
from django.utils import timezone
from docx import Document

from fivestar.meetings.services import create_meeting
from fivestar.meetings.services.briefing_data import collect, stars_moved
from fivestar.meetings.services.briefing_render import to_docx
from fivestar.orgs.models import Level
from fivestar.rating.models import StarHolding
from tests.factories import unit

pytestmark = pytest.mark.django_db
D = datetime.timedelta


def at(day: datetime.date, hour: int = 10) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(hour), tzinfo=timezone.get_current_timezone())


def hold(village, code, name, gained, lost=None):
    return StarHolding.objects.create(org_unit=village, star_code=code, star_name=name, gained_at=at(gained),
                                      lost_at=at(lost) if lost else None)


def test_moves_are_stars_held_at_the_start_against_the_end(plan, django_assert_num_queries):
    w = plan.world
    since, until = datetime.date(2026, 3, 5), datetime.date(2026, 3, 11)
    old = since - D(days=60)
    hold(w.village, "cyxw", "产业兴旺星", old)
    hold(w.village, "stjy", "生态宜居星", since + D(days=1))                      # up: 1 → 2
    hold(w.sibling, "paf", "平安法治星", old, lost=since + D(days=2))              # down: 1 → 0
    hold(w.community, "wmxf", "文明幸福星", old, lost=until)                       # level: swapped for 生态宜居星
    hold(w.community, "stjy", "生态宜居星", until)
    level = unit("410928103202", "后庄村委会", Level.VILLAGE, w.town)
    hold(level, "zbgy", "支部过硬星", old, lost=since + D(days=1))                   # lost and won back: no move
    hold(level, "zbgy", "支部过硬星", since + D(days=3))
    before = unit("410928103203", "前庄村委会", Level.VILLAGE, w.town)
    hold(before, "cyxw", "产业兴旺星", since - D(days=1))                            # the day before the period
    hold(w.other_village, "cyxw", "产业兴旺星", since + D(days=1))                  # another town
    names = {v.pk: v.name for v in (w.village, w.sibling, w.community, level, before)}
    with django_assert_num_queries(1):
        moved = stars_moved(w.town, since, until, names)
    assert moved["up"] == [{"village": w.village.name, "before": 1, "after": 2, "stars": "获得生态宜居星"}]
    assert moved["down"] == [{"village": w.sibling.name, "before": 1, "after": 0, "stars": "失去平安法治星"}]
    assert moved["level"] == [{"village": w.community.name, "before": 1, "after": 1, "stars": "获得生态宜居星；失去文明幸福星"}]
    assert (moved["up_count"], moved["down_count"]) == (1, 1)


def test_the_briefing_reads_the_moves(plan, series):
    w = plan.world
    today = timezone.localdate()
    create_meeting(plan.town_admin, series=series, date=today - D(days=7))
    meeting = create_meeting(plan.town_admin, series=series, date=today)
    hold(w.village, "cyxw", "产业兴旺星", today - D(days=90))
    hold(w.village, "stjy", "生态宜居星", today - D(days=2))
    hold(w.sibling, "paf", "平安法治星", today - D(days=90), lost=today - D(days=1))
    data = collect(meeting)
    doc = Document(io.BytesIO(to_docx(data)))
    text = "\n".join([p.text for p in doc.paragraphs] + [c.text for t in doc.tables for r in t.rows for c in r.cells])
    assert "按期初与期末所持星数比较：本期晋星 1 个村（社区），降星 1 个。" in text
    assert "1 → 2 星" in text and "获得生态宜居星" in text and "1 → 0 星" in text and "失去平安法治星" in text


def test_a_briefing_kept_from_before_still_renders(plan):
    from fivestar.meetings.services.briefing_render import sections

    old = {"problems": {"new": 0, "closed": 0, "open": 0, "overdue": 0, "overdue_by_village": []}, "round": None,
           "ledger": {"total": 0, "open": 0, "overdue": 0, "due_soon": 0, "done_in_period": 0, "tasks": []}, "decisions": [],
           "stars": {"up": [{"village": "西辛庄村", "stars": "生态宜居星"}], "down": [], "up_count": 1, "down_count": 0},
           "commitments": {"month": "2026年3月", "villages": 1, "posted": 1, "missing": 0, "missing_villages": []}}
    table = next(s for s in sections(old) if s["title"] == "五、星级变化")["table"]
    assert table[1] == [["西辛庄村", "晋星", "", "生态宜居星"]]
