"""Home page (by role) and the scoped history (操作记录) view."""

from django.contrib.auth.decorators import login_required
from django.db.models import Count, Q
from django.shortcuts import render

from fivestar.orgs.models import Level, OrgUnit
from fivestar.people.models import Person

from .models import AuditEvent
from .pagination import paginate
from .roles import Action, Role
from .scoping import is_global, user_grants


def _primary_units(user):
    """The top units of the user's roles: what their home page is about."""
    if is_global(user):
        return list(OrgUnit.objects.filter(parent__isnull=True)[:5])
    return [ra.org_unit for ra in user.role_assignments.select_related("org_unit", "area").filter(active=True)]


@login_required
def home(request):
    user = request.user
    assignments = list(user.role_assignments.select_related("org_unit", "area").filter(active=True))
    units = OrgUnit.objects.visible_to(user)
    village_stats = units.filter(level=Level.VILLAGE).aggregate(
        total=Count("id"),
        community=Count("id", filter=Q(branch_type="community")),
        lead=Count("id", filter=Q(category="lead")),
        sprint=Count("id", filter=Q(category="sprint")),
        improve=Count("id", filter=Q(category="improve")),
        base=Count("id", filter=Q(category="base")),
    )
    roles = {ra.role for ra in assignments}
    my_villages = []
    if roles & {Role.VILLAGE_CADRE, Role.VILLAGE_LIAISON, Role.AREA_LEADER}:
        my_villages = list(units.filter(level=Level.VILLAGE).select_related("area")[:60])
    towns = []
    if is_global(user) or roles & {Role.COUNTY_ADMIN, Role.SYSADMIN, Role.OBSERVER, Role.SUPERVISOR, Role.TOWN_ADMIN}:
        towns = list(
            units.filter(level=Level.TOWN)
            .annotate(villages=Count("children", filter=Q(children__level=Level.VILLAGE)))
            .order_by("path")[:60]
        )
    context = {
        "page_title": "首页",
        "assignments": assignments,
        "village_stats": village_stats,
        "people_count": Person.objects.visible_to(user).count(),
        "my_villages": my_villages,
        "towns": towns,
        "recent": AuditEvent.objects.visible_to(user).select_related("user", "org_unit")[:8],
        "is_global": is_global(user),
        "can_self_assess": bool(user_grants(user, Action.SELF_ASSESS)),
    }
    return render(request, "core/home.html", context)


@login_required
def history(request):
    events = AuditEvent.objects.visible_to(request.user).select_related("user", "user__person", "org_unit")
    model = request.GET.get("model", "")
    if model:
        events = events.filter(model=model)
    obj = request.GET.get("object", "")
    if obj and model:
        events = events.filter(object_id=obj)
    unit_code = request.GET.get("unit", "")
    if unit_code:
        unit = OrgUnit.objects.visible_to(request.user).filter(code=unit_code).first()
        events = events.filter(org_unit__path__startswith=unit.path) if unit else events.none()
    page = paginate(request, events)
    return render(
        request,
        "core/history.html",
        {"page_title": "操作记录", "page": page, "model": model, "models": MODEL_CHOICES, "breadcrumbs": [{"label": "操作记录"}]},
    )


MODEL_CHOICES = [
    ("orgs.orgunit", "组织单位"),
    ("orgs.area", "片区"),
    ("people.person", "人员"),
    ("people.roleassignment", "角色授权"),
    ("people.responsibility", "责任分工"),
    ("imports.batch", "数据导入"),
    ("auth.user", "登录账号"),
    ("indicators.collectiveincome", "村集体经济收入"),
    ("standards.branchresult", "支部细则结果"),
    ("standards.frameworkversion", "创建标准版本"),
    ("rating.round", "评星周期"),
    ("rating.starholding", "星级持有"),
    ("rating.vetoevent", "否决事项"),
]


def not_found(request, exception=None):
    return render(request, "404.html", {"page_title": "页面不存在"}, status=404)


def server_error(request):
    return render(request, "500.html", {"page_title": "系统错误"}, status=500)
