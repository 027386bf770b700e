"""What a problem list is about (a village, town or county; an area; a team; or everything the user sees) and its
kept counts (ProblemStats): the shared core/kept_scope.py, for supervision problems."""

from fivestar.core import kept_scope

from .models import ProblemStats, SupervisionTeam
from .models.problem import ProblemStatus

PROBLEMS = kept_scope.KeptList(stats=ProblemStats, statuses=ProblemStatus, out_of_scope="单位、片区或督导组不存在或不在您的管辖范围内",
                               child_rows=40, child_filter={"open__gt": 0}, team_model=SupervisionTeam)
OUT_OF_SCOPE = PROBLEMS.out_of_scope


def resolve(user, params) -> kept_scope.KeptScope:
    return kept_scope.resolve(user, params, PROBLEMS)
