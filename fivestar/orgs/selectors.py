"""Reads of the hierarchy, always through the user's scope."""

from django.db.models import Count, Q
from django.http import Http404

from fivestar.core.scoping import is_global, user_grants

from .models import Level, OrgUnit


def get_visible_unit(user, code: str) -> OrgUnit:
    unit = OrgUnit.objects.visible_to(user).select_related("parent", "area", "area__town").filter(code=code).first()
    if unit is None:
        raise Http404("单位不存在或不在您的管辖范围内")
    return unit


def tree_roots(user):
    """The highest visible units: a county admin starts at the county, a secretary at the village."""
    if is_global(user):
        return OrgUnit.objects.filter(parent__isnull=True)
    visible = OrgUnit.objects.visible_to(user)
    paths = [p for p, area in user_grants(user) if p and not area]
    roots = Q(pk__in=[])
    for path in paths:
        if not any(other != path and path.startswith(other) for other in paths):
            roots |= Q(path=path)
    area_ids = [area for _, area in user_grants(user) if area]
    if area_ids:
        roots |= Q(area_id__in=area_ids)
    return visible.filter(roots)


def with_child_counts(queryset):
    return queryset.annotate(child_count=Count("children", distinct=True))


def children_of(user, unit: OrgUnit):
    return with_child_counts(OrgUnit.objects.visible_to(user).filter(parent=unit).select_related("area")).order_by("code")


def search_units(user, text: str, under: OrgUnit | None = None, level: int | None = None):
    qs = OrgUnit.objects.visible_to(user).search(text).select_related("parent")
    if under is not None:
        qs = qs.filter(path__startswith=under.path)
    if level:
        qs = qs.filter(level=level)
    return qs.order_by("level", "path")


def breadcrumbs_for(user, unit: OrgUnit) -> list[dict]:
    """Ancestors the user may see, linked; one query."""
    from django.urls import reverse

    codes = unit.path.strip("/").split("/")
    visible = {u.code: u for u in OrgUnit.objects.visible_to(user).filter(code__in=codes[:-1])}
    crumbs = [{"label": "组织架构", "url": reverse("orgs:tree")}]
    for code in codes[:-1]:
        if code in visible:
            crumbs.append({"label": visible[code].display_name, "url": reverse("orgs:unit", args=[code])})
    crumbs.append({"label": unit.display_name})
    return crumbs


VILLAGE_LEVELS = (Level.VILLAGE, Level.GROUP)
