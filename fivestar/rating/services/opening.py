"""Creating and opening rounds. Opening runs in the background and carries each branch's previous
results forward as a baseline "to confirm", so nobody retypes what has not changed."""

import datetime
import secrets

from django.db import transaction
from django.db.models import F

from fivestar.core.roles import Action
from fivestar.core.scoping import covers
from fivestar.indicators.registry import values_for_many
from fivestar.orgs.models import Level, OrgUnit

from ..models import Assessment, AssessmentEvent, Round, Status, VetoEvent
from ..stats import refresh_round_stats
from .errors import WorkflowError
from .evaluation import evaluate_assessment

BATCH = 2000


def create_round(user, *, scope: OrgUnit, name: str, kind: str, year: int, period_start, period_end,
                 rural_framework, community_framework=None, self_deadline, town_deadline, county_deadline,
                 notice_days: int = 7, extra_levels=(), extra_deadline=None, previous=None) -> Round:
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
    rnd = Round(
        scope=scope, name=name, kind=kind, year=year, period_start=period_start, period_end=period_end,
        rural_framework=rural_framework, community_framework=community_framework, self_deadline=self_deadline,
        town_deadline=town_deadline, county_deadline=county_deadline, notice_days=notice_days,
        extra_levels=list(extra_levels), extra_deadline=extra_deadline, previous=previous, public_token=secrets.token_hex(8),
    )
    rnd._history_user = user
    rnd.save()
    return rnd


def open_round(rnd: Round, user) -> None:
    """Mark the round as opening and hand the work to the background worker."""
    if not covers(user, rnd.scope, Action.MANAGE_ROUNDS):
        raise WorkflowError("您无权开启该评星周期。")
    updated = Round.objects.filter(pk=rnd.pk, phase=Round.Phase.DRAFT).update(phase=Round.Phase.OPENING, opened_by=user, open_done=0)
    if not updated:
        raise WorkflowError("该评星周期已开启，不能重复开启。")
    from ..tasks import populate_round_task

    transaction.on_commit(lambda: populate_round_task.enqueue(rnd.pk))


def _previous_assessments(rnd: Round, unit_ids: list[int]) -> dict[int, Assessment]:
    """Each branch's most recent assessment in an earlier round (the named previous round first)."""
    qs = Assessment.objects.filter(org_unit_id__in=unit_ids).exclude(round=rnd)
    if rnd.previous_id:
        qs = qs.filter(round_id=rnd.previous_id)
    latest = {}
    for a in qs.select_related("round").order_by("org_unit_id", "-round__period_end", "-id"):
        latest.setdefault(a.org_unit_id, a)
    return latest


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


def _carry(previous: Assessment | None, framework, levels_of_previous) -> dict:
    if previous is None:
        return {}
    values = previous.effective_answers(levels_of_previous)
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
    """Create one assessment per branch in scope, in batches; idempotent (existing ones are kept)."""
    rnd = Round.objects.select_related("scope", "rural_framework", "community_framework").get(pk=round_id)
    branches = OrgUnit.objects.filter(path__startswith=rnd.scope.path, level=Level.VILLAGE, active=True)
    Round.objects.filter(pk=rnd.pk).update(open_total=branches.count())
    compiled = {"rural": rnd.rural_framework.compiled()}
    if rnd.community_framework_id:
        compiled["community"] = rnd.community_framework.compiled()
    created = 0
    last_id = 0
    while True:
        batch = list(branches.filter(id__gt=last_id).order_by("id").values_list("id", "branch_type", "parent_id")[:BATCH])
        if not batch:
            break
        last_id = batch[-1][0]
        ids = [unit_id for unit_id, _, _ in batch]
        existing = set(Assessment.objects.filter(round=rnd, org_unit_id__in=ids).values_list("org_unit_id", flat=True))
        previous = _previous_assessments(rnd, ids)
        vetoes = _veto_rules(rnd, ids)
        indicators = values_for_many(ids, rnd.year)
        rows = []
        for unit_id, branch_type, town_id in batch:
            if unit_id in existing:
                continue
            kind = "community" if branch_type == "community" and "community" in compiled else "rural"
            fw_row = rnd.community_framework if kind == "community" else rnd.rural_framework
            prev = previous.get(unit_id)
            carried = _carry(prev, compiled[kind], prev.round.levels if prev else [])
            a = Assessment(round=rnd, org_unit_id=unit_id, town_id=town_id, framework=fw_row, **carried)
            a.veto_events = sorted(c for c in vetoes.get(unit_id, ()) if c in compiled[kind].rules_by_code)
            a.round = rnd
            evaluate_assessment(a, indicators.get(unit_id, {}), framework=compiled[kind])
            rows.append(a)
        with transaction.atomic():
            made = Assessment.objects.bulk_create(rows, batch_size=BATCH)
            AssessmentEvent.objects.bulk_create(
                [AssessmentEvent(assessment=a, user=rnd.opened_by, level="system", action=AssessmentEvent.Action.OPENED,
                                 reason="开启评星周期" + ("，沿用上期结果待确认" if a.to_confirm else "")) for a in made],
                batch_size=BATCH,
            )
            Round.objects.filter(pk=rnd.pk).update(open_done=F("open_done") + len(batch))
        created += len(rows)
    refresh_round_stats(rnd.pk)
    Round.objects.filter(pk=rnd.pk).update(phase=Round.Phase.OPEN, open_done=F("open_total"))
    return created

