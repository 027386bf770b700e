from fivestar.inbox.services import unread_count

from . import menu


def navigation(request):
    """The menu of the signed-in user's roles (fivestar/core/menu.py), their name and unread messages."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    path = request.path
    nav = [{"url": e.url, "label": e.label, "active": e.active(path), "key": e.key} for e in menu.entries(user)]
    person = getattr(user, "person", None) if hasattr(user, "person") else None
    return {
        "nav_items": nav,
        "user_display_name": person.name if person else (user.get_full_name() or user.username),
        "user_roles": menu.assignments(user),
        "inbox_unread": unread_count(user),
    }
