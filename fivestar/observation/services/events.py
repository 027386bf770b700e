"""Observation events: create with a score sheet, observers and villages; observers score on a phone; the town
computes and publishes the ranking (kept as RankingEntry rows, the villages' history)."""

import datetime
from decimal import Decimal, InvalidOperation

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from fivestar.inbox.services import notify
from fivestar.orgs.models import Level, OrgUnit

from ..models import ObservationEvent, ObservationScore, RankingEntry, ScoreItem
from .access import can_manage, is_observer
from .errors import ObservationError
from .ranking import q2, rank, village_score, weighted_total
from .town_settings import settings_for


def eligible_observers(org_unit):
    """Active users holding a role on the unit or below it: the people an event may name as observers."""
    return get_user_model().objects.filter(is_active=True, role_assignments__org_unit__path__startswith=org_unit.path).distinct()


def _ids(values) -> set[int] | None:
    """A set of ids, or None when one of them cannot be an id (a forged value is refused, never a database error)."""
    out = set()
    for value in values or ():
        if isinstance(value, bool) or not isinstance(value, int) or not 0 < value < 2**63:
            return None
        out.add(value)
    return out


def observation_meetings(unit):
    """The unit's 季观摩会, newest first: what an event of the unit may be linked to."""
    from fivestar.meetings.models import Meeting, MeetingKind

    return Meeting.objects.filter(org_unit=unit, kind=MeetingKind.OBSERVATION).order_by("-date", "-id")


def _meeting(org_unit, meeting):
    """The 季观摩会 an event belongs to: a quarterly observation meeting of the event's own unit."""
    from fivestar.meetings.models import MeetingKind

    if meeting is None:
        return None
    if meeting.kind != MeetingKind.OBSERVATION:
        raise ObservationError(f"「{meeting.title}」不是季观摩会，不能关联观摩活动。")
    if meeting.org_unit_id != org_unit.pk:
        raise ObservationError(f"只能关联「{org_unit.display_name}」召开的季观摩会。")
    return meeting


def link_meeting(user, event, meeting) -> ObservationEvent:
    """Link an event to its 季观摩会 (or unlink it with meeting=None); kept in the event's history with who did it."""
    if not can_manage(user, event.org_unit):
        raise ObservationError(f"您无权修改「{event.org_unit.display_name}」的观摩活动。")
    meeting = _meeting(event.org_unit, meeting)
    with transaction.atomic():
        current = ObservationEvent.objects.select_for_update(of=("self",)).select_related("org_unit").get(pk=event.pk)
        if current.meeting_id == (meeting.pk if meeting else None):
            raise ObservationError("关联会议没有变化。")
        current.meeting = meeting
        current._history_user = user
        current.save(update_fields=["meeting"])
    return current


def create_event(user, org_unit, *, title, date, items, observer_ids, village_ids, meeting=None) -> ObservationEvent:
    """items: [{"name", "weight", "max_score"?}]; villages must lie under org_unit (a town or county); `meeting`: the
    季观摩会 of the same unit the visit belongs to (optional)."""
    if org_unit is None or org_unit.level not in (Level.COUNTY, Level.TOWN):
        raise ObservationError("观摩活动只能由乡镇或县（区）组织。")
    if not can_manage(user, org_unit):
        raise ObservationError(f"您无权组织「{org_unit.display_name}」的观摩。")
    title = (title or "").strip()
    if not title or len(title) > 100:
        raise ObservationError("请填写观摩名称（不超过 100 字）。")
    if not isinstance(date, datetime.date):
        raise ObservationError("请填写观摩日期。")
    clean_items = []
    for i, item in enumerate(items or [], start=1):
        name = str(item.get("name") or "").strip()
        try:
            weight = Decimal(str(item.get("weight")))
            max_score = int(item.get("max_score") or 100)
        except (InvalidOperation, TypeError, ValueError):
            raise ObservationError(f"第{i}个评分项目的权重或满分不是数字。") from None
        if not name or len(name) > 60:
            raise ObservationError(f"第{i}个评分项目缺少名称（不超过 60 字）。")
        if not (0 < weight <= 100) or not (1 <= max_score <= 1000):
            raise ObservationError(f"评分项目「{name}」的权重应在 0 至 100 之间，满分在 1 至 1000 之间。")
        clean_items.append(ScoreItem(name=name, weight=weight, max_score=max_score, order=i))
    if not clean_items:
        raise ObservationError("评分表至少要有一个评分项目。")
    if len({i.name for i in clean_items}) != len(clean_items):
        raise ObservationError("评分项目名称不能重复。")
    meeting = _meeting(org_unit, meeting)
    village_ids, observer_ids = _ids(village_ids), _ids(observer_ids)
    villages = list(OrgUnit.objects.filter(pk__in=village_ids, level=Level.VILLAGE, path__startswith=org_unit.path)) if village_ids else []
    if village_ids is None or len(villages) != len(village_ids) or not villages:
        raise ObservationError("请选择本辖区内的观摩村（至少一个）。")
    observers = list(eligible_observers(org_unit).filter(pk__in=observer_ids)) if observer_ids else []
    if observer_ids is None or len(observers) != len(observer_ids) or not observers:
        raise ObservationError("请选择有效的观摩评分人（至少一人）。")
    with transaction.atomic():
        event = ObservationEvent(org_unit=org_unit, title=title, date=date, meeting=meeting, created_by=user)
        event._history_user = user
        event.save()
        for item in clean_items:
            item.event = event
        ScoreItem.objects.bulk_create(clean_items)
        event.villages.set(villages)
        event.observers.set(observers)
    notify(observers, "observation", f"请为「{title}」评分", f"观摩日期：{date:%Y-%m-%d}", url=f"/observation/events/{event.pk}/score/",
           org_unit=org_unit, dedupe_key=f"observation-score-{event.pk}")
    return event


