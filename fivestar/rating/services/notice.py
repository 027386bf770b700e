"""Public notice (公示), objections (异议) and recognition (认定)."""

import datetime
import hashlib
import hmac

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from fivestar.core.roles import Action
from fivestar.core.scoping import covers
from fivestar.inbox.models import Notification
from fivestar.inbox.services import notify
from fivestar.standards.models import FrameworkVersion

from ..models import Assessment, AssessmentEvent, Objection, ObjectionQuota, Round, RoundResult, StarHolding, Status
from ..models.assessment import APPROVED_BY_LEVEL
from ..stats import refresh_round_stats, refresh_town_stats
from . import notifications
from .errors import WorkflowError
from .recipients import users_with_role_over

# Per client address and round. Villagers often share one address (a carrier's NAT, the village office),
# so the limit is a few, not one; settings.FIVESTAR_OBJECTIONS_PER_ADDRESS overrides it.
OBJECTIONS_PER_ADDRESS_PER_ROUND = 5


def final_status(rnd: Round) -> str:
    return APPROVED_BY_LEVEL[rnd.levels[-1]]


def start_notice(rnd: Round, user, today: datetime.date | None = None) -> Round:
    if not covers(user, rnd.scope, Action.MANAGE_ROUNDS):
        raise WorkflowError("您无权发布公示。")
    if rnd.phase != Round.Phase.OPEN:
        raise WorkflowError("只有处于自评与审核阶段的周期才能进入公示。")
    # Every branch finished its last review, or was closed as 未按期完成 at its deadline (services.deadlines).
    pending = Assessment.objects.filter(round=rnd).exclude(status__in=[final_status(rnd), Status.EXPIRED]).count()
    if pending:
        raise WorkflowError(f"还有 {pending} 个支部的申报未完成最终审核，不能进入公示。"
                            "未完成的可在「截止处理」页按“未按期完成”处理（截止日期过后；截止前须县级说明理由）。")
    today = today or timezone.localdate()
    rnd.phase = Round.Phase.NOTICE
    rnd.notice_start = today
    rnd.notice_end = today + datetime.timedelta(days=rnd.notice_days)
    rnd._history_user = user
    rnd.save()
    notifications.notice_started(rnd)
    return rnd


def objection_limit() -> int:
    return int(getattr(settings, "FIVESTAR_OBJECTIONS_PER_ADDRESS", OBJECTIONS_PER_ADDRESS_PER_ROUND))


def address_hash(ip: str) -> str:
    """The client address, keyed with the secret key so the stored value does not reveal it. Never the
    User-Agent: a client can change that on every post."""
    return hmac.new(settings.SECRET_KEY.encode(), f"objection|{ip}".encode(), hashlib.sha256).hexdigest()


def _take_quota(rnd: Round, client_hash: str) -> None:
    """One conditional UPDATE (count < limit) on the (round, address) row: atomic on SQLite and PostgreSQL,
    so parallel posts cannot all pass. Called inside the transaction that stores the objection."""
    ObjectionQuota.objects.get_or_create(round=rnd, address_hash=client_hash)
    limit = objection_limit()
    taken = ObjectionQuota.objects.filter(round=rnd, address_hash=client_hash, count__lt=limit).update(count=F("count") + 1)
    if not taken:
        raise WorkflowError(f"同一网络地址在本次公示期内最多可提交 {limit} 条异议，已达上限。如需补充情况，请直接联系乡镇党委。")


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
    with transaction.atomic():
        _take_quota(rnd, client_hash)
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


def dismiss_objections(rnd: Round, user, ids, resolution: str) -> int:
    """Dismiss many open objections of a round with one reason (duplicates, abuse), so spam cannot hold up
    recognition. All or nothing: every selected objection must be in the round and in the user's charge.
    Each one is attributed and written to its branch's history; already handled ones are left as they are.
    Returns how many were dismissed."""
    resolution = (resolution or "").strip()
    if not resolution:
        raise WorkflowError("批量不予采纳须填写处理意见。")
    if len(resolution) > 2000:
        raise WorkflowError("处理意见不能超过 2000 字。")
    wanted = {int(i) for i in ids}
    if not wanted:
        raise WorkflowError("请至少选择一条异议。")
    if len(wanted) > 1000:
        raise WorkflowError("一次最多处理 1000 条异议。")
    with transaction.atomic():
        rows = list(Objection.objects.select_for_update(of=("self",)).select_related("assessment__org_unit")
                    .filter(round=rnd, pk__in=wanted).order_by("pk"))
        if len(rows) != len(wanted):
            raise WorkflowError("所选异议不存在或不属于本评星周期。")
        if not all(covers(user, o.assessment.org_unit, Action.MANAGE_ROUNDS) for o in rows):
            raise WorkflowError("所选异议中有您无权处理的，未作任何处理。")
        open_rows = [o for o in rows if o.status == Objection.Status.OPEN]
        now = timezone.now()
        Objection.objects.filter(pk__in=[o.pk for o in open_rows]).update(
            status=Objection.Status.DISMISSED, resolution=resolution, resolved_by=user, resolved_at=now)
        AssessmentEvent.objects.bulk_create([
            AssessmentEvent(assessment_id=o.assessment_id, user=user, level="county", action=AssessmentEvent.Action.OBJECTION,
                            new={"处理": "不予采纳（批量）", "异议": o.pk}, reason=resolution[:500])
            for o in open_rows
        ])
    return len(open_rows)


