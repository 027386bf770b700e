from fivestar.inbox.services import unread_count

from . import menu


def _once(compute):
    """A value computed the first time a template reads it (templates call callables), then kept: a fragment
    that never shows the menu (an htmx answer) costs neither its queries nor building it."""
    box = []

    def value():
        if not box:
            box.append(compute())
        return box[0]

    return value


def navigation(request):
    """The menu of the signed-in user's roles (fivestar/core/menu.py), their name and unread messages."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    path = request.path

    def display_name():
        person = getattr(user, "person", None) if hasattr(user, "person") else None
        if person:
            return person.name
        # An account without a person: its first role and unit (the menu's assignments, already read and cached
        # on the user), never the login name.
        roles = menu.assignments(user)
        return user.get_full_name() or (str(roles[0]) if roles else "") or user.username

    return {
        "nav_items": _once(lambda: [{"url": e.url, "label": e.label, "active": e.active(path), "key": e.key} for e in menu.entries(user)]),
        "user_display_name": _once(display_name),
        "user_roles": _once(lambda: menu.assignments(user)),
        "inbox_unread": _once(lambda: unread_count(user)),
    }
