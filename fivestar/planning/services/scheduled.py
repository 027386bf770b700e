"""The daily job (`fivestar planning-daily`): ledger reminders before the deadline, overdue marking, and the
monthly commitment reminders.

Dates are Asia/Shanghai days: a task is overdue when today is after its deadline and it is still open.
- reminders: open tasks due within REMIND_DAYS (today included), once per task and deadline;
- overdue: open tasks past their deadline get the flag, an event, the kept counts moved, a notification;
- commitments: from the COMMIT_AFTER_DAYth of a month, villages with a target this year and no commitment for
  the month are reminded; from RESULT_DAYS_BEFORE_END days before a month's end (and after it, for the previous
  month), villages whose commitments of that month lack a result are reminded.
Idempotent: a reminder / overdue mark is one TaskEvent (partial unique constraint) and one notification per
recipient (dedupe key); the overdue flag is only raised by an UPDATE that checks its old value. Bounded memory:
rows are read in batches of BATCH by id, as plain values, each batch in its own transaction.
"""

import datetime

from django.db import transaction
from django.db.models import Q

from fivestar.core.roles import Action, roles_allowing
from fivestar.inbox.models import Notification
from fivestar.inbox.services import notify_many
from fivestar.orgs.models import Level, OrgUnit
from fivestar.people.models import RoleAssignment

from ..models import Commitment, LedgerTask, TaskEvent, VillageTarget
from ..models.ledger import OPEN_TASK_STATUSES
from . import stats
from .commitments import add_months, month_end, month_label
from .ledger import overdue_reason

BATCH = 500
REMIND_DAYS = 3
COMMIT_AFTER_DAY = 3
RESULT_DAYS_BEFORE_END = 2
FIELDS = ("id", "org_unit_id", "org_unit__path", "org_unit__area_id", "org_unit__display_name", "year", "status",
          "deadline", "responsible_id", "title")


def local_date(when=None) -> datetime.date:
    from django.utils import timezone

    if isinstance(when, datetime.datetime):
        return timezone.localdate(when)
    return when or timezone.localdate()


def _each_batch(queryset, handle, fields=FIELDS) -> None:
    """`handle(rows)` for plain-value rows in id order, BATCH at a time, each batch in its own transaction."""
    last = 0
    while True:
        with transaction.atomic():
            rows = list(queryset.filter(pk__gt=last).order_by("pk").values(*fields)[:BATCH])
            if rows:
                handle(rows)
        if len(rows) < BATCH:
            return
        last = rows[-1]["id"]


def _people(rows) -> dict[int, set[int]]:
    """task id → accounts of its responsible person and its village's 包村干部."""
    from fivestar.supervision.services.recipients import liaison_users, responsible_users

    liaisons = liaison_users({r["org_unit_id"] for r in rows})
    owners = responsible_users({r["responsible_id"] for r in rows})
    return {r["id"]: set(liaisons.get(r["org_unit_id"], ())) | ({owners[r["responsible_id"]]} if r["responsible_id"] in owners else set())
            for r in rows}


def _new_events(rows, action, reason_of) -> list[dict]:
    """The rows whose event (action, reason) is not recorded yet; records them."""
    done = set(TaskEvent.objects.filter(task_id__in=[r["id"] for r in rows], action=action).values_list("task_id", "reason"))
    fresh = [r for r in rows if (r["id"], reason_of(r)) not in done]
    TaskEvent.objects.bulk_create([TaskEvent(task_id=r["id"], action=action, from_status=r["status"], reason=reason_of(r))
                                   for r in fresh], ignore_conflicts=True)
    return fresh


def _notes(row, users, kind, title, key) -> list[dict]:
    return [{"user_id": uid, "kind": kind, "title": title, "body": row["title"][:200], "url": f"/planning/tasks/{row['id']}/",
             "org_unit_id": row["org_unit_id"], "dedupe_key": key} for uid in sorted(users)]


def send_task_reminders(today) -> tuple[int, int]:
    candidates = LedgerTask.objects.filter(status__in=OPEN_TASK_STATUSES,
                                           deadline__range=(today, today + datetime.timedelta(days=REMIND_DAYS)))
    counts = [0, 0]

    def handle(rows):
        fresh = _new_events(rows, TaskEvent.Action.REMIND, lambda r: f"完成时限 {r['deadline']:%Y-%m-%d} 临近")
        people = _people(fresh)
        notes = []
        for r in fresh:
            days = (r["deadline"] - today).days
            when = "今天到期" if days == 0 else f"还有 {days} 天到期"
            notes += _notes(r, people[r["id"]], Notification.Kind.REMINDER, f"{r['org_unit__display_name']}的创建台账任务{when}",
                            f"plan-remind-{r['id']}-{r['deadline']:%Y%m%d}")
        counts[0] += len(fresh)
        counts[1] += notify_many(notes)

    _each_batch(candidates, handle)
    return counts[0], counts[1]


