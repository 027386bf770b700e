"""Writes to teams, settings and plans in the one history list (AuditEvent) the history page reads; a problem's own
steps are its ProblemEvents."""

from fivestar.core.models import AuditEvent


def change(label: str, old, new) -> dict | None:
    old, new = ("" if old is None else str(old)), ("" if new is None else str(new))
    return None if old == new else {"field": label, "label": label, "old": old, "new": new}


def record(user, instance, unit, *, created: bool = False, changes=(), summary: str = "") -> AuditEvent | None:
    changes = [c for c in changes if c]
    if not created and not changes and not summary:
        return None
    return AuditEvent.objects.create(
        user=user if getattr(user, "pk", None) else None,
        action=AuditEvent.Action.CREATE if created else AuditEvent.Action.UPDATE,
        model=instance._meta.label_lower, model_label=str(instance._meta.verbose_name),
        object_id=str(instance.pk or ""), object_repr=str(instance)[:200], org_unit=unit, changes=changes,
        summary=summary[:300])
