"""Who may act on an assessment at which level."""

from fivestar.core.roles import Action
from fivestar.core.scoping import covers

from ..models import Assessment

LEVEL_ACTION = {
    "village": Action.SELF_ASSESS,
    "town": Action.REVIEW_TOWN,
    "county": Action.REVIEW_COUNTY,
    "city": Action.REVIEW_CITY,
    "province": Action.REVIEW_PROVINCE,
}


def can_act(user, assessment: Assessment, level: str) -> bool:
    return covers(user, assessment.org_unit, LEVEL_ACTION[level])


def acting_levels(user, assessment: Assessment) -> list[str]:
    return [lvl for lvl in ["village", *assessment.round.levels] if can_act(user, assessment, lvl)]