def mark_overdue(today) -> tuple[int, int]:
    candidates = LedgerTask.objects.filter(status__in=OPEN_TASK_STATUSES, overdue=False, deadline__lt=today)
    counts = [0, 0]

    def handle(rows):
        LedgerTask.objects.filter(pk__in=[r["id"] for r in rows], overdue=False).update(overdue=True)
        _new_events(rows, TaskEvent.Action.OVERDUE, lambda r: overdue_reason(r["deadline"]))
        above = stats.unit_ids_above({r["org_unit__path"] for r in rows})
        deltas = stats.KEPT.deltas()
        for r in rows:
            keys = stats.KEPT.keys(above[r["org_unit__path"]], r["year"], area=r["org_unit__area_id"])
            deltas.add(keys, stats.delta(stats.contribution(r["status"], False), stats.contribution(r["status"], True)))
        deltas.apply()
        people = _people(rows)
        notes = []
        for r in rows:
            notes += _notes(r, people[r["id"]], Notification.Kind.OVERDUE,
                            f"{r['org_unit__display_name']}的创建台账任务已逾期（时限 {r['deadline']:%Y-%m-%d}）",
                            f"plan-overdue-{r['id']}-{r['deadline']:%Y%m%d}")
        counts[0] += len(rows)
        counts[1] += notify_many(notes)

    _each_batch(candidates.select_for_update(of=("self",)), handle)
    return counts[0], counts[1]


def _village_users(village_ids) -> dict[int, set[int]]:
    """village id → accounts that post its commitments (Action.COMMIT held on the village, and its 包村干部)."""
    from fivestar.supervision.services.recipients import liaison_users

    out = {v: set(users) for v, users in liaison_users(village_ids).items()}
    rows = RoleAssignment.objects.filter(role__in=roles_allowing(Action.COMMIT), org_unit_id__in=list(village_ids), active=True,
                                         user__is_active=True, area__isnull=True)
    for village_id, user_id in rows.values_list("org_unit_id", "user_id"):
        out.setdefault(village_id, set()).add(user_id)
    return out


def _remind_villages(queryset, title_of, key_of, url_of) -> tuple[int, int]:
    counts = [0, 0]

    def handle(rows):
        users = _village_users([r["id"] for r in rows])
        notes = [{"user_id": uid, "kind": Notification.Kind.REMINDER, "title": title_of(r), "url": url_of(r),
                  "org_unit_id": r["id"], "dedupe_key": key_of(r)} for r in rows for uid in sorted(users.get(r["id"], ()))]
        counts[0] += len(rows)
        counts[1] += notify_many(notes)

    _each_batch(queryset, handle, fields=("id", "display_name", "code"))
    return counts[0], counts[1]


def commitment_reminders(today) -> dict:
    """Villages with a target this year (the towns using planning) reminded of a month without commitments or
    without results. Returns {"commit": villages, "result": villages, "notifications": n}."""
    out = {"commit": 0, "result": 0, "notifications": 0}
    month = today.replace(day=1)
    planned = OrgUnit.objects.filter(level=Level.VILLAGE, active=True,
                                     pk__in=VillageTarget.objects.filter(year=today.year).values("org_unit_id"))
    if today.day >= COMMIT_AFTER_DAY:
        without = planned.exclude(pk__in=Commitment.objects.filter(month=month).values("org_unit_id"))
        villages, sent = _remind_villages(
            without, lambda r: f"{r['display_name']}尚未晒出{month_label(month)}的承诺，请及时填报",
            lambda r: f"plan-commit-{r['id']}-{month:%Y%m}", lambda r: f"/planning/commitments/{r['code']}/")
        out["commit"], out["notifications"] = villages, out["notifications"] + sent
    months = [add_months(month, -1)]
    if (month_end(month) - today).days <= RESULT_DAYS_BEFORE_END:
        months.append(month)
    for m in months:
        lacking = OrgUnit.objects.filter(level=Level.VILLAGE, active=True, pk__in=Commitment.objects.filter(
            Q(result="") | Q(result__isnull=True), month=m).values("org_unit_id"))
        ended = m < month
        villages, sent = _remind_villages(
            lacking, lambda r, m=m, ended=ended: (f"{r['display_name']}{month_label(m)}的承诺{'已到月底' if not ended else '月份已结束'}，"
                                                  "请亮出完成情况"),
            lambda r, m=m, ended=ended: f"plan-result{'-late' if ended else ''}-{r['id']}-{m:%Y%m}", lambda r: f"/planning/commitments/{r['code']}/")
        out["result"] += villages
        out["notifications"] += sent
    return out


def run_planning_daily(today=None) -> dict:
    """Reminders, overdue marking and commitment reminders for `today` (a date; a datetime is taken as its local
    date). Running it twice for the same day sends nothing twice."""
    today = local_date(today)
    reminded, sent_reminders = send_task_reminders(today)
    overdue, sent_overdue = mark_overdue(today)
    commitments = commitment_reminders(today)
    return {"date": today, "reminded": reminded, "overdue": overdue, "commit_reminded": commitments["commit"],
            "result_reminded": commitments["result"],
            "notifications": sent_reminders + sent_overdue + commitments["notifications"]}
