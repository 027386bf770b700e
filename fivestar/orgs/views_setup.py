"""Town set-up page: areas (片区) and each village's category, area and branch type, in one form."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Count
from django.http import Http404
from django.shortcuts import redirect, render

from fivestar.core.roles import Action
from fivestar.core.scoping import covers

from . import selectors, services
from .models import Area, BranchType, Category, Level, OrgUnit


def _town_for_setup(user, code):
    town = selectors.get_visible_unit(user, code)
    if town.level != Level.TOWN or not covers(user, town, Action.MANAGE_ORG):
        raise Http404("无权维护该单位")
    return town


def _changes_from(post, villages, areas) -> dict[int, dict]:
    changes = {}
    for v in villages:
        area = post.get(f"area-{v.pk}", "")
        changes[v.pk] = {
            "category": post.get(f"category-{v.pk}", v.category),
            "area_id": int(area) if area.isdigit() else None,
            "branch_type": post.get(f"branch-{v.pk}", v.branch_type),
        }
    return changes


@login_required
def town_setup(request, code):
    town = _town_for_setup(request.user, code)
    villages = list(OrgUnit.objects.filter(parent=town, level=Level.VILLAGE).order_by("code"))
    areas = list(Area.objects.filter(town=town).annotate(village_count=Count("villages")).order_by("name"))
    if request.method == "POST":
        try:
            if "add_area" in request.POST:
                area = services.create_area(request.user, town, request.POST.get("name", ""), request.POST.get("note", ""))
                messages.success(request, f"已新增片区「{area.name}」。")
            elif "delete_area" in request.POST:
                area = next((a for a in areas if str(a.pk) == request.POST.get("delete_area")), None)
                if area is None:
                    raise services.OrgError("片区不存在。")
                services.delete_area(request.user, area)
                messages.success(request, f"已删除片区「{area.name}」。")
            else:
                saved = services.update_villages(request.user, town, _changes_from(request.POST, villages, areas))
                messages.success(request, f"已保存 {saved} 个村（社区）的调整。" if saved else "没有需要保存的改动。")
            return redirect("orgs:setup", code=town.code)
        except services.OrgError as exc:
            messages.error(request, exc.message)
    return render(request, "orgs/setup.html", {
        "page_title": f"{town.display_name} · 片区与分类", "unit": town, "villages": villages, "areas": areas,
        "categories": Category.choices, "branch_types": BranchType.choices,
        "breadcrumbs": selectors.breadcrumbs_for(request.user, town)[:-1] + [{"label": town.display_name, "url": f"/orgs/{town.code}/"}, {"label": "片区与分类"}],
    })
