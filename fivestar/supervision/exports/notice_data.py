"""What a village's rectification notice says, read in a fixed number of queries: its open problems (or the
problems of one inspection), the visits that found them, the issuing team and the 包村干部 it is copied to."""

import datetime

from fivestar.orgs.models import BranchType
from fivestar.people.models import Duty, Responsibility

from ..models import Problem
from ..models.problem import OPEN_STATUSES
from .names import FrameworkNames
from .notice import MAX_PROBLEMS, Notice, notice_problem


def _issuer(problems, town) -> str:
    """The team that found the problems when it is one team ("庆祖镇第一督导组"), else the town's 督导组."""
    teams = {p.team_id: p.team for p in problems if p.team_id}
    if len(teams) == 1:
        team = next(iter(teams.values()))
        unit = team.org_unit.display_name
        return team.name if team.name.startswith(unit) else f"{unit}{team.name}"
    return f"{town.display_name}督导组" if town else "督导组"


def village_notice(village, today: datetime.date, inspection_id: int | None = None) -> Notice:
    """The notice for `village` (already checked to be in the user's scope): its problems not yet signed off,
    by deadline; given an inspection, that inspection's problems whatever their status."""
    qs = Problem.objects.filter(org_unit=village)
    qs = qs.filter(inspection_id=inspection_id) if inspection_id else qs.filter(status__in=OPEN_STATUSES)
    problems = list(qs.select_related("org_unit", "responsible", "team__org_unit", "inspection__team")
                    .order_by("deadline", "pk")[:MAX_PROBLEMS])
    town = village.parent
    visits = {}
    for p in problems:
        if p.inspection_id:
            team = p.inspection.team or p.team
            visits[p.inspection_id] = (p.inspection.date, team.name if team else "督导组")
    liaisons = list(Responsibility.objects.filter(duty=Duty.VILLAGE, org_unit=village, person__active=True)
                    .order_by("person__name").values_list("person__name", flat=True).distinct())
    names = FrameworkNames()
    return Notice(
        village_name=village.display_name, is_community=village.branch_type == BranchType.COMMUNITY,
        issuer=_issuer(problems, town), issued_on=today, inspections=sorted(visits.values()),
        problems=[notice_problem(p, names) for p in problems], liaisons=liaisons, town_name=town.display_name if town else "",
    )
