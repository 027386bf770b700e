"""The problem-list filters (?unit= / ?area= / ?team=, status, star, severity, overdue, start, end, q) read
exactly as the list page reads them (`scope.resolve` + `ProblemFilterForm`), so an export holds the rows the
list shows. Used by the ledger download and by the API's problem list."""

from .. import scope as scopes
from .. import selectors
from ..forms import ProblemFilterForm
from ..models.problem import OPEN_STATUSES
from ..views_common import framework_names


def problem_query(user, params):
    """(scope, queryset) for `params` (a QueryDict or a dict of strings). An out-of-scope unit, area or team
    is 404 (from `scope.resolve`); a junk filter value is dropped, as on the list page."""
    scope = scopes.resolve(user, params)
    stars, _rules = framework_names()
    form = ProblemFilterForm(params or None, stars=stars, teams=[])  # the team is the scope's (?team=)
    f = form.values()
    status = f.get("status", "")
    period = (f.get("start"), f.get("end")) if f.get("start") or f.get("end") else None
    rows = selectors.problems_for(
        user, unit=scope.unit, area=scope.area, team=scope.team,
        status=list(OPEN_STATUSES) if status == "" else None if status == "all" else status,
        star=f.get("star") or None, severity=f.get("severity") or None, overdue=True if f.get("overdue") else None,
        period=period, q=f.get("q") or None,
    )
    return scope, rows
