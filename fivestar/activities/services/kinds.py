"""Activity kinds are a town setting; a town that never set them gets the defaults on first use."""

from django.db import IntegrityError, transaction

from fivestar.orgs.models import Level

from ..models import ActivityKind
from .access import can_manage_kinds
from .common import saved, text
from .errors import ActivityError

DEFAULT_KINDS = [("志愿劳动", ActivityKind.Code.LABOUR), ("夜校", ActivityKind.Code.NIGHT_SCHOOL), ("主题党日", ActivityKind.Code.PARTY_DAY)]


def town_of(unit):
    """The town a village belongs to (the unit itself for a town)."""
    return unit if unit.level == Level.TOWN else unit.parent


def kinds_for(town, *, active_only: bool = True) -> list[ActivityKind]:
    """The town's kinds, the defaults created the first time they are asked for."""
    kinds = list(ActivityKind.objects.filter(town=town))
    if not kinds:
        with transaction.atomic():
            ActivityKind.objects.bulk_create([ActivityKind(town=town, name=n, code=c, order=i) for i, (n, c) in enumerate(DEFAULT_KINDS)],
                                             ignore_conflicts=True)
        kinds = list(ActivityKind.objects.filter(town=town))
    return [k for k in kinds if k.active or not active_only]


def add_kind(user, town, name, code=ActivityKind.Code.OTHER) -> ActivityKind:
    if town is None or town.level != Level.TOWN:
        raise ActivityError("活动类型只能由乡镇设置。")
    if not can_manage_kinds(user, town):
        raise ActivityError("您无权设置该乡镇的活动类型。")
    name = text(name, "活动类型名称", 30)
    if code not in ActivityKind.Code.values:
        raise ActivityError("计入指标的类别无效。")
    kinds_for(town)
    try:
        with transaction.atomic():
            return saved(ActivityKind(town=town, name=name, code=code, order=ActivityKind.objects.filter(town=town).count()), user)
    except IntegrityError:
        raise ActivityError(f"活动类型「{name}」已存在。") from None


def set_active(user, kind: ActivityKind, active: bool) -> ActivityKind:
    if not can_manage_kinds(user, kind.town):
        raise ActivityError("您无权设置该乡镇的活动类型。")
    kind.active = bool(active)
    return saved(kind, user)
