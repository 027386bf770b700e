"""Writes to the hierarchy a town makes itself: its areas (片区) and each village's category, area and
branch type. Each checks the actor's MANAGE_ORG grant and is attributed in the history."""

from django.db import transaction

from fivestar.core.roles import Action
from fivestar.core.scoping import covers

from .models import Area, BranchType, Category, Level, OrgUnit


class OrgError(Exception):
    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def _require(user, unit: OrgUnit):
    if not covers(user, unit, Action.MANAGE_ORG):
        raise OrgError("您无权维护该单位。")


def create_area(user, town: OrgUnit, name: str, note: str = "") -> Area:
    _require(user, town)
    name = (name or "").strip()
    if town.level != Level.TOWN:
        raise OrgError("片区只能在乡镇（街道）下设置。")
    if not name or len(name) > 50:
        raise OrgError("请填写片区名称（不超过 50 个字）。")
    if Area.objects.filter(town=town, name=name).exists():
        raise OrgError(f"本乡镇已有名为「{name}」的片区。")
    area = Area(town=town, name=name, note=(note or "").strip()[:200])
    area._history_user = user
    area.save()
    return area


def delete_area(user, area: Area) -> None:
    _require(user, area.town)
    if area.responsibilities.exists():
        raise OrgError(f"片区「{area.name}」还有包片责任分工，请先调整责任分工。")
    # Deleting would silently take a 包片领导 role away from an account (the assignment cascades); that is
    # account management and belongs on the people pages, so the area must be released there first.
    if area.role_assignments.filter(active=True).exists():
        raise OrgError(f"片区「{area.name}」还有包片领导账号角色，请先在人员管理中调整其角色。")
    area._history_user = user
    area.delete()


@transaction.atomic
def update_villages(user, town: OrgUnit, changes: dict[int, dict]) -> int:
    """`changes` maps village id → {"category", "area_id", "branch_type"}; all rows or none are saved."""
    _require(user, town)
    villages = {v.pk: v for v in OrgUnit.objects.filter(parent=town, level=Level.VILLAGE, pk__in=list(changes))}
    areas = set(Area.objects.filter(town=town).values_list("pk", flat=True))
    saved = 0
    for pk, row in changes.items():
        village = villages.get(pk)
        if village is None:
            raise OrgError("所选村（社区）不属于本乡镇。")
        category, area_id, branch_type = row.get("category", ""), row.get("area_id"), row.get("branch_type", "")
        if category not in ("", *Category.values):
            raise OrgError(f"{village.display_name}：创建类别无效。")
        if area_id is not None and area_id not in areas:
            raise OrgError(f"{village.display_name}：片区不属于本乡镇。")
        if branch_type not in BranchType.values:
            raise OrgError(f"{village.display_name}：支部类型无效。")
        overridden = village.branch_type_overridden or branch_type != village.branch_type
        if (village.category, village.area_id, village.branch_type) == (category, area_id, branch_type):
            continue
        village.category, village.area_id = category, area_id
        village.branch_type, village.branch_type_overridden = branch_type, overridden
        village._history_user = user
        village.save()
        saved += 1
    return saved
