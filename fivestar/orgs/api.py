"""Org units over the API, scoped like the pages."""

from ninja import Query, Router, Schema
from pydantic import Field

from .models import Level, OrgUnit

router = Router(tags=["组织架构"])


class OrgUnitOut(Schema):
    code: str
    name: str
    display_name: str
    level: int
    level_name: str
    branch_type: str
    category: str
    parent_code: str | None
    area: str | None
    path: str


class OrgUnitPage(Schema):
    items: list[OrgUnitOut]
    count: int


class OrgUnitFilters(Schema):
    parent: str | None = Field(None, description="上级单位代码：只列其直接下级")
    under: str | None = Field(None, description="单位代码：列出其整个下级子树（含自身）")
    level: int | None = Field(None, ge=1, le=6, description="层级：1 省 2 市 3 县 4 乡镇 5 村（社区）6 村民小组")
    q: str | None = Field(None, max_length=50, description="名称或拼音首字母，如 xxz")
    limit: int = Field(50, ge=1, le=500)
    offset: int = Field(0, ge=0, le=10_000_000)


def _out(unit: OrgUnit) -> dict:
    return {
        "code": unit.code,
        "name": unit.name,
        "display_name": unit.display_name,
        "level": unit.level,
        "level_name": Level(unit.level).label,
        "branch_type": unit.branch_type,
        "category": unit.category,
        "parent_code": unit.parent.code if unit.parent_id else None,
        "area": unit.area.name if unit.area_id else None,
        "path": unit.path,
    }


@router.get("/org-units", response=OrgUnitPage, summary="组织单位列表")
def list_org_units(request, filters: OrgUnitFilters = Query(...)):
    qs = OrgUnit.objects.visible_to(request.user).select_related("parent", "area")
    if filters.parent:
        qs = qs.filter(parent__code=filters.parent)
    if filters.under:
        anchor = OrgUnit.objects.visible_to(request.user).filter(code=filters.under).values_list("path", flat=True).first()
        qs = qs.filter(path__startswith=anchor) if anchor else qs.none()
    if filters.level:
        qs = qs.filter(level=filters.level)
    if filters.q:
        qs = qs.search(filters.q)
    qs = qs.order_by("path")
    count = qs.count()
    items = [_out(u) for u in qs[filters.offset : filters.offset + filters.limit]]
    return {"items": items, "count": count}


@router.get("/org-units/{code}", response=OrgUnitOut, summary="组织单位详情")
def get_org_unit(request, code: str):
    from .selectors import get_visible_unit

    return _out(get_visible_unit(request.user, code))
