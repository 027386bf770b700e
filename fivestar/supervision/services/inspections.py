"""Inspections (督导检查): recorded once per client_uid however often the phone retries; each marks that week's
planned visits of its villages as visited."""

import datetime

from django.db import IntegrityError, transaction
from django.utils import timezone

from fivestar.orgs.models import Level, OrgUnit

from ..models import Inspection, VisitPlan
from ..models.inspection import InspectionKind
from .access import can_supervise
from .errors import SupervisionError
from .plans import monday
from .problems import check_evidence


def _may_record(user, team) -> bool:
    if can_supervise(user, team.org_unit):
        return True
    person_id = getattr(getattr(user, "person", None), "pk", None)
    return bool(person_id) and (team.leader_id == person_id or team.members.filter(pk=person_id).exists())


def _existing(client_uid, user):
    found = Inspection.objects.select_related("org_unit", "team").filter(client_uid=client_uid).first()
    if found is not None and not can_supervise(user, found.org_unit) and found.created_by_id != user.pk:
        raise SupervisionError("该记录编号已被使用。")
    return found


def _villages(values) -> list[OrgUnit]:
    ids = [v.pk if isinstance(v, OrgUnit) else int(v) for v in values or () if v not in (None, "")]
    found = {u.pk: u for u in OrgUnit.objects.filter(pk__in=ids)}
    if not ids:
        raise SupervisionError("请选择督导的村（社区）。")
    if len(found) != len(set(ids)):
        raise SupervisionError("所选村（社区）不存在。")
    return [found[i] for i in dict.fromkeys(ids)]


def record_inspection(user, team, *, date, kind, villages, notes="", star_code="", client_uid=None, photos=()) -> Inspection:
    if client_uid and (found := _existing(client_uid, user)) is not None:
        return found
    if team is None:
        raise SupervisionError("请选择督导组。")
    if not team.active:
        raise SupervisionError(f"督导组「{team.name}」已停用。")
    if not _may_record(user, team):
        raise SupervisionError(f"您不是督导组「{team.name}」的成员，无权记录督导。")
    if not isinstance(date, datetime.date):
        raise SupervisionError("请填写督导日期。")
    if date > timezone.localdate():
        raise SupervisionError("督导日期不能晚于今天。")
    if kind not in InspectionKind.values:
        raise SupervisionError("督导类型无效。")
    notes = (notes or "").strip()
    if len(notes) > 5000:
        raise SupervisionError("督导情况不能超过 5000 字。")
    star_code = (star_code or "").strip()[:10]
    rows = _villages(villages)
    bad = [v.display_name for v in rows if v.level != Level.VILLAGE or not v.path.startswith(team.org_unit.path)]
    if bad:
        raise SupervisionError(f"以下单位不在督导组「{team.name}」的范围内：{'、'.join(bad[:10])}")
    denied = [v.display_name for v in rows if not can_supervise(user, v)]
    if denied and not can_supervise(user, team.org_unit):
        raise SupervisionError(f"您无权督导：{'、'.join(denied[:10])}")
    photos = check_evidence(team.org_unit, photos)
    try:
        with transaction.atomic():
            inspection = Inspection.objects.create(org_unit=team.org_unit, team=team, date=date, kind=kind, star_code=star_code,
                                                   notes=notes, client_uid=client_uid, created_by=user)
            inspection.villages.set(rows)
            if photos:
                inspection.photos.add(*photos)
            mark_visited(inspection, [v.pk for v in rows], user)
    except IntegrityError:
        if client_uid and (found := _existing(client_uid, user)) is not None:
            return found
        raise
    return inspection


def mark_visited(inspection, village_ids, user) -> int:
    """The team's plan rows of those villages in the inspection's week point at it; an assigned village visited
    in a week it was not planned for gets a row, so the plan shows every visit."""
    week = monday(inspection.date)
    team = inspection.team
    if team is None:
        return 0
    marked = VisitPlan.objects.filter(team=team, village_id__in=village_ids, week_start=week, inspection__isnull=True
                                      ).update(inspection=inspection, updated_by=user)
    planned = set(VisitPlan.objects.filter(team=team, village_id__in=village_ids, week_start=week).values_list("village_id", flat=True))
    assigned = set(team.villages.filter(pk__in=village_ids).values_list("pk", flat=True))
    extra = [VisitPlan(team=team, village_id=v, week_start=week, inspection=inspection, updated_by=user)
             for v in sorted(assigned - planned)]
    VisitPlan.objects.bulk_create(extra, ignore_conflicts=True)
    return marked + len(extra)


def add_inspection_photo(inspection, user, evidence) -> Inspection:
    """Attach a photo to an inspection (idempotent)."""
    if not (can_supervise(user, inspection.org_unit) or inspection.created_by_id == user.pk):
        raise SupervisionError("您无权为该次督导添加照片。")
    if not _for_village(inspection, evidence):
        check_evidence(inspection.org_unit, [evidence])
    inspection.photos.add(evidence)
    return inspection


def _for_village(inspection, evidence) -> bool:
    """A photo stored for one of the inspected villages may also be attached."""
    return inspection.villages.filter(pk=evidence.org_unit_id).exists()
