"""Public notice (公示), objections (异议) and recognition (认定)."""

import datetime
import hashlib

from django.db import transaction
from django.utils import timezone

from fivestar.core.roles import Action
from fivestar.core.scoping import covers
from fivestar.inbox.models import Notification
from fivestar.inbox.services import notify
from fivestar.standards.models import FrameworkVersion

from ..models import Assessment, AssessmentEvent, Objection, Round, RoundResult, StarHolding, Status
from ..models.assessment import APPROVED_BY_LEVEL
from ..stats import refresh_round_stats, refresh_town_stats
from .errors import WorkflowError
from .recipients import users_with_role_over

OBJECTIONS_PER_CLIENT_PER_HOUR = 3


def final_status(rnd: Round) -> str:
    return APPROVED_BY_LEVEL[rnd.levels[-1]]


def start_notice(rnd: Round, user, today: datetime.date | None = None) -> Round:
    if not covers(user, rnd.scope, Action.MANAGE_ROUNDS):
        raise WorkflowError("您无权发布公示。")
    if rnd.phase != Round.Phase.OPEN:
        raise WorkflowError("只有处于自评与审核阶段的周期才能进入公示。")
    pending = Assessment.objects.filter(round=rnd).exclude(status=final_status(rnd)).count()
    if pending:
        raise WorkflowError(f"还有 {pending} 个支部的申报未完成最终审核，不能进入公示。")
    today = today or timezone.localdate()
    rnd.phase = Round.Phase.NOTICE
    rnd.notice_start = today
    rnd.notice_end = today + datetime.timedelta(days=rnd.notice_days)
    rnd._history_user = user
    rnd.save()
    return rnd


def client_fingerprint(ip: str, user_agent: str) -> str:
    return hashlib.sha256(f"{ip}|{user_agent}".encode()).hexdigest()


def file_objection(rnd: Round, assessment: Assessment, reason: str, contact: str, client_hash: str,
                   today: datetime.date | None = None) -> Objection:
    if rnd.phase != Round.Phase.NOTICE:
        raise WorkflowError("该评星结果当前不在公示期，不能提出异议。")
    if (today or timezone.localdate()) > rnd.notice_end:
        raise WorkflowError("公示期已结束，不能再提出异议。")
    if assessment.round_id != rnd.pk:
        raise WorkflowError("所选支部不在本次公示名单中。")
    reason = (reason or "").strip()
    if len(reason) < 5:
        raise WorkflowError("请填写异议理由（至少 5 个字）。")
    if len(reason) > 1000:
        raise WorkflowError("异议理由不能超过 1000 字。")
    if len(contact or "") > 60:
        raise WorkflowError("联系方式不能超过 60 个字符。")
    hour_ago = timezone.now() - datetime.timedelta(hours=1)
    if Objection.objects.filter(client_hash=client_hash, created_at__gte=hour_ago).count() >= OBJECTIONS_PER_CLIENT_PER_HOUR:
        raise WorkflowError("提交过于频繁，请一小时后再试。")
    objection = Objection.objects.create(round=rnd, assessment=assessment, reason=reason, contact=(contact or "").strip(), client_hash=client_hash)
    notify(users_with_role_over(assessment.org_unit, ["town_admin", "county_admin"]), Notification.Kind.OBJECTION,
           f"{rnd.name}：{assessment.org_unit.display_name} 收到公示异议", reason[:200], f"/rating/rounds/{rnd.pk}/objections/", assessment.org_unit)
    return objection


