"""The daily job (`fivestar supervision-daily`): reminders before the deadline, overdue marking, escalation.

Dates are Asia/Shanghai days: a problem is overdue when today's local date is after its deadline and it is
still open. Escalation goes by steps (包村干部 → 包片领导 → 镇级管理员) at the town's `escalation_days` past
the deadline; a missed day catches up every step due.

Idempotent: each reminder / overdue mark / escalation step is one ProblemEvent (a partial unique constraint) and
one notification per recipient (dedupe key), and the overdue flag and escalation step are only ever raised by an
UPDATE that checks their old value. Bounded memory: problems are read in batches of `BATCH` by id, as plain values,
each batch in its own transaction.

Each day's passes are recorded on a DailyRun row with a heartbeat at every batch (daily_run.py): a pass killed mid-way
shows as 已停滞 on /supervision/daily/ and is resumed by the worker's watchdog or `fivestar resume-jobs`.
"""

import datetime

from django.db import transaction
from django.utils import timezone

from fivestar.inbox.models import Notification
from fivestar.inbox.services import notify_many

from ..models import Problem, ProblemEvent, SupervisionSettings
from ..models.problem import OPEN_STATUSES, ProblemStatus
from . import daily_run, stats
from .problems import overdue_reason, problem_url
from .recipients import area_leader_users, liaison_users, responsible_users, town_admin_users
from .settings import ESCALATION_STEPS, escalation_days

BATCH = 500
STEP_NAMES = {1: "包村干部", 2: "包片领导", 3: "镇级管理员"}
FIELDS = ("id", "org_unit_id", "org_unit__parent_id", "org_unit__path", "org_unit__area_id", "org_unit__display_name",
          "team_id", "status", "deadline", "responsible_id", "escalation_step", "description")


def local_date(when=None) -> datetime.date:
    """A date as is; a datetime (or now) as its Asia/Shanghai date."""
    if isinstance(when, datetime.datetime):
        return timezone.localdate(when)
    return when or timezone.localdate()


def is_overdue(status: str, deadline: datetime.date, today=None) -> bool:
    return status in OPEN_STATUSES and local_date(today) > deadline


class _Settings:
    """Town settings, read once (one row per town that has any)."""

    def __init__(self):
        self.rows = {row.town_id: row for row in SupervisionSettings.objects.all()}
        self.default = SupervisionSettings()

    def __call__(self, town_id):
        return self.rows.get(town_id, self.default)

    def max_reminder_days(self) -> int:
        return max([r.reminder_days_before for r in self.rows.values()] + [self.default.reminder_days_before])

    def min_escalation_day(self) -> int:
        return min([escalation_days(r)[0] for r in self.rows.values()] + [escalation_days(self.default)[0]])


def _each_batch(queryset, handle) -> None:
    """`handle(rows)` for plain-value rows in id order, BATCH at a time, each batch in its own transaction."""
    last = 0
    while True:
        with transaction.atomic():
            rows = list(queryset.filter(pk__gt=last).order_by("pk").values(*FIELDS)[:BATCH])
            if rows:
                handle(rows)
        daily_run.beat()
        if len(rows) < BATCH:
            return
        last = rows[-1]["id"]


def _village_people(rows) -> dict[int, set[int]]:
    """problem id → accounts of its responsible person and its village's 包村干部."""
    liaisons = liaison_users({r["org_unit_id"] for r in rows})
    responsible = responsible_users({r["responsible_id"] for r in rows})
    return {r["id"]: set(liaisons.get(r["org_unit_id"], ())) | ({responsible[r["responsible_id"]]} if r["responsible_id"] in responsible else set())
            for r in rows}


def _note(row, user_ids, kind, title, key, body="") -> list[dict]:
    return [{"user_id": uid, "kind": kind, "title": title, "body": body, "url": problem_url(_Ref(row["id"])),
             "org_unit_id": row["org_unit_id"], "dedupe_key": key} for uid in sorted(user_ids)]


class _Ref:
    def __init__(self, pk):
        self.pk = pk


def _new_events(rows, action, reason_of) -> list[dict]:
    """The rows whose event (action, reason) is not recorded yet; records them."""
    ids = [r["id"] for r in rows]
    done = set(ProblemEvent.objects.filter(problem_id__in=ids, action=action).values_list("problem_id", "reason"))
    fresh = [r for r in rows if (r["id"], reason_of(r)) not in done]
    ProblemEvent.objects.bulk_create([
        ProblemEvent(problem_id=r["id"], action=action, from_status=r["status"], to_status="", reason=reason_of(r))
        for r in fresh], ignore_conflicts=True)
    return fresh


def send_reminders(today, settings) -> tuple[int, int]:
    horizon = settings.max_reminder_days()  # 0: on the deadline day only
    candidates = Problem.objects.filter(status__in=[ProblemStatus.PENDING, ProblemStatus.RECTIFYING],
                                        deadline__range=(today, today + datetime.timedelta(days=horizon)))
    counts = [0, 0]

    def reason(row):
        return f"整改期限 {row['deadline']:%Y-%m-%d} 临近"

    def handle(rows):
        due = [r for r in rows if (r["deadline"] - today).days <= settings(r["org_unit__parent_id"]).reminder_days_before]
        fresh = _new_events(due, ProblemEvent.Action.REMIND, reason)
        people = _village_people(fresh)
        notes = []
        for r in fresh:
            days = (r["deadline"] - today).days
            when = "今天到期" if days == 0 else f"还有 {days} 天到期"
            notes += _note(r, people[r["id"]], Notification.Kind.REMINDER,
                           f"{r['org_unit__display_name']}的督导问题{when}，请抓紧整改", f"sup-remind-{r['id']}-{r['deadline']:%Y%m%d}",
                           r["description"][:200])
        counts[1] += notify_many(notes)
        counts[0] += len(fresh)

    _each_batch(candidates, handle)
    return counts[0], counts[1]


