"""Correcting and deleting records after the fact. An edit runs the same checks as entering the record (the
builders in records/sessions/safety), so a corrected record is as valid as a new one; a deletion needs a reason,
kept with the history row (what 操作记录 shows). Both need the right to enter the village's records and the rank
of whoever entered it (access.outranked)."""

from django.db import IntegrityError, transaction

from ..models import ActivitySession, Award, CampaignProject, Honour, Incident, MentoringPair, RiskCheck
from . import records, safety, sessions
from .access import can_edit, outranked
from .common import saved, text
from .errors import ActivityError

# what → (builder, the fields a form or the API may change, the model fields the builder fills from them)
EDITABLE = {
    "sessions": (sessions.build_session, ("kind", "date", "title", "location", "expected"), ("kind", "date", "title", "location", "expected")),
    "honours": (records.build_honour, ("title", "level", "issuer", "year", "note"), ("title", "level", "issuer", "year", "note")),
    "awards": (records.build_award, ("person", "person_name", "category", "year", "note"), ("person", "person_name", "category", "year", "note")),
    "pairs": (records.build_pair, ("mentor", "mentee", "kind", "start", "end", "meetings_held", "note"),
              ("mentor", "mentee", "kind", "start", "end", "meetings_held", "note")),
    "checks": (records.build_risk_check, ("date", "checker", "findings", "risks_found"), ("date", "checker", "findings", "risks_found")),
    "incidents": (safety.build_incident, ("date", "kind", "severity", "description", "outcome"), ("date", "kind", "severity", "description", "outcome")),
    "projects": (records.build_project, ("name", "year", "target", "progress", "budget"), ("name", "year", "target", "progress", "budget")),
}
MODELS = {"sessions": ActivitySession, "honours": Honour, "awards": Award, "pairs": MentoringPair, "checks": RiskCheck,
          "incidents": Incident, "projects": CampaignProject}


class Outranked(ActivityError):
    """The user may enter the village's records but this one was entered above their rank (the API answers 403)."""


def require_change(user, record):
    if not can_edit(user, record.org_unit):
        raise ActivityError("您无权修改该村（社区）的记录。")
    unit = outranked(user, record)
    if unit is not None:
        raise Outranked(f"该记录由{unit.display_name}登记，只有{unit.display_name}（或上级）可以修改或删除。")


def current(what, record) -> dict:
    """The record's editable values as a form shows them (ids for people and kinds, ISO dates)."""
    out = {}
    for name in EDITABLE[what][1]:
        value = getattr(record, f"{name}_id") if hasattr(record, f"{name}_id") else getattr(record, name)
        out[name] = "" if value is None else (value.isoformat() if hasattr(value, "isoformat") else str(value))
    return out


def update_record(user, what, record, data) -> object:
    """Change `record` to `data` (fields not given keep their value), checked as a new entry would be."""
    require_change(user, record)
    build, names, fields = EDITABLE[what]
    if what == "incidents" and record.veto_status in (Incident.Veto.CONFIRMED, Incident.Veto.REJECTED):
        locked = {k: data[k] for k in ("date", "kind", "severity") if k in data and str(data[k]) != current(what, record)[k]}
        if locked:
            raise ActivityError("该事件的否决已由乡镇处理，只能修改情况说明和处置结果。")
    merged = {**current(what, record), **{k: v for k, v in data.items() if k in names}}
    if what == "pairs":
        merged["end"] = merged.get("end") or None
    fresh = build(user, record.org_unit, **merged)
    for name in fields:
        setattr(record, name, getattr(fresh, name))
    proposed = False
    if what == "incidents" and record.veto_status in (Incident.Veto.NONE, Incident.Veto.PROPOSED):
        proposed = fresh.veto_status == Incident.Veto.PROPOSED and record.veto_status != Incident.Veto.PROPOSED
        record.veto_status, record.veto_rule_code = fresh.veto_status, fresh.veto_rule_code
    if what == "honours" and Honour.objects.filter(org_unit=record.org_unit, title=record.title, year=record.year).exclude(pk=record.pk).exists():
        raise ActivityError(f"「{record.title}」（{record.year}年）已登记。")
    try:
        with transaction.atomic():
            saved(record, user)
    except IntegrityError:
        raise ActivityError("与已有记录重复，请核对后再保存。") from None
    if proposed:
        safety._tell_town(record)
    return record


def delete_record(user, what, record, reason) -> None:
    """Delete `record`, the reason kept on its history row. A veto the town confirmed stands until rating revokes it."""
    require_change(user, record)
    reason = text(reason, "删除原因", 100)
    if what == "incidents" and record.veto_status == Incident.Veto.CONFIRMED:
        raise ActivityError("该事件已确认一票否决，不能删除；如有误，请由乡镇在评星中撤销否决。")
    record._history_user = user
    record._change_reason = reason
    record.delete()


def attach_certificate(user, honour: Honour, upload) -> Honour:
    """A certificate scan for an honour already recorded (an imported one, say), through the evidence store."""
    require_change(user, honour)
    if upload is None:
        raise ActivityError("请选择证书扫描件（图片或 PDF）。")
    with transaction.atomic():
        honour.certificate = records.store_certificate(user, honour.org_unit, upload)
        return saved(honour, user)
