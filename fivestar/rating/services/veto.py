"""Veto events (一票否决): recorded at any time by the town or county; withdraw the star at once (摘星)."""

from django.db import transaction
from django.utils import timezone

from fivestar.core import board_marks
from fivestar.core.roles import Action
from fivestar.core.scoping import covers
from fivestar.inbox.models import Notification
from fivestar.inbox.services import notify
from fivestar.orgs.models import Level

from ..models import Assessment, Round, StarHolding, VetoEvent
from ..stats import refresh_town_stats
from .errors import WorkflowError
from .evaluation import evaluate_assessment, indicators_for
from .recipients import village_users


def _dependents(framework, star_code: str) -> set[str]:
    """Stars that (transitively) require `star_code`: losing it loses them too."""
    lost = {star_code}
    changed = True
    while changed:
        changed = False
        for star in framework.stars:
            if star.code not in lost and lost & set(star.requires):
                lost.add(star.code)
                changed = True
    return lost


def record_veto(village, user, rule_code: str, occurred_on, description: str, evidence_ids=()) -> VetoEvent:
    from fivestar.standards.models import FrameworkVersion

    if village.level != Level.VILLAGE:
        raise WorkflowError("否决事项只能记录到村（社区）。")
    if not covers(user, village, Action.RECORD_VETO):
        raise WorkflowError("您无权记录该村（社区）的否决事项。")
    if not description or not description.strip():
        raise WorkflowError("请填写否决事项的情况说明。")
    if occurred_on > timezone.localdate():
        raise WorkflowError("发生日期不能晚于今天。")
    framework_row = FrameworkVersion.objects.latest_published(village.branch_type, unit=village)
    if framework_row is None:
        raise WorkflowError("没有已发布的创建标准，无法记录否决事项。")
    framework = framework_row.compiled()
    rule = framework.rules_by_code.get(rule_code)
    if rule is None or not rule.veto:
        raise WorkflowError(f"细则 {rule_code} 不是一票否决项。")
    star = framework.stars_by_code[rule.star_code]
    with transaction.atomic():
        event = VetoEvent(org_unit=village, rule_code=rule_code, star_code=star.code, occurred_on=occurred_on,
                          description=description.strip(), evidence_ids=list(evidence_ids), recorded_by=user)
        event._history_user = user
        event.save()
        now = timezone.now()
        withdrawn = []
        for holding in StarHolding.objects.filter(org_unit=village, star_code__in=_dependents(framework, star.code), lost_at__isnull=True):
            holding.lost_at = now
            if holding.star_code == star.code:
                holding.lost_reason = f"一票否决（摘星）：{rule.text}。{description.strip()}"[:300]
            else:
                holding.lost_reason = f"因{star.name}被一票否决摘除，依赖该星的{holding.star_name}同时失去。"[:300]
            holding._history_user = user
            holding.save()
            withdrawn.append(holding.star_name)
        moved = []
        for a in Assessment.objects.filter(org_unit=village, round__phase__in=[Round.Phase.OPEN, Round.Phase.NOTICE]).select_related("round", "org_unit", "framework"):
            if rule_code not in a.veto_events and rule_code in a.framework.compiled().rules_by_code:
                a.veto_events = [*a.veto_events, rule_code]
                evaluate_assessment(a, indicators_for(a))
                a.version += 1
                a.save()
                moved.append((a.round_id, a.town_id or a.org_unit.parent_id))
        for round_id, town_id in sorted(set(moved)):  # the rating moved: the round's figures, in this transaction
            refresh_town_stats(round_id, town_id)
        if withdrawn:
            board_marks.towns_moved([village.parent_id])  # a star withdrawn: the town's board
    names = "、".join(withdrawn) if withdrawn else star.name
    notify(village_users(village), Notification.Kind.WITHDRAWN, f"{village.display_name}：{names}被摘除",
           f"因「{rule.text}」（{occurred_on:%Y-%m-%d}）一票否决：{description.strip()}", f"/rating/villages/{village.code}/", village)
    return event
