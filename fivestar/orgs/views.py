"""Org tree, search, and unit pages (town, village). Every read goes through the user's scope."""

from django.contrib.auth.decorators import login_required
from django.db.models import Case, Count, IntegerField, OuterRef, Q, Subquery, When
from django.shortcuts import render

from fivestar.core.pagination import paginate
from fivestar.core.roles import Action
from fivestar.core.scoping import covers
from fivestar.people.models import Duty, Person, Position, Responsibility

from . import selectors
from .models import Area, Level, OrgUnit

POSITION_ORDER = [Position.SECRETARY, Position.DIRECTOR, Position.VILLAGE_CADRE, Position.PARTY_MEMBER]


@login_required
def tree(request):
    query = request.GET.get("q", "").strip()
    context = {"page_title": "组织架构", "q": query, "breadcrumbs": [{"label": "组织架构"}]}
    if query:
        context["page"] = paginate(request, selectors.search_units(request.user, query))
    else:
        context["roots"] = selectors.with_child_counts(selectors.tree_roots(request.user)).order_by("path")
    return render(request, "orgs/tree.html", context)


@login_required
def tree_children(request, code):
    unit = selectors.get_visible_unit(request.user, code)
    return render(request, "orgs/_tree_nodes.html", {"nodes": selectors.children_of(request.user, unit)})


def _secretary_name():
    return Subquery(
        Person.objects.filter(org_unit=OuterRef("pk"), position=Position.SECRETARY, active=True).values("name")[:1]
    )


def _liaison_name():
    return Subquery(
        Responsibility.objects.filter(org_unit=OuterRef("pk"), duty=Duty.VILLAGE).values("person__name")[:1]
    )


@login_required
def unit_detail(request, code):
    user = request.user
    unit = selectors.get_visible_unit(user, code)
    context = {
        "page_title": unit.display_name,
        "unit": unit,
        "breadcrumbs": selectors.breadcrumbs_for(user, unit),
        "can_manage_org": covers(user, unit, Action.MANAGE_ORG),
        "can_manage_people": covers(user, unit, Action.MANAGE_PEOPLE),
    }
    if unit.level == Level.VILLAGE:
        context.update(village_context(user, unit))
        return render(request, "orgs/village.html", context)
    children = (
        OrgUnit.objects.visible_to(user)
        .filter(parent=unit)
        .select_related("area")
        .annotate(child_count=Count("children"))
        .order_by("code")
    )
    if unit.level == Level.TOWN:
        children = children.annotate(secretary=_secretary_name(), liaison=_liaison_name())
        context["areas"] = Area.objects.filter(town=unit).annotate(village_count=Count("villages")).order_by("name")
        context["category_counts"] = dict(
            OrgUnit.objects.visible_to(user).filter(parent=unit, level=Level.VILLAGE).order_by()
            .values_list("category").annotate(n=Count("id")).values_list("category", "n")
        )
    q = request.GET.get("q", "").strip()
    if q:
        children = children.search(q)
    context["q"] = q
    context["page"] = paginate(request, children)
    if unit.level == Level.TOWN:
        from fivestar.observation.templatetags.observation_tags import latest_flags

        context["flags"] = latest_flags([c.pk for c in context["page"]])  # 红黑旗 badges: one query per page
    return render(request, "orgs/unit.html", context)


def village_context(user, village: OrgUnit) -> dict:
    """Everything the village page shows, in a fixed number of queries whatever the village's size."""
    rank = Case(*[When(position=p, then=i) for i, p in enumerate(POSITION_ORDER)], default=len(POSITION_ORDER), output_field=IntegerField())
    people = (
        Person.objects.visible_to(user).filter(org_unit__path__startswith=village.path, active=True)
        .select_related("org_unit", "user").annotate(rank=rank).order_by("rank", "name")
    )
    duties = (
        Responsibility.objects.filter(Q(org_unit__path__startswith=village.path) | Q(area_id=village.area_id, duty=Duty.AREA) if village.area_id else Q(org_unit__path__startswith=village.path))
        .select_related("person", "org_unit", "area")
        .order_by("duty", "org_unit__code", "person__name")
    )
    chain = {duty: [] for duty in Duty.values}
    for r in duties:
        chain[r.duty].append(r)
    groups = OrgUnit.objects.filter(parent=village).order_by("code")
    return {
        "people": people,
        "chain_area": chain[Duty.AREA],
        "chain_village": chain[Duty.VILLAGE],
        "chain_group": chain[Duty.GROUP],
        "chain_households": chain[Duty.HOUSEHOLDS],
        "household_total": sum(r.household_count or 0 for r in chain[Duty.HOUSEHOLDS]),
        "groups": groups,
    }
