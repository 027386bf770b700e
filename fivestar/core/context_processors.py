from django.urls import reverse

from fivestar.inbox.services import unread_count

from .roles import Action
from .scoping import user_grants


def navigation(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    path = request.path
    items = [
        ("home", "首页", "/"),
        ("orgs:tree", "组织架构", "/orgs/"),
        ("people:list", "人员管理", "/people/"),
        ("standards:list", "创建标准", "/standards/"),
        ("indicators:list", "集体经济", "/indicators/"),
        ("rating:rounds", "评星定级", "/rating/"),
    ]
    if user.is_superuser or user_grants(user, Action.IMPORT_PEOPLE) or user_grants(user, Action.IMPORT_DIVISIONS):
        items.append(("imports:index", "数据导入", "/imports/"))
    items.append(("core:history", "操作记录", "/history/"))
    nav = []
    for name, label, prefix in items:
        url = reverse(name)
        active = path == "/" if prefix == "/" else path.startswith(prefix)
        nav.append({"url": url, "label": label, "active": active})
    person = getattr(user, "person", None) if hasattr(user, "person") else None
    return {
        "nav_items": nav,
        "user_display_name": person.name if person else (user.get_full_name() or user.username),
        "user_roles": list(user.role_assignments.select_related("org_unit", "area").filter(active=True)),
        "inbox_unread": unread_count(user),
    }
