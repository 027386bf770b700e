"""Turns every django-simple-history record into an AuditEvent with a field-level diff.

Historical tables keep full snapshots per model; AuditEvent is the one scoped, cross-model list that
the history page reads, so it never has to union a dozen tables.
"""

import datetime

from django.db import models
from django.db.models.signals import post_save
from django.dispatch import receiver
from simple_history.signals import post_create_historical_record

from .models import AuditEvent
from .text import excerpt

_ACTIONS = {"+": AuditEvent.Action.CREATE, "~": AuditEvent.Action.UPDATE, "-": AuditEvent.Action.DELETE}

# Never shown in a diff: timestamps Django sets itself (the event has its own time) and secrets.
_SKIPPED = {"id", "password", "public_token"}

# A rating round's phase change, named for what it means (new phase → action), when the old phase differs.
_ROUND_PHASE_ACTIONS = {
    "opening": AuditEvent.Action.OPEN,
    "open": AuditEvent.Action.OPEN,
    "notice": AuditEvent.Action.PUBLISH,
    "recognised": AuditEvent.Action.RECOGNISE,
}


def summarise_json(value) -> str:
    """A JSON value in a few words: lists as their first items, dicts as key：value pairs or a count."""
    if value in (None, "", [], {}):
        return ""
    if isinstance(value, list):
        head = "、".join(excerpt(v, 12) for v in value[:5])
        return head + (f" 等 {len(value)} 项" if len(value) > 5 else "")
    if isinstance(value, dict):
        if len(value) <= 3:
            return excerpt("；".join(f"{k}：{summarise_json(v) if isinstance(v, (list, dict)) else v}" for k, v in value.items()), 80)
        return f"{len(value)} 项"
    return excerpt(value, 80)


def _display(instance, field, value):
    if value is None or value == "":
        return ""
    if getattr(field, "choices", None):
        return str(dict(field.flatchoices).get(value, value))
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(field, models.JSONField):
        return summarise_json(value)
    if isinstance(value, (datetime.datetime, datetime.date)):
        return value.isoformat()  # formatted in local time when read (core.selectors_history)
    return str(value)


def _skipped(field) -> bool:
    return field.attname in _SKIPPED or getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False)


def field_changes(history_instance) -> list[dict]:
    """Field-level before/after of one history record. Foreign keys keep the related id (names are resolved
    in bulk when the history is read), choices their label, JSON a short summary."""
    prev = history_instance.prev_record
    changes = []
    model = history_instance.instance_type
    tracked = [f for f in history_instance._meta.fields if f.attname in {x.attname for x in model._meta.fields}]
    for field in tracked:
        model_field = model._meta.get_field(field.name) if _has_field(model, field.name) else field
        if _skipped(model_field):
            continue
        new = getattr(history_instance, field.attname)
        old = getattr(prev, field.attname) if prev is not None else None
        if history_instance.history_type == "-":
            old, new = new, None
        if old == new or (prev is None and new in (None, "", False, [], {}) and history_instance.history_type == "+"):
            continue
        label = str(model_field.verbose_name)
        changes.append({"field": field.name, "label": label, "old": _display(model, model_field, old), "new": _display(model, model_field, new)})
    return changes


def _has_field(model, name):
    try:
        model._meta.get_field(name)
        return True
    except Exception:
        return False


def _unit_id(instance, history_type):
    """The org unit an event is scoped by: the unit itself, else the object's unit, town (片区) or scope (周期)."""
    if type(instance).__name__ == "OrgUnit":
        return instance.pk if history_type != "-" else instance.parent_id
    for attname in ("org_unit_id", "town_id", "scope_id"):
        value = getattr(instance, attname, None)
        if value:
            return value
    return None


def _action(instance, history_instance, changes):
    action = _ACTIONS[history_instance.history_type]
    if instance._meta.label_lower == "rating.round" and action == AuditEvent.Action.UPDATE:
        phase = next((c for c in changes if c["field"] == "phase"), None)
        if phase is not None:
            new = history_instance.phase
            if new == "open" and getattr(history_instance.prev_record, "phase", None) == "notice":
                return AuditEvent.Action.WITHDRAW
            return _ROUND_PHASE_ACTIONS.get(new, action)
    return action


@receiver(post_create_historical_record)
def record_audit_event(sender, instance, history_instance, history_user=None, **kwargs):
    changes = field_changes(history_instance)
    AuditEvent.objects.create(
        user=history_user if getattr(history_user, "pk", None) else None,
        action=_action(instance, history_instance, changes),
        model=instance._meta.label_lower,
        model_label=str(instance._meta.verbose_name),
        object_id=str(instance.pk or history_instance.id),
        object_repr=str(instance)[:200],
        org_unit_id=_unit_id(instance, history_instance.history_type),
        changes=changes,
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