def mark_overdue(today) -> tuple[int, int]:
    candidates = Problem.objects.filter(status__in=OPEN_STATUSES, overdue=False, deadline__lt=today)
    counts = [0, 0]

    def handle(rows):
        ids = [r["id"] for r in rows]
        Problem.objects.filter(pk__in=ids, overdue=False).update(overdue=True)
        _new_events(rows, ProblemEvent.Action.OVERDUE, lambda r: overdue_reason(r["deadline"]))
        above = stats.unit_ids_above({r["org_unit__path"] for r in rows})
        deltas = stats.Deltas()
        for r in rows:
            keys = stats.keys_for(above[r["org_unit__path"]], r["org_unit__area_id"], r["team_id"])
            deltas.add(keys, stats.delta(stats.contribution(r["status"], False), stats.contribution(r["status"], True)))
        deltas.apply()
        people = _village_people(rows)
        notes = []
        for r in rows:
            notes += _note(r, people[r["id"]], Notification.Kind.OVERDUE,
                           f"{r['org_unit__display_name']}的督导问题已逾期（期限 {r['deadline']:%Y-%m-%d}）",
                           f"sup-overdue-{r['id']}-{r['deadline']:%Y%m%d}", r["description"][:200])
        counts[1] += notify_many(notes)
        counts[0] += len(rows)

    _each_batch(candidates.select_for_update(of=("self",)), handle)
    return counts[0], counts[1]


def _target_step(row, today, settings) -> int:
    past = (today - row["deadline"]).days
    return sum(1 for day in escalation_days(settings(row["org_unit__parent_id"])) if past >= day)


def escalate(today, settings) -> tuple[int, int]:
    first = max(1, settings.min_escalation_day())
    candidates = Problem.objects.filter(status__in=OPEN_STATUSES, escalation_step__lt=ESCALATION_STEPS,
                                        deadline__lte=today - datetime.timedelta(days=first))
    counts = [0, 0]

    def handle(rows):
        due = [(r, _target_step(r, today, settings)) for r in rows]
        due = [(r, target) for r, target in due if target > r["escalation_step"]]
        if not due:
            return
        for target in {t for _, t in due}:
            Problem.objects.filter(pk__in=[r["id"] for r, t in due if t == target], escalation_step__lt=target
                                   ).update(escalation_step=target)
        liaisons = liaison_users({r["org_unit_id"] for r, _ in due})
        leaders = area_leader_users({r["org_unit__area_id"] for r, _ in due})
        admins = town_admin_users({r["org_unit__parent_id"] for r, _ in due})
        recipients = {1: lambda r: liaisons.get(r["org_unit_id"], set()), 2: lambda r: leaders.get(r["org_unit__area_id"], set()),
                      3: lambda r: admins.get(r["org_unit__parent_id"], set())}
        notes = []
        for step in range(1, ESCALATION_STEPS + 1):
            at_step = [r for r, target in due if r["escalation_step"] < step <= target]
            if not at_step:
                continue
            fresh = _new_events(at_step, ProblemEvent.Action.ESCALATE,
                                lambda r, step=step: f"逾期升级至{STEP_NAMES[step]}（整改期限 {r['deadline']:%Y-%m-%d}）")
            counts[0] += len(fresh)
            for r in fresh:
                notes += _note(r, recipients[step](r), Notification.Kind.OVERDUE,
                               f"督导问题逾期未整改：{r['org_unit__display_name']}（期限 {r['deadline']:%Y-%m-%d}）",
                               f"sup-esc{step}-{r['id']}-{r['deadline']:%Y%m%d}", r["description"][:200])
        counts[1] += notify_many(notes)

    _each_batch(candidates.select_for_update(of=("self",)), handle)
    return counts[0], counts[1]


def run_daily(today=None) -> dict:
    """Reminders, overdue marking and escalation for `today` (a date; a datetime is taken as its local date)."""
    today = local_date(today)
    run = daily_run.begin(today)
    if run is None:
        return {"date": today, "reminded": 0, "overdue": 0, "escalated": 0, "notifications": 0, "skipped": True}
    settings = _Settings()
    try:
        with daily_run.beating(run):
            reminded, sent_reminders = send_reminders(today, settings)
            daily_run.step_done(run, 1, reminded=reminded, notifications=sent_reminders)
            overdue, sent_overdue = mark_overdue(today)
            daily_run.step_done(run, 2, overdue=overdue, notifications=sent_overdue)
            escalated, sent_escalations = escalate(today, settings)
            daily_run.step_done(run, 3, escalated=escalated, notifications=sent_escalations)
    except Exception:
        daily_run.finish(run, daily_run.S.FAILED, "处理失败：系统内部错误，请联系管理员查看日志；下一轮定时任务会重新处理。")
        raise
    daily_run.finish(run, daily_run.S.DONE)
    return {"date": today, "reminded": reminded, "overdue": overdue, "escalated": escalated,
            "notifications": sent_reminders + sent_overdue + sent_escalations}
