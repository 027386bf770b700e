"""Who sees objections (异议): the reviewers and round managers over the branch, never the branch itself.

An objection names who raised it (contact) and may be about the village's own cadres, so village roles
and observers do not see them, even for their own village.
"""

from fivestar.core.roles import Action
from fivestar.core.scoping import NOTHING, is_global, scope_q, user_grants

from .models import Objection

ACTIONS = (Action.MANAGE_ROUNDS, Action.REVIEW_TOWN, Action.REVIEW_COUNTY, Action.REVIEW_CITY, Action.REVIEW_PROVINCE)


def may_see_objections(user) -> bool:
    return bool(user and user.is_authenticated) and (is_global(user) or any(user_grants(user, a) for a in ACTIONS))


def objections_for(user, rnd):
    """Objections of the round on branches where the user reviews or manages rounds (one SQL filter)."""
    if not may_see_objections(user):
        return Objection.objects.none()
    q = NOTHING
    for action in ACTIONS:
        if is_global(user) or user_grants(user, action):
            q |= scope_q(user, action, Objection.scope_via)
    return Objection.objects.filter(q, round=rnd)
