"""撤回公示: a round under public notice goes back to self-assessment and review."""

from fivestar.core.roles import Action
from fivestar.core.scoping import covers

from ..models import Round
from .errors import WorkflowError


def withdraw_notice(rnd: Round, user) -> Round:
    """Withdraw the notice (e.g. a result to correct before it is recognised): the round is back in 自评与审核,
    where an approved assessment can be reopened. Objections already filed stay and must still be handled
    before recognition; publishing again starts a new notice period."""
    if not covers(user, rnd.scope, Action.MANAGE_ROUNDS):
        raise WorkflowError("您无权撤回公示。")
    if rnd.phase != Round.Phase.NOTICE:
        raise WorkflowError("该评星周期不在公示期，无需撤回。")
    rnd.phase = Round.Phase.OPEN
    rnd.notice_start = rnd.notice_end = None
    rnd._history_user = user
    rnd.save()
    return rnd
