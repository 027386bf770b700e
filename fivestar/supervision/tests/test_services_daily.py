"""The daily job: reminders, overdue marking at Asia/Shanghai midnight, escalation by steps, idempotent, batched."""

import datetime

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from fivestar.inbox.models import Notification
from fivestar.supervision.models import Problem, ProblemEvent, SupervisionSettings
from fivestar.supervision.selectors import stats_for
from fivestar.supervision.services import accept, is_overdue, run_daily, submit_rectification
from fivestar.supervision.services import scheduled
from fivestar.supervision.services.stats import differences

pytestmark = pytest.mark.django_db
JAN31 = datetime.date(2027, 1, 31)
UTC = datetime.timezone.utc


def d(month, day, year=2027):
    return datetime.date(year, month, day)


def counts():
    return Notification.objects.count(), ProblemEvent.objects.count()


def keys(prefix):
    return sorted(Notification.objects.filter(dedupe_key__startswith=prefix).values_list("user__username", flat=True))


def test_overdue_starts_at_local_midnight_after_the_deadline(sup):
    p = sup.problem(deadline=JAN31)
    before_midnight = datetime.datetime(2027, 1, 31, 15, 55, tzinfo=UTC)  # 23:55 on Jan 31 in Shanghai
    after_midnight = datetime.datetime(2027, 1, 31, 16, 5, tzinfo=UTC)  # 00:05 on Feb 1 in Shanghai
    assert run_daily(before_midnight)["overdue"] == 0
    assert not Problem.objects.get(pk=p.pk).overdue and not is_overdue(p.status, p.deadline, before_midnight)
    result = run_daily(after_midnight)
    assert result["date"] == d(2, 1) and result["overdue"] == 1
    assert Problem.objects.get(pk=p.pk).overdue and is_overdue(p.status, p.deadline, after_midnight)
    assert stats_for(unit=sup.world.town)["overdue"] == 1 and stats_for(area=sup.world.area)["overdue"] == 1


def test_month_and_leap_year_ends(sup):
    feb28 = sup.problem(deadline=d(2, 28))
    leap = sup.problem(deadline=datetime.date(2028, 2, 29))
    run_daily(d(2, 28))
    run_daily(d(3, 1))
    assert Problem.objects.get(pk=feb28.pk).overdue and not Problem.objects.get(pk=leap.pk).overdue
    run_daily(datetime.date(2028, 2, 29))
    assert not Problem.objects.get(pk=leap.pk).overdue
    run_daily(datetime.date(2028, 3, 1))
    assert Problem.objects.get(pk=leap.pk).overdue


def test_reminder_before_the_deadline_once(sup):
    p = sup.problem(deadline=JAN31)
    assert run_daily(d(1, 28))["reminded"] == 0  # 3 days before: the default is 2
    first = run_daily(d(1, 29))
    assert first["reminded"] == 1 and first["notifications"] == 2
    assert keys(f"sup-remind-{p.pk}-") == ["liaison", "secretary"]
    assert "还有 2 天到期" in Notification.objects.filter(dedupe_key__startswith="sup-remind-").first().title
    snapshot = counts()
    for day in (d(1, 29), d(1, 30), JAN31):
        assert run_daily(day)["notifications"] == 0
    assert counts() == snapshot
    assert list(p.events.filter(action="remind").values_list("reason", flat=True)) == ["整改期限 2027-01-31 临近"]


def test_no_reminder_for_problems_waiting_for_recheck_or_closed(sup):
    sent = sup.problem(deadline=JAN31)
    submit_rectification(sent, sup.secretary_user, "已整改")
    done = sup.problem(deadline=JAN31)
    submit_rectification(done, sup.secretary_user, "已整改")
    accept(done, sup.supervisor)
    assert run_daily(d(1, 30))["reminded"] == 0
    result = run_daily(d(2, 1))
    assert result["overdue"] == 1  # still open (waiting for re-inspection) past the deadline
    assert Problem.objects.get(pk=sent.pk).overdue and not Problem.objects.get(pk=done.pk).overdue


def test_escalation_by_steps_and_twice_sends_nothing_twice(sup, world):
    SupervisionSettings.objects.create(town=world.town, escalation_days=[0, 3, 7])
    p = sup.problem(deadline=JAN31)
    plan = [(d(2, 1), 1, ["liaison"]), (d(2, 3), 2, ["arealeader"]), (d(2, 7), 3, ["town"])]
    for day, step, told in plan:
        run_daily(day)
        assert Problem.objects.get(pk=p.pk).escalation_step == step
        assert keys(f"sup-esc{step}-{p.pk}-") == told
        snapshot = counts()
        again = run_daily(day)
        assert again["notifications"] == 0 and again["escalated"] == 0 and again["overdue"] == 0
        assert counts() == snapshot
    assert keys(f"sup-overdue-{p.pk}-") == ["liaison", "secretary"]
    assert list(p.events.filter(action="escalate").values_list("reason", flat=True)) == [
        "逾期升级至包村干部（整改期限 2027-01-31）", "逾期升级至包片领导（整改期限 2027-01-31）", "逾期升级至镇级管理员（整改期限 2027-01-31）"]
    assert p.events.filter(action="overdue").count() == 1
    assert run_daily(d(3, 1))["notifications"] == 0


