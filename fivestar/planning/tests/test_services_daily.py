"""The daily job: ledger reminders and overdue marking at Asia/Shanghai midnight, monthly commitment reminders at a
month's start and end; run twice, nothing is sent or recorded twice."""

import datetime

import pytest
from django.core.management import call_command

from fivestar.demo.clock import at, pinned
from fivestar.inbox.models import Notification
from fivestar.planning.models import LedgerTask, TaskEvent
from fivestar.planning.selectors import ledger_stats_for
from fivestar.planning.services import post_commitment, post_result, run_planning_daily, set_task_status
from fivestar.planning.services.stats import differences

pytestmark = pytest.mark.django_db
D = datetime.date(2027, 1, 31)
UTC = datetime.timezone.utc


def counts():
    return Notification.objects.count(), TaskEvent.objects.count()


def users(prefix):
    return sorted(Notification.objects.filter(dedupe_key__startswith=prefix).values_list("user__username", flat=True))


def test_reminders_then_overdue_at_local_midnight_once(plan, world):
    task = plan.task(deadline=D, responsible=plan.secretary, year=2027)
    done = plan.task(deadline=D, title="已完成的任务", year=2027)
    set_task_status(done, plan.secretary_user, "done")
    assert run_planning_daily(D - datetime.timedelta(days=4))["reminded"] == 0
    first = run_planning_daily(D - datetime.timedelta(days=3))
    assert first["reminded"] == 1 and first["notifications"] == 2
    assert users(f"plan-remind-{task.pk}-") == ["liaison", "secretary"]
    assert "还有 3 天到期" in Notification.objects.filter(dedupe_key__startswith="plan-remind-").first().title
    snapshot = counts()
    for day in (D - datetime.timedelta(days=2), D):
        assert run_planning_daily(day)["notifications"] == 0
    assert counts() == snapshot
    before_midnight = datetime.datetime(2027, 1, 31, 15, 55, tzinfo=UTC)  # 23:55 in Shanghai
    after_midnight = datetime.datetime(2027, 1, 31, 16, 5, tzinfo=UTC)  # 00:05 on 1 February in Shanghai
    assert run_planning_daily(before_midnight)["overdue"] == 0
    result = run_planning_daily(after_midnight)
    assert result["date"] == datetime.date(2027, 2, 1) and result["overdue"] == 1 and result["notifications"] == 2
    assert LedgerTask.objects.get(pk=task.pk).overdue and not LedgerTask.objects.get(pk=done.pk).overdue
    assert list(task.events.filter(action="overdue").values_list("reason", flat=True)) == ["已超过完成时限 2027-01-31"]
    assert ledger_stats_for(2027, unit=world.town)["overdue"] == 1 and ledger_stats_for(2027, area=world.area)["overdue"] == 1
    snapshot = counts()
    assert run_planning_daily(after_midnight)["overdue"] == 0 and run_planning_daily(datetime.date(2027, 2, 2))["notifications"] == 0
    assert counts() == snapshot and differences() == []


def test_a_month_without_commitments_or_results_is_reminded_once(plan, world):
    plan.target(year=2027)  # only villages with a target this year are reminded
    assert run_planning_daily(datetime.date(2027, 3, 2))["commit_reminded"] == 0
    first = run_planning_daily(datetime.date(2027, 3, 3))
    assert first["commit_reminded"] == 1 and users("plan-commit-") == ["liaison", "secretary"]
    note = Notification.objects.filter(dedupe_key__startswith="plan-commit-").first()
    assert "尚未晒出2027年3月的承诺" in note.title and note.url == f"/planning/commitments/{world.village.code}/"
    assert run_planning_daily(datetime.date(2027, 3, 4))["notifications"] == 0
    with pinned(at(datetime.date(2027, 3, 5))):
        one = post_commitment(plan.secretary_user, world.village, datetime.date(2027, 3, 1), plan.secretary, "完成道路硬化")
    assert run_planning_daily(datetime.date(2027, 3, 28))["notifications"] == 0
    end = run_planning_daily(datetime.date(2027, 3, 29))
    assert end["result_reminded"] == 1 and end["notifications"] == 2
    assert "2027年3月的承诺已到月底，请亮出完成情况" in Notification.objects.filter(dedupe_key__startswith="plan-result-").first().title
    assert run_planning_daily(datetime.date(2027, 3, 31))["notifications"] == 0
    april = run_planning_daily(datetime.date(2027, 4, 1))  # March ended without a result: once more
    assert april["notifications"] == 2 and users("plan-result-late-") == ["liaison", "secretary"]
    assert run_planning_daily(datetime.date(2027, 4, 2))["notifications"] == 0
    with pinned(at(datetime.date(2027, 4, 2))):
        post_result(one, plan.secretary_user, "已完成 2 公里道路硬化")
    snapshot = counts()
    call_command("planning_daily", "--date", "2027-04-04")
    assert counts()[0] == snapshot[0] + 2  # April's missing commitments, from its 3rd day
    assert users("plan-commit-") == ["liaison", "liaison", "secretary", "secretary"]


def test_the_command_and_the_scheduler(plan, capsys):
    from fivestar.cli import USAGE, main
    from fivestar.rating.management.commands.scheduler import JOBS

    call_command("planning_daily", "--date", "2027-01-05")
    assert "2027-01-05：截止提醒 0 项任务" in capsys.readouterr().out
    assert "planning_daily" in JOBS and "planning-daily" in USAGE and "rebuild-ledger-stats" in USAGE
    for name, words in (("planning-daily", "重复运行不会重复发送"), ("rebuild-ledger-stats", "只核对不保存")):
        with pytest.raises(SystemExit):
            main([name, "--help"])
        assert words in capsys.readouterr().out
