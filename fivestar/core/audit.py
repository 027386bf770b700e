"""Turns every django-simple-history record into an AuditEvent with a field-level diff.

Historical tables keep full snapshots per model; AuditEvent is the one scoped, cross-model list that
the history page reads, so it never has to union a dozen tables.
"""

from django.db.models.signals import post_save
from django.dispatch import receiver
from simple_history.signals import post_create_historical_record

from .models import AuditEvent

_ACTIONS = {"+": AuditEvent.Action.CREATE, "~": AuditEvent.Action.UPDATE, "-": AuditEvent.Action.DELETE}


def _display(instance, field, value):
    if value is None or value == "":
        return ""
    if getattr(field, "choices", None):
        return str(dict(field.flatchoices).get(value, value))
    if isinstance(value, bool):
        return "是" if value else "否"
    return str(value)


def field_changes(history_instance) -> list[dict]:
    prev = history_instance.prev_record
    changes = []
    model = history_instance.instance_type
    tracked = [f for f in history_instance._meta.fields if f.attname in {x.attname for x in model._meta.fields}]
    for field in tracked:
        if field.attname in ("id",):
            continue
        new = getattr(history_instance, field.attname)
        old = getattr(prev, field.attname) if prev is not None else None
        if history_instance.history_type == "-":
            old, new = new, None
        if old == new or (prev is None and new in (None, "", False) and history_instance.history_type == "+"):
            continue
        label = str(model._meta.get_field(field.name).verbose_name) if _has_field(model, field.name) else field.name
        model_field = model._meta.get_field(field.name) if _has_field(model, field.name) else field
        changes.append({"field": field.name, "label": label, "old": _display(model, model_field, old), "new": _display(model, model_field, new)})
    return changes


def _has_field(model, name):
    try:
        model._meta.get_field(name)
        return True
    except Exception:
        return False


@receiver(post_create_historical_record)
def record_audit_event(sender, instance, history_instance, history_user=None, **kwargs):
    org_unit_id = None
    path_owner = getattr(instance, "org_unit_id", None) or getattr(instance, "town_id", None)
    if type(instance).__name__ == "OrgUnit":
        org_unit_id = instance.pk if history_instance.history_type != "-" else instance.parent_id
    else:
        org_unit_id = path_owner
    AuditEvent.objects.create(
        user=history_user if getattr(history_user, "pk", None) else None,
        action=_ACTIONS[history_instance.history_type],
        model=instance._meta.label_lower,
        model_label=str(instance._meta.verbose_name),
        object_id=str(instance.pk or history_instance.id),
        object_repr=str(instance)[:200],
        org_unit_id=org_unit_id,
        changes=field_changes(history_instance),
    )


def record_import(user, org_unit, summary: str, model_label: str = "数据导入"):
    AuditEvent.objects.create(
        user=user if getattr(user, "pk", None) else None,
        action=AuditEvent.Action.IMPORT,
        model="imports.batch",
        model_label=model_label,
        object_repr=summary[:200],
        org_unit=org_unit,
        summary=summary[:300],
    )


__all__ = ["record_audit_event", "record_import", "post_save"]
