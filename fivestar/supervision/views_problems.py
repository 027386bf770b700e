"""The problem list (问题清单) of a village, area, team, town or county: filtered, sorted by deadline, paginated,
with the kept counts on top. Queries are fixed whatever the number of rows: the scope and its kept counts, the
teams and star names for the filters, the page (its count from the kept figures when they hold it)."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render

from fivestar.core import menu
from fivestar.core.pagination import paginate
from fivestar.core.scoping import covers
from fivestar.orgs.models import Level

from . import scope as scopes
from . import selectors
from .forms import ProblemFilterForm
from .models import SupervisionTeam
from .models.problem import OPEN_STATUSES
from .views_common import SEVERITY_TONES, STATUS_TONES, crumbs, deadline_words, framework_names, tabs, today

PAGE_SIZE = 30
MAX_TEAMS = 100


@login_required
def index(request):
    return redirect("supervision:problems")


def _teams(user, scope) -> list:
    """The teams a list may be narrowed to (none for a village user: it sees no teams)."""
    if menu.is_village_user(user) or scope.team:
        return []
    qs = SupervisionTeam.objects.visible_to(user).filter(active=True).only("id", "name", "org_unit_id")
    if scope.unit is not None:
        qs = qs.filter(villages__path__startswith=scope.unit.path).distinct() if scope.unit.level >= Level.TOWN else qs.filter(org_unit__path__startswith=scope.unit.path)
    return list(qs.order_by("name")[:MAX_TEAMS])


@login_required
def problem_list(request):
    user = request.user
    scope = scopes.resolve(user, request.GET)
    stars, _rules = framework_names()
    teams = _teams(user, scope)
    form = ProblemFilterForm(request.GET or None, stars=stars, teams=teams)
    f = form.values()
    status = f.get("status", "")
    team = next((t for t in teams if t.pk == f.get("team")), None) if f.get("team") else None
    period = (f.get("start"), f.get("end")) if f.get("start") or f.get("end") else None
    rows = selectors.problems_for(
        user, unit=scope.unit, area=scope.area, team=scope.team or team,
        status=list(OPEN_STATUSES) if status == "" else None if status == "all" else status,
        star=f.get("star") or None, severity=f.get("severity") or None, overdue=True if f.get("overdue") else None,
        period=period, q=f.get("q") or None,
    )
    # Overdue is read from the date (right before the daily job has run), so its rows are counted.
    narrowed = bool(team or period or f.get("q") or f.get("star") or f.get("severity") or f.get("overdue"))
    page = paginate(request, rows, PAGE_SIZE, count=scope.known_count(status, narrowed))
    on = today()
    for p in page:
        p.star_name = stars.get(p.star_code, p.star_code)
        p.status_tone, p.severity_tone = STATUS_TONES.get(p.status, "secondary"), SEVERITY_TONES.get(p.severity, "secondary")
        p.deadline_words, p.urgent = deadline_words(p.deadline, p.status, on)
    filtered = bool(f) and set(f) != {"status"}
    context = {
        "page_title": f"督导问题 · {scope.label}", "breadcrumbs": crumbs({"label": scope.label}),
        "tabs": tabs(user, "problems"), "scope": scope, "form": form, "page": page, "filtered": filtered,
        "status": status, "is_village": menu.is_village_user(user),
        "parent": parent if (parent := getattr(scope.unit, "parent", None)) is not None and covers(user, parent) else None,
    }
    return render(request, "supervision/problems.html", context)
