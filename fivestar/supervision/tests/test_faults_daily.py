"""kill -9 of the process running the daily job (`fivestar supervision-daily`, what the scheduler runs: reminders,
overdue marking, escalation 包村干部 → 包片领导 → 镇级管理员) in the middle of its batches: the day's row on
/supervision/daily/ says 已停滞, the restarted worker queues the pass again and runs it, and the reminders,
overdue marks, escalations, events and notifications end exactly as one uninterrupted run makes them — none twice
(dedupe keys, the events' unique constraint) — and a further pass adds nothing. Real processes (core/tests/faults.py)."""

import datetime
import time

from django.db import transaction
from django.utils import timezone

from fivestar.core.tests.faults import MARKS, NEVER, STALL, faults, page, settled, wait  # noqa: F401
from fivestar.inbox.models import Notification
from fivestar.supervision.models import DailyRun, Problem, ProblemEvent
from fivestar.supervision.services import run_daily
from fivestar.supervision.services.stats import differences
from fivestar.supervision.tasks import run_supervision_daily

pytestmark = MARKS
SLOW = "fivestar.supervision.services.scheduled:BATCH=2;fivestar.supervision.services.scheduled:notify_many~0.7"


class Rollback(Exception):
    pass


def outcome() -> dict:
    """Everything the daily job writes, without ids or times."""
    return {
        "events": sorted(ProblemEvent.objects.filter(action__in=["remind", "overdue", "escalate"])
                         .values_list("problem__description", "action", "from_status", "reason")),
        "notifications": sorted(Notification.objects.values_list("user__username", "kind", "title", "dedupe_key")),
        "problems": sorted(Problem.objects.values_list("description", "overdue", "escalation_step")),
    }


def test_a_killed_daily_pass_is_resumed_and_sends_every_reminder_and_escalation_once(sup, world, faults):  # noqa: F811
    now = timezone.localdate()
    today = now + datetime.timedelta(days=31)  # the day the job runs for (--date)
    for n in range(10):  # due tomorrow, so 30 days late on that day: marked overdue and escalated through all three steps
        sup.problem(village=world.village if n % 2 else world.sibling, description=f"逾期问题{n}", deadline=now + datetime.timedelta(days=1))
    for n in range(4):  # due the day after that day: reminded
        sup.problem(description=f"临期问题{n}", deadline=today + datetime.timedelta(days=1))
    start = outcome()
    try:  # the reference: one uninterrupted pass, rolled back
        with transaction.atomic():
            run_daily(today)
            expected = outcome()
            raise Rollback
    except Rollback:
        pass
    assert outcome() == start and not DailyRun.objects.exists()
    assert len(expected["notifications"]) > 30 and len(expected["events"]) == 4 + 10 + 30

    faults.queue_in_database()
    daily = faults.start("supervision-daily", "--date", f"{today:%Y-%m-%d}", name="daily", stall=NEVER, patch=SLOW)
    overdue_marked = lambda: ProblemEvent.objects.filter(action="overdue").count()  # noqa: E731
    wait(lambda: overdue_marked() >= 4, 120, "the pass to mark four problems overdue")
    daily.kill9()

    killed = DailyRun.objects.get(date=today)
    partial = outcome()
    assert killed.status == DailyRun.Status.RUNNING and killed.step >= 1
    assert len(partial["events"]) < len(expected["events"]) and len(partial["notifications"]) < len(expected["notifications"])
    assert set(partial["notifications"]) <= set(expected["notifications"])  # what was committed is already right

    time.sleep(STALL + 0.5)
    status, html = page(sup.town_admin, "/supervision/daily/")
    assert status == 200 and 'data-testid="daily-status" class="text-danger">已停滞' in html and 'data-testid="daily-stalled"' in html

    worker = faults.worker("worker")  # its watchdog queues the day's pass again, and runs it
    wait(lambda: DailyRun.objects.get(date=today).status == DailyRun.Status.DONE, 120, "the resumed pass", every=0.3)
    wait(lambda: settled(run_supervision_daily.module_path), 60, "the resumed task result to settle")
    worker.stop()
    assert f"督导每日处理 {today:%Y-%m-%d}：已重新排队" in worker.output()

    assert outcome() == expected  # every reminder, overdue mark and escalation once: none lost, none twice
    assert differences() == []  # the kept counts agree with the problems
    notifications = list(Notification.objects.values_list("user_id", "dedupe_key"))
    assert len(notifications) == len(set(notifications))

    again = run_daily(today)  # the scheduler's next pass
    assert (again["reminded"], again["overdue"], again["escalated"], again["notifications"]) == (0, 0, 0, 0)
    assert outcome() == expected
    run = DailyRun.objects.get(date=today)
    assert run.status == DailyRun.Status.DONE and run.step == 3 and DailyRun.objects.count() == 1
    status, html = page(sup.town_admin, "/supervision/daily/")
    assert 'data-testid="daily-status">已完成' in html and "已停滞" not in html