def resolve_objection(objection: Objection, user, upheld: bool, resolution: str) -> Objection:
    """Dismiss with a reason, or uphold: the assessment goes back to the last review level."""
    rnd = objection.round
    if not covers(user, objection.assessment.org_unit, Action.MANAGE_ROUNDS):
        raise WorkflowError("您无权处理该异议。")
    if objection.status != Objection.Status.OPEN:
        raise WorkflowError("该异议已处理。")
    if not resolution.strip():
        raise WorkflowError("处理异议须填写处理意见。")
    with transaction.atomic():
        objection.status = Objection.Status.UPHELD if upheld else Objection.Status.DISMISSED
        objection.resolution = resolution.strip()
        objection.resolved_by = user
        objection.resolved_at = timezone.now()
        objection.save()
        a = objection.assessment
        AssessmentEvent.objects.create(assessment=a, user=user, level="county", action=AssessmentEvent.Action.OBJECTION,
                                       new={"处理": objection.get_status_display()}, reason=resolution[:500])
        if upheld:
            levels = rnd.levels
            back = APPROVED_BY_LEVEL[levels[-2]] if len(levels) > 1 else Status.SUBMITTED
            Assessment.objects.filter(pk=a.pk).update(status=back, version=a.version + 1)
            if rnd.phase == Round.Phase.NOTICE:
                rnd.phase = Round.Phase.OPEN
                rnd._history_user = user
                rnd.save()
            refresh_town_stats(rnd.pk, a.org_unit.parent_id)
    return objection


def recognise(rnd: Round, user, today: datetime.date | None = None) -> int:
    """认定: record awards, update stars held (gained/lost), write each branch's rating history."""
    today = today or timezone.localdate()
    if not covers(user, rnd.scope, Action.MANAGE_ROUNDS):
        raise WorkflowError("您无权认定评星结果。")
    if rnd.phase != Round.Phase.NOTICE:
        raise WorkflowError("只有公示期的评星结果才能认定。")
    if rnd.notice_end and today < rnd.notice_end:
        raise WorkflowError(f"公示期至 {rnd.notice_end:%Y年%m月%d日} 结束，公示期满后方可认定。")
    open_objections = Objection.objects.filter(round=rnd, status=Objection.Status.OPEN).count()
    if open_objections:
        raise WorkflowError(f"还有 {open_objections} 条异议未处理，处理完毕后方可认定。")
    now = timezone.now()
    with transaction.atomic():
        assessments = list(Assessment.objects.filter(round=rnd).only("id", "org_unit_id", "awarded", "rating", "framework_id"))
        frameworks = {fw.pk: fw for fw in FrameworkVersion.objects.filter(pk__in={a.framework_id for a in assessments})}
        unit_ids = [a.org_unit_id for a in assessments]
        held: dict[int, dict[str, StarHolding]] = {}
        for h in StarHolding.objects.filter(org_unit_id__in=unit_ids, lost_at__isnull=True):
            held.setdefault(h.org_unit_id, {})[h.star_code] = h
        names = {}
        new_holdings, lost_ids, results = [], [], []
        for a in assessments:
            if a.framework_id not in names:
                names[a.framework_id] = {s.code: s.name for s in frameworks[a.framework_id].compiled().stars}
            current = held.get(a.org_unit_id, {})
            gained = [c for c in a.awarded if c not in current]
            lost = [c for c in current if c not in a.awarded]
            new_holdings += [StarHolding(org_unit_id=a.org_unit_id, star_code=c, star_name=names[a.framework_id].get(c, c), gained_round=rnd, gained_at=now) for c in gained]
            lost_ids += [current[c].pk for c in lost]
            results.append(RoundResult(round=rnd, org_unit_id=a.org_unit_id, rating=a.rating, awarded=a.awarded, gained=gained, lost=lost, recognised_at=now))
        StarHolding.objects.filter(pk__in=lost_ids).update(lost_at=now, lost_round=rnd, lost_reason=f"{rnd.name}复评未达标")
        StarHolding.objects.bulk_create(new_holdings, batch_size=2000)
        RoundResult.objects.filter(round=rnd).delete()
        RoundResult.objects.bulk_create(results, batch_size=2000)
        Assessment.objects.filter(round=rnd).update(status=Status.RECOGNISED)
        rnd.phase = Round.Phase.RECOGNISED
        rnd.recognised_at = now
        rnd._history_user = user
        rnd.save()
    refresh_round_stats(rnd.pk)
    return len(results)
