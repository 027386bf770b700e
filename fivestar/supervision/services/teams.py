"""Supervision teams (督导组): a town's weekly teams, a county's special teams over several towns."""

from django.db import IntegrityError, transaction

from fivestar.orgs.models import Level, OrgUnit
from fivestar.people.models import Person

from ..models import SupervisionTeam
from .access import can_manage
from .audit import change, record
from .errors import SupervisionError

TEAM_LEVELS = (Level.PROVINCE, Level.CITY, Level.COUNTY, Level.TOWN)


def _units(values) -> list[OrgUnit]:
    values = [v for v in values or () if v not in (None, "")]
    ids = [v.pk if isinstance(v, OrgUnit) else int(v) for v in values]
    found = {u.pk: u for u in OrgUnit.objects.filter(pk__in=ids)}
    if len(found) != len(set(ids)):
        raise SupervisionError("所选村（社区）不存在。")
    return [found[i] for i in dict.fromkeys(ids)]


def _people(user, values) -> list[Person]:
    values = [v for v in values or () if v not in (None, "")]
    ids = [v.pk if isinstance(v, Person) else int(v) for v in values]
    found = {p.pk: p for p in Person.objects.visible_to(user).filter(pk__in=ids)}
    if len(found) != len(set(ids)):
        raise SupervisionError("所选人员不存在或不在您的管辖范围内。")
    return [found[i] for i in dict.fromkeys(ids)]


def save_team(user, *, unit, name, leader=None, members=(), villages=(), note="", team=None, active=True) -> SupervisionTeam:
    """Create a team (or change `team`). Its villages must lie under its unit; its people must be visible to the
    user. A team changes neither its unit nor, through another unit's admin, anything."""
    if unit is None or unit.level not in TEAM_LEVELS:
        raise SupervisionError("督导组只能设在乡镇或县级及以上单位。")
    if not can_manage(user, unit):
        raise SupervisionError(f"您无权管理「{unit.display_name}」的督导组。")
    if team is not None and team.org_unit_id != unit.pk:
        raise SupervisionError("督导组的所属单位不能修改。")
    name = (name or "").strip()
    if not name:
        raise SupervisionError("请填写督导组名称。")
    if len(name) > 60:
        raise SupervisionError("督导组名称不能超过 60 字。")
    note = (note or "").strip()
    if len(note) > 200:
        raise SupervisionError("说明不能超过 200 字。")
    village_rows = _units(villages)
    outside = [v.display_name for v in village_rows if v.level != Level.VILLAGE or not v.path.startswith(unit.path)]
    if outside:
        raise SupervisionError(f"以下单位不是「{unit.display_name}」下属的村（社区）：{'、'.join(outside[:10])}")
    member_rows = _people(user, members)
    leader_row = _people(user, [leader])[0] if leader is not None and leader != "" else None
    if leader_row is not None and leader_row not in member_rows:
        member_rows.insert(0, leader_row)
    try:
        with transaction.atomic():
            created = team is None
            if created:
                team = SupervisionTeam.objects.create(org_unit=unit, name=name, leader=leader_row, note=note, active=active)
                before = {}
            else:
                team = SupervisionTeam.objects.select_for_update(of=("self",)).select_related("leader").get(pk=team.pk)
                before = _described(team)
                team.name, team.leader, team.note, team.active = name, leader_row, note, active
                team.save(update_fields=["name", "leader", "note", "active"])
            team.members.set(member_rows)
            team.villages.set(village_rows)
            after = _described(team)
            record(user, team, unit, created=created,
                   changes=[change(label, before.get(label), value) for label, value in after.items()])
    except IntegrityError:
        raise SupervisionError(f"「{unit.display_name}」已有名为「{name}」的督导组。") from None
    return team


def _described(team) -> dict:
    return {"督导组名称": team.name, "组长": getattr(team.leader, "name", ""),
            "成员": "、".join(team.members.order_by("name").values_list("name", flat=True)),
            "负责村（社区）": "、".join(team.villages.order_by("code").values_list("display_name", flat=True)),
            "说明": team.note, "有效": "是" if team.active else "否"}
