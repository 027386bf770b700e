"""Creating and opening rounds. Opening runs in the background and carries each branch's previous
results forward as a baseline "to confirm", so nobody retypes what has not changed."""

import datetime
import secrets
from types import SimpleNamespace

from django.conf import settings
from django.db import transaction
from django.db.models import F, Q, Value
from django.utils import timezone

from fivestar.core import jobs
from fivestar.core.roles import Action
from fivestar.core.scoping import covers
from fivestar.indicators.registry import values_for_many
from fivestar.orgs.models import Level, OrgUnit

from ..models import Assessment, AssessmentEvent, Round, Status, VetoEvent
from ..models.round import default_indicator_year
from ..stats import refresh_round_stats
from . import notifications
from .errors import WorkflowError
from .evaluation import evaluate_assessment


class Superseded(Exception):
    """A resumed run took the opening over; this (older) run stops at its next batch."""


def create_round(user, *, scope: OrgUnit, name: str, kind: str, year: int, period_start, period_end,
                 rural_framework, community_framework=None, self_deadline, town_deadline, county_deadline,
                 notice_days: int = 7, extra_levels=(), extra_deadline=None, previous=None,
                 indicator_year: int | None = None, expired_outcome: str = Round.ExpiredOutcome.KEEP) -> Round:
    """A draft round. `indicator_year` (指标数据年度) is the year of indicator values opening and every
    re-evaluation read; by default the last complete year (`default_indicator_year`)."""
    if scope.level not in (Level.COUNTY, Level.TOWN, Level.CITY, Level.PROVINCE):
        raise WorkflowError("评星范围应为县（区）或乡镇（街道）。")
    if not covers(user, scope, Action.MANAGE_ROUNDS):
        raise WorkflowError("您无权在该范围开启评星周期。")
    if period_end < period_start:
        raise WorkflowError("周期结束日期不能早于开始日期。")
    if not (self_deadline <= town_deadline <= county_deadline):
        raise WorkflowError("各阶段截止日期应依次为：村级自评 ≤ 镇级初审 ≤ 县级审核。")
    if not 1 <= notice_days <= 30:
        raise WorkflowError("公示天数应在 1 至 30 天之间。")
    for fw in (rural_framework, community_framework):
        if fw is not None and not fw.is_published:
            raise WorkflowError(f"创建标准「{fw.name}」尚未发布，不能用于评星。")
    if rural_framework.branch_type != "rural" or (community_framework and community_framework.branch_type != "community"):
        raise WorkflowError("农村标准和社区标准的支部类型不匹配。")
    if expired_outcome not in Round.ExpiredOutcome.values:
        raise WorkflowError("未按期完成的认定结果应为“保留上次认定的星”或“不授星”。")
    if indicator_year is None:
        indicator_year = default_indicator_year(period_end, timezone.localdate())
    if not 2000 <= indicator_year <= 2100:
        raise WorkflowError("指标数据年度应在 2000 至 2100 之间。")
    rnd = Round(
        scope=scope, name=name, kind=kind, year=year, indicator_year=indicator_year, period_start=period_start, period_end=period_end,
        rural_framework=rural_framework, community_framework=community_framework, self_deadline=self_deadline,
        town_deadline=town_deadline, county_deadline=county_deadline, notice_days=notice_days, expired_outcome=expired_outcome,
        extra_levels=list(extra_levels), extra_deadline=extra_deadline, previous=previous, public_token=secrets.token_hex(8),
    )
    rnd._history_user = user
    rnd.save()
    return rnd


def open_round(rnd: Round, user) -> None:
    """Mark the round as opening and hand the work to the background worker."""
    if not covers(user, rnd.scope, Action.MANAGE_ROUNDS):
        raise WorkflowError("您无权开启该评星周期。")
    updated = Round.objects.filter(pk=rnd.pk, phase=Round.Phase.DRAFT).update(
        phase=Round.Phase.OPENING, opened_by=user, open_done=0, heartbeat_at=timezone.now(), open_token="")
    if not updated:
        raise WorkflowError("该评星周期已开启，不能重复开启。")
    from ..tasks import populate_round_task

    transaction.on_commit(lambda: populate_round_task.enqueue(rnd.pk))


def opening_stalled(rnd: Round) -> bool:
    """The round is opening but its worker has not reported for `JOB_STALL_SECONDS` (it died or none runs)."""
    return rnd.phase == Round.Phase.OPENING and jobs.is_stalled(rnd.heartbeat_at)


