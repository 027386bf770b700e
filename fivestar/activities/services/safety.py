"""三零 incidents. A qualifying one (a case or an accident 较大 or worse; a petition 重大, i.e. a group event)
proposes a veto event on the matching rule of the village's framework; the town confirms it, which records the
veto through rating's own service (摘星 and re-evaluation there), or rejects it with a reason."""

from django.db import transaction
from django.utils import timezone

from ..models import Incident
from .access import can_decide_veto, can_edit
from .common import check_date, saved, text
from .errors import ActivityError

# Incident kind → the veto rule it breaks in the shipped frameworks (“三零”平安创建).
VETO_RULES = {
    Incident.Kind.CASE: ("paf-01-01", {Incident.Severity.SERIOUS, Incident.Severity.MAJOR}),
    Incident.Kind.ACCIDENT: ("paf-01-02", {Incident.Severity.SERIOUS, Incident.Severity.MAJOR}),
    Incident.Kind.PETITION: ("paf-01-04", {Incident.Severity.MAJOR}),
}


def veto_rule_for(village, kind: str, severity: str) -> str:
    """The veto rule a qualifying incident breaks, if the village's framework in force has it as a veto rule."""
    code, severities = VETO_RULES.get(kind, ("", set()))
    if not code or severity not in severities:
        return ""
    from fivestar.standards.models import FrameworkVersion

    row = FrameworkVersion.objects.latest_published(village.branch_type, unit=village)
    rule = row.compiled().rules_by_code.get(code) if row else None
    return code if rule is not None and rule.veto else ""


def record_incident(user, village, **fields) -> Incident:
    incident = build_incident(user, village, **fields)
    saved(incident, user)
    if incident.veto_status == Incident.Veto.PROPOSED:
        _tell_town(incident)
    return incident


def build_incident(user, village, *, date, kind, severity, description, outcome="") -> Incident:
    """A checked, unsaved incident with its veto proposal worked out (editing copies its fields onto the existing one)."""
    if not can_edit(user, village):
        raise ActivityError("您无权登记该村（社区）的三零事件。")
    if kind not in Incident.Kind.values:
        raise ActivityError("类别无效，应为：信访、事故、案件。")
    if severity not in Incident.Severity.values:
        raise ActivityError("严重程度无效，应为：一般、较大、重大。")
    incident = Incident(org_unit=village, date=check_date(date, "发生日期"), kind=kind, severity=severity,
                        description=text(description, "情况说明", 300), outcome=text(outcome, "处置结果", 300, required=False), recorded_by=user)
    rule = veto_rule_for(village, kind, severity)
    if rule:
        incident.veto_status, incident.veto_rule_code = Incident.Veto.PROPOSED, rule
    return incident


def _tell_town(incident):
    """The town's administrators hear of a proposed veto (they decide it)."""
    from fivestar.core.roles import Role
    from fivestar.inbox.models import Notification
    from fivestar.inbox.services import notify
    from fivestar.people.models import RoleAssignment

    town = incident.org_unit.parent
    users = [ra.user for ra in RoleAssignment.objects.filter(org_unit=town, role=Role.TOWN_ADMIN, active=True).select_related("user")]
    if users:
        notify(users, Notification.Kind.INFO,
               f"{incident.org_unit.display_name}：{incident.get_kind_display()}事件待确认否决",
               f"{incident.date:%Y-%m-%d} {incident.description}（建议对细则 {incident.veto_rule_code} 一票否决）",
               f"/activities/incidents/{incident.pk}/", incident.org_unit)


def _decidable(user, incident):
    if not can_decide_veto(user, incident.org_unit):
        raise ActivityError("只有乡镇（或县级）管理员可以确认否决。")
    if incident.veto_status != Incident.Veto.PROPOSED:
        raise ActivityError(f"该事件{incident.get_veto_status_display()}，不能再次处理。")


def confirm_veto(user, incident: Incident, reason: str = "") -> Incident:
    from fivestar.rating.services.errors import WorkflowError
    from fivestar.rating.services.veto import record_veto

    with transaction.atomic():
        incident = Incident.objects.select_for_update().select_related("org_unit").get(pk=incident.pk)
        _decidable(user, incident)
        description = f"{incident.get_kind_display()}（{incident.get_severity_display()}）：{incident.description}"
        try:
            event = record_veto(incident.org_unit, user, incident.veto_rule_code, incident.date, description)
        except WorkflowError as e:
            raise ActivityError(e.message) from None
        incident.veto_status, incident.veto_event = Incident.Veto.CONFIRMED, event
        incident.decided_by, incident.decided_at = user, timezone.now()
        incident.decision_reason = text(reason, "确认说明", 300, required=False)
        return saved(incident, user)


def reject_veto(user, incident: Incident, reason: str) -> Incident:
    with transaction.atomic():
        incident = Incident.objects.select_for_update().select_related("org_unit").get(pk=incident.pk)
        _decidable(user, incident)
        incident.decision_reason = text(reason, "不予否决的理由", 300)
        incident.veto_status, incident.decided_by, incident.decided_at = Incident.Veto.REJECTED, user, timezone.now()
        return saved(incident, user)
