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
        from .selectors_history import actor_labels  # an account without a person: 角色（单位）, never the login name

        return user.get_full_name() or actor_labels({user.pk}).get(user.pk) or user.username

    return {
        "nav_items": _once(lambda: [{"url": e.url, "label": e.label, "active": e.active(path), "key": e.key} for e in menu.entries(user)]),
        "user_display_name": _once(display_name),
        "user_roles": _once(lambda: menu.assignments(user)),
        "inbox_unread": _once(lambda: unread_count(user)),
    }