def resume_opening(rnd: Round, user=None) -> str:
    """继续: queue a stalled opening again (`user=None` is the system: the worker, the command line).

    The new run skips the branches that already have their assessment and takes the job over, so the
    round ends with exactly the rows an uninterrupted opening makes.
    """
    if user is not None and not covers(user, rnd.scope, Action.MANAGE_ROUNDS):
        raise WorkflowError("您无权继续开启该评星周期。")
    rnd = Round.objects.get(pk=rnd.pk)
    if rnd.phase != Round.Phase.OPENING:
        raise WorkflowError("该评星周期不在开启中，无需继续。")
    if not opening_stalled(rnd):
        raise WorkflowError("后台任务仍在进行，请稍候；如长时间没有进展，页面会显示“已停滞”，届时可点击“继续”。")
    # Only one of several clicks (or a click and the worker) re-queues: the first moves the heartbeat on.
    claimed = Round.objects.filter(pk=rnd.pk, phase=Round.Phase.OPENING, heartbeat_at=rnd.heartbeat_at).update(heartbeat_at=timezone.now())
    if not claimed:
        raise WorkflowError("该评星周期已在继续开启。")
    from ..tasks import populate_round_task

    jobs.fail_orphaned_results(populate_round_task.module_path, rnd.pk)
    transaction.on_commit(lambda: populate_round_task.enqueue(rnd.pk))
    return f"评星周期 {rnd.pk}「{rnd.name}」：已重新排队，继续开启（已创建 {rnd.open_done:,} / {rnd.open_total:,}）"


def stalled_openings(cutoff) -> list[Round]:
    return list(Round.objects.filter(phase=Round.Phase.OPENING).filter(Q(heartbeat_at__lt=cutoff) | Q(heartbeat_at__isnull=True)))


# The columns carry-forward copies from a previous assessment, and nothing else: opening a province's
# interim round reads 52,378 earlier rows, so their other JSON columns (evaluation, snapshots, comments)
# and the round joined onto each row are never loaded.
CARRIED_COLUMNS = ("answers", "reviews", "notes", "not_applicable", "evidence")


def _previous_assessments(rnd: Round, unit_ids: list[int], levels_of: dict[int, list[str]]) -> dict[int, SimpleNamespace]:
    """Each branch's most recent assessment in an earlier round (the named previous round only, when
    there is one), as its carried columns plus `levels` (its round's review levels).

    Reads one batch of branches: which row is the latest is chosen from ids alone, then only those rows'
    carried columns are read. `levels_of` (round id → levels) is filled as rounds are met and kept by
    the caller across batches, so each earlier round is read once per opening.
    """
    qs = Assessment.objects.filter(org_unit_id__in=unit_ids).exclude(round=rnd)
    if rnd.previous_id:
        qs = qs.filter(round_id=rnd.previous_id)  # one row per branch at most (unique per round)
    else:
        latest: dict[int, int] = {}
        for pk, unit_id in qs.order_by("org_unit_id", "-round__period_end", "-id").values_list("id", "org_unit_id"):
            latest.setdefault(unit_id, pk)
        qs = Assessment.objects.filter(id__in=list(latest.values()))
    rows = list(qs.order_by("id").values("org_unit_id", "round_id", *CARRIED_COLUMNS))
    unknown = {row["round_id"] for row in rows} - set(levels_of)
    for r in Round.objects.filter(pk__in=unknown).only("id", "extra_levels"):
        levels_of[r.pk] = r.levels
    previous = {}
    for row in rows:
        previous[row["org_unit_id"]] = SimpleNamespace(levels=levels_of[row["round_id"]], **{c: row[c] for c in CARRIED_COLUMNS})
    return previous


def _veto_rules(rnd: Round, unit_ids: list[int]) -> dict[int, set[str]]:
    """Veto events that fall in this round: from the end of the previous round's period (so nothing
    recorded between two rounds is missed) or this round's start, whichever is earlier."""
    start = rnd.period_start
    if rnd.previous_id:
        start = min(start, rnd.previous.period_end + datetime.timedelta(days=1))
    rules: dict[int, set[str]] = {}
    rows = VetoEvent.objects.filter(org_unit_id__in=unit_ids, occurred_on__gte=start, occurred_on__lte=rnd.period_end)
    for unit_id, code in rows.values_list("org_unit_id", "rule_code"):
        rules.setdefault(unit_id, set()).add(code)
    return rules


def _carry(previous: SimpleNamespace | None, framework) -> dict:
    if previous is None:
        return {}
    values = Assessment.effective_answers(previous, previous.levels)  # the model's rule, on the columns read
    codes = framework.rules_by_code
    answers = {c: v for c, v in values.items() if c in codes and v is not None}
    return {
        "answers": answers,
        "notes": {c: n for c, n in previous.notes.items() if c in codes},
        "not_applicable": {c: r for c, r in previous.not_applicable.items() if c in codes},
        "evidence": {c: ids for c, ids in previous.evidence.items() if c in codes},
        "to_confirm": sorted(set(answers) | {c for c in previous.not_applicable if c in codes}),
        "status": Status.IN_PROGRESS,
    }