def test_a_missed_week_catches_up_every_step_at_once(sup):
    p = sup.problem(deadline=JAN31)
    result = run_daily(d(2, 20))
    assert result["overdue"] == 1 and result["escalated"] == 3
    assert Problem.objects.get(pk=p.pk).escalation_step == 3
    assert keys("sup-esc") == ["arealeader", "liaison", "town"]


def test_town_settings_move_the_steps(sup, world):
    SupervisionSettings.objects.create(town=world.town, escalation_days=[2, 2, 10], reminder_days_before=0)
    p = sup.problem(deadline=JAN31)
    assert run_daily(d(1, 30))["reminded"] == 0  # 0 days before: on the deadline day only
    assert run_daily(d(1, 31))["reminded"] == 1
    run_daily(d(2, 1))
    assert Problem.objects.get(pk=p.pk).escalation_step == 0 and Problem.objects.get(pk=p.pk).overdue
    run_daily(d(2, 2))
    assert Problem.objects.get(pk=p.pk).escalation_step == 2


def test_extending_the_deadline_clears_overdue_and_escalates_again_later(sup):
    from fivestar.supervision.services import change_deadline

    p = sup.problem(deadline=JAN31)
    run_daily(d(2, 4))
    assert Problem.objects.get(pk=p.pk).escalation_step == 2
    # back before the new deadline
    p = Problem.objects.get(pk=p.pk)
    p.deadline = d(1, 31)
    change_deadline(p, sup.supervisor, datetime.date(2099, 3, 1), "雨季施工延期")
    p.refresh_from_db()
    assert not p.overdue and p.escalation_step == 0
    assert stats_for(unit=sup.world.village)["overdue"] == 0
    run_daily(datetime.date(2099, 3, 2))
    p.refresh_from_db()
    assert p.overdue and p.escalation_step == 1
    assert p.events.filter(action="overdue").count() == 2
    assert differences() == []


def test_batches_cover_everything_and_queries_do_not_grow_with_rows(sup, world, monkeypatch):
    for i in range(3):
        sup.problem(deadline=JAN31, description=f"问题{i}")
    with CaptureQueriesContext(connection) as few:
        run_daily(d(2, 10))
    for i in range(12):
        sup.problem(deadline=d(1, 30), description=f"更多问题{i}")
    with CaptureQueriesContext(connection) as many:
        run_daily(d(2, 10))
    assert Problem.objects.filter(overdue=True).count() == 15
    assert len(many.captured_queries) <= len(few.captured_queries) + 2
    monkeypatch.setattr(scheduled, "BATCH", 4)
    for i in range(9):
        sup.problem(deadline=d(1, 29), description=f"分批{i}")
    result = run_daily(d(2, 10))
    assert result["overdue"] == 9 and result["escalated"] == 27
    assert Problem.objects.filter(overdue=False).count() == 0 and Problem.objects.filter(escalation_step=3).count() == 24
    assert differences() == []


def test_command_runs_for_a_date(sup, capsys):
    sup.problem(deadline=JAN31)
    call_command("supervision_daily", "--date", "2027-02-01")
    out = capsys.readouterr().out
    assert "2027-02-01" in out and "新逾期 1 个" in out
    call_command("supervision_daily", "--date", "2027-02-01")
    assert "发送站内消息 0 条" in capsys.readouterr().out


def test_default_today_is_the_local_date(sup):
    assert run_daily()["date"] == timezone.localdate()


def test_the_scheduler_runs_the_daily_job(sup, capsys):
    from fivestar.rating.management.commands.scheduler import JOBS

    assert "supervision_daily" in JOBS
    call_command("scheduler", "--once")
    assert "截止提醒" in capsys.readouterr().out


def test_the_fivestar_command_names_reach_the_management_commands(capsys):
    from fivestar.cli import USAGE, main

    assert "supervision-daily" in USAGE and "rebuild-problem-stats" in USAGE
    for name, words in (("supervision-daily", "逐级升级"), ("rebuild-problem-stats", "只核对不保存")):
        with pytest.raises(SystemExit):
            main([name, "--help"])
        assert words in capsys.readouterr().out


def test_a_problem_recorded_after_its_deadline_is_overdue_at_once(sup):
    today = timezone.localdate()
    p = sup.problem(found_on=today - datetime.timedelta(days=10), deadline=today - datetime.timedelta(days=1))
    assert p.overdue and stats_for(unit=sup.world.village)["overdue"] == 1
    assert list(p.events.values_list("action", flat=True)) == ["create", "overdue"]
    result = run_daily(today)
    assert result["overdue"] == 0 and result["escalated"] == 1 and p.events.filter(action="overdue").count() == 1