def recognise(rnd: Round, user, today: datetime.date | None = None) -> int:
    """认定: record awards, update stars held (gained/lost), write each branch's rating history."""
    today = today or timezone.localdate()
    if not covers(user, rnd.scope, Action.MANAGE_ROUNDS):
        raise WorkflowError("您无权认定评星结果。")
    if rnd.phase != Round.Phase.NOTICE:
        raise WorkflowError("只有公示期的评星结果才能认定。")
    # Objections are accepted through the last day of the notice (file_objection), so 认定 starts the day after.
    if rnd.notice_end and today <= rnd.notice_end:
        raise WorkflowError(f"公示期至 {rnd.notice_end:%Y年%m月%d日}（含当日）结束，公示期满后（次日起）方可认定。")
    open_objections = Objection.objects.filter(round=rnd, status=Objection.Status.OPEN).count()
    if open_objections:
        raise WorkflowError(f"还有 {open_objections} 条异议未处理，处理完毕后方可认定。")
    now = timezone.now()
    with transaction.atomic():
        assessments = list(Assessment.objects.filter(round=rnd).only("id", "org_unit_id", "awarded", "rating", "framework_id", "status"))
        frameworks = {fw.pk: fw for fw in FrameworkVersion.objects.filter(pk__in={a.framework_id for a in assessments})}
        unit_ids = [a.org_unit_id for a in assessments]
        held: dict[int, dict[str, StarHolding]] = {}
        for h in StarHolding.objects.filter(org_unit_id__in=unit_ids, lost_at__isnull=True):
            held.setdefault(h.org_unit_id, {})[h.star_code] = h
        names = {}
        new_holdings, lost_ids, expired_lost_ids, results = [], [], [], []
        for a in assessments:
            if a.framework_id not in names:
                names[a.framework_id] = {s.code: s.name for s in frameworks[a.framework_id].compiled().stars}
            current = held.get(a.org_unit_id, {})
            expired = a.status == Status.EXPIRED
            if expired:  # 未按期完成: the round's outcome, the stars held now (last recognised, minus vetoes) or none
                awarded = list(current) if rnd.expired_outcome == Round.ExpiredOutcome.KEEP else []
                rating = len(awarded)
            else:
                awarded, rating = a.awarded, a.rating
            gained = [c for c in awarded if c not in current]
            lost = [c for c in current if c not in awarded]
            new_holdings += [StarHolding(org_unit_id=a.org_unit_id, star_code=c, star_name=names[a.framework_id].get(c, c), gained_round=rnd, gained_at=now) for c in gained]
            lost_ids += [current[c].pk for c in lost]
            if expired:
                expired_lost_ids += [current[c].pk for c in lost]
            results.append(RoundResult(round=rnd, org_unit_id=a.org_unit_id, rating=rating, awarded=awarded, gained=gained, lost=lost,
                                       expired=expired, recognised_at=now))
        StarHolding.objects.filter(pk__in=set(lost_ids) - set(expired_lost_ids)).update(lost_at=now, lost_round=rnd, lost_reason=f"{rnd.name}复评未达标")
        StarHolding.objects.filter(pk__in=expired_lost_ids).update(lost_at=now, lost_round=rnd, lost_reason=f"{rnd.name}未按期完成，不授星")
        StarHolding.objects.bulk_create(new_holdings, batch_size=2000)
        RoundResult.objects.filter(round=rnd).delete()
        RoundResult.objects.bulk_create(results, batch_size=2000)
        Assessment.objects.filter(round=rnd).exclude(status=Status.EXPIRED).update(status=Status.RECOGNISED)
        rnd.phase = Round.Phase.RECOGNISED
        rnd.recognised_at = now
        rnd._history_user = user
        rnd.save()
        refresh_round_stats(rnd.pk)  # every level's figures, in this transaction
    notifications.recognised(rnd)
    return len(results)