def save_scores(user, event, village, values: dict) -> int:
    """One observer's scores of one village: {item_id: value}. Every item must be scored, 0 … its 满分."""
    if not is_observer(user, event):
        raise ObservationError("您不是本次观摩的评分人，不能评分。")
    if not event.villages.filter(pk=village.pk).exists():
        raise ObservationError(f"「{village.display_name}」不在本次观摩的村中。")
    items = list(event.items.all())
    rows = []
    for item in items:
        raw = values.get(item.pk, values.get(str(item.pk)))
        try:
            value = Decimal(str(raw).strip())
        except (InvalidOperation, TypeError, ValueError):
            raise ObservationError(f"请为「{item.name}」填写 0 至 {item.max_score} 的分数。") from None
        if not value.is_finite() or not (0 <= value <= item.max_score):
            raise ObservationError(f"「{item.name}」的分数应在 0 至 {item.max_score} 之间。")
        rows.append((item, q2(value)))
    with transaction.atomic():
        if ObservationEvent.objects.select_for_update().get(pk=event.pk).status == ObservationEvent.Status.PUBLISHED:
            raise ObservationError("本次观摩的排名已发布，不能再修改评分。")
        for item, value in rows:
            ObservationScore.objects.update_or_create(event=event, village=village, observer=user, item=item, defaults={"value": value})
    return len(rows)


def compute_ranking(event) -> list[dict]:
    """[{village_id, code, name, score, dropped, observers, rank}] from the scores saved so far (3 queries)."""
    items = list(event.items.all())
    weights = {i.pk: Decimal(i.weight) * 100 / i.max_score for i in items}  # a full mark on every item → 100
    per = {}
    for village_id, observer_id, item_id, value in ObservationScore.objects.filter(event=event).values_list(
            "village_id", "observer_id", "item_id", "value"):
        per.setdefault(village_id, {}).setdefault(observer_id, {})[item_id] = value
    drop_min = settings_for(event.org_unit).drop_extremes_min
    rows = []
    for village in event.villages.order_by("code"):
        complete = [v for v in per.get(village.pk, {}).values() if len(v) == len(items)]
        totals = [weighted_total(v, weights) for v in complete]
        score, dropped = village_score(totals, drop_min)
        rows.append({"village_id": village.pk, "code": village.code, "name": village.display_name, "score": score,
                     "dropped": dropped, "observers": len(complete)})
    return rank(rows)


def publish_ranking(user, event) -> list[RankingEntry]:
    if not can_manage(user, event.org_unit):
        raise ObservationError("您无权发布本次观摩的排名。")
    with transaction.atomic():
        event = ObservationEvent.objects.select_for_update().get(pk=event.pk)
        if event.status == ObservationEvent.Status.PUBLISHED:
            raise ObservationError("本次观摩的排名已经发布。")
        rows = compute_ranking(event)
        if not any(r["score"] is not None for r in rows):
            raise ObservationError("还没有任何完整的评分，不能发布排名。")
        entries = RankingEntry.objects.bulk_create([
            RankingEntry(event=event, village_id=r["village_id"], score=r["score"], rank=r["rank"],
                         observer_count=r["observers"], dropped_extremes=r["dropped"]) for r in rows])
        event.status = ObservationEvent.Status.PUBLISHED
        event.published_at, event.published_by = timezone.now(), user
        event.save()
    return entries