def populate_round(round_id: int) -> int:
    """Create one assessment per branch in scope, in batches; idempotent and resumable.

    Branches that already have their assessment are skipped (a resumed run picks up where a killed
    one stopped), and `open_done` counts the rows that exist, so it is exact after a resume. Each batch
    commits with the round's heartbeat; a newer run (resumed) takes the job over and this one stops.
    Returns the number of assessments this run created.
    """
    rnd = Round.objects.select_related("scope", "rural_framework", "community_framework").get(pk=round_id)
    token = secrets.token_hex(8)
    batch_size = max(1, int(getattr(settings, "ROUND_OPEN_BATCH", 2000)))
    branches = OrgUnit.objects.filter(path__startswith=rnd.scope.path, level=Level.VILLAGE, active=True)
    Round.objects.filter(pk=rnd.pk).update(
        open_token=token, heartbeat_at=timezone.now(), open_total=branches.count(),
        open_done=Assessment.objects.filter(round=rnd).count())
    compiled = {"rural": rnd.rural_framework.compiled()}
    if rnd.community_framework_id:
        compiled["community"] = rnd.community_framework.compiled()
    created = 0
    last_id = 0
    levels_of: dict[int, list[str]] = {}
    try:
        while True:
            batch = list(branches.filter(id__gt=last_id).order_by("id").values_list("id", "branch_type", "parent_id")[:batch_size])
            if not batch:
                break
            last_id = batch[-1][0]
            created += _populate_batch(rnd, token, batch, compiled, levels_of)
    except Superseded:
        return created
    refresh_round_stats(rnd.pk)
    done = Assessment.objects.filter(round=rnd).count()
    Round.objects.filter(pk=rnd.pk, open_token=token).update(open_done=done, open_total=done, heartbeat_at=timezone.now())
    if Round.objects.filter(pk=rnd.pk, open_token=token, phase__in=[Round.Phase.DRAFT, Round.Phase.OPENING]).update(phase=Round.Phase.OPEN):
        notifications.round_opened(rnd)  # idempotent per branch: a resumed opening tells nobody twice
    return created


def _insert(rows: list[Assessment]) -> list[Assessment]:
    """bulk_create; rows that carry results go through INSERT … VALUES rather than UNNEST.

    On PostgreSQL Django 5.2 inserts through UNNEST of one array per column, and psycopg escapes every quote
    of every JSON text inside such an array in Python: for carried rows (whole answer sets, notes, evidence)
    that escaping cost a quarter of an interim opening's CPU (2,000 carried rows: 1.7 s through UNNEST,
    1.1 s through VALUES). Empty rows are the other way round (0.3 s against 0.85 s), so they keep UNNEST.
    A row holding an expression makes Django keep INSERT … VALUES, where each JSON text is quoted once, in C:
    the status goes in as one and is put back.
    """
    if not any(a.answers or a.evidence for a in rows):
        return Assessment.objects.bulk_create(rows)
    statuses = [a.status for a in rows]
    for a in rows:
        a.status = Value(a.status)
    try:
        return Assessment.objects.bulk_create(rows)
    finally:
        for a, status in zip(rows, statuses):
            a.status = status


def _populate_batch(rnd: Round, token: str, batch: list[tuple[int, str, int]], compiled: dict,
                    levels_of: dict[int, list[str]] | None = None) -> int:
    ids = [unit_id for unit_id, _, _ in batch]
    existing = set(Assessment.objects.filter(round=rnd, org_unit_id__in=ids).values_list("org_unit_id", flat=True))
    todo = [row for row in batch if row[0] not in existing]
    if not todo:
        if not Round.objects.filter(pk=rnd.pk, open_token=token).update(heartbeat_at=timezone.now()):
            raise Superseded
        return 0
    todo_ids = [unit_id for unit_id, _, _ in todo]
    previous = _previous_assessments(rnd, todo_ids, {} if levels_of is None else levels_of)
    vetoes = _veto_rules(rnd, todo_ids)
    indicators = values_for_many(todo_ids, rnd.indicator_year)
    rows = []
    for unit_id, branch_type, town_id in todo:
        kind = "community" if branch_type == "community" and "community" in compiled else "rural"
        fw_row = rnd.community_framework if kind == "community" else rnd.rural_framework
        carried = _carry(previous.get(unit_id), compiled[kind])
        a = Assessment(round=rnd, org_unit_id=unit_id, town_id=town_id, framework=fw_row, **carried)
        a.veto_events = sorted(c for c in vetoes.get(unit_id, ()) if c in compiled[kind].rules_by_code)
        a.round = rnd
        evaluate_assessment(a, indicators.get(unit_id, {}), framework=compiled[kind])
        rows.append(a)
    with transaction.atomic():
        # Holding the job (and, on PostgreSQL, the round's row) first: a run that lost it stops here.
        if not Round.objects.filter(pk=rnd.pk, open_token=token).update(heartbeat_at=timezone.now()):
            raise Superseded
        made_meanwhile = set(Assessment.objects.filter(round=rnd, org_unit_id__in=todo_ids).values_list("org_unit_id", flat=True))
        rows = [a for a in rows if a.org_unit_id not in made_meanwhile]
        made = _insert(rows)
        AssessmentEvent.objects.bulk_create(
            [AssessmentEvent(assessment=a, user=rnd.opened_by, level="system", action=AssessmentEvent.Action.OPENED,
                             reason="开启评星周期" + ("，沿用上期结果待确认" if a.to_confirm else "")) for a in made],
        )
        Round.objects.filter(pk=rnd.pk).update(open_done=F("open_done") + len(made))
    return len(made)
