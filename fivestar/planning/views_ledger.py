"""The creation ledger (创建台账) of a village, area, town or county for a year: filtered, sorted by deadline,
paginated, with the kept counts on top and overdue rows standing out; a village's page also shows its progress
against its target, a town's its villages with theirs. Queries are fixed whatever the number of rows: the scope
and its kept counts, the star names, the responsible people for the filter (a town or smaller), the page (its
count from the kept figures when they hold it), the progress of the villages shown."""

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse

from fivestar.core import menu
from fivestar.core.pagination import paginate
from fivestar.core.scoping import covers
from fivestar.orgs.models import Level, OrgUnit
from fivestar.people.models import Person
from fivestar.supervision.views_common import framework_names

from . import ledger_scope as scopes
from .forms import LedgerFilterForm
from .models import LedgerTask
from .models.ledger import OPEN_TASK_STATUSES
from .selectors import tasks_for
from .services import can_manage, progress_for
from .views_common import STATUS_TONES, crumbs, deadline_words, int_or_404, tabs, today, year_of

PAGE_SIZE = 30
MAX_PEOPLE = 200


def _people(user, scope) -> list:
    """The people responsible for tasks in a village, area or town (for the filter); none for wider lists."""
    if (scope.unit is not None and scope.unit.level < Level.TOWN) or (scope.unit is None and scope.area is None):
        return []
    tasks = LedgerTask.objects.visible_to(user).filter(year=scope.year, responsible__isnull=False)
    tasks = tasks.filter(org_unit__area=scope.area) if scope.area is not None else tasks.filter(org_unit__path__startswith=scope.unit.path)
    return list(Person.objects.filter(pk__in=tasks.values("responsible_id")).only("id", "name").order_by("name", "id")[:MAX_PEOPLE])


def decorate(rows, stars: dict, on) -> None:
    for t in rows:
        t.star_name = stars.get(t.star_code, t.star_code)
        t.status_tone = STATUS_TONES.get(t.status, "secondary")
        t.deadline_words, t.urgent = deadline_words(t.deadline, t.status, on)
        t.late = t.status in OPEN_TASK_STATUSES and t.deadline < on


@login_required
def ledger(request):
    user = request.user
    year = year_of(request.GET)
    scope = scopes.resolve(user, request.GET, year)
    stars, _rules = framework_names()
    form = LedgerFilterForm(request.GET or None, stars=stars, people=_people(user, scope))
    f = form.values()
    status = f.get("status", "")
    rows = tasks_for(user, unit=scope.unit, area=scope.area, year=year,
                     status=list(OPEN_TASK_STATUSES) if status == "" else None if status == "all" else status,
                     star=f.get("star") or None, overdue=True if f.get("overdue") else None,
                     responsible=f.get("responsible"), q=f.get("q") or None)
    narrowed = bool(f.get("q") or f.get("star") or f.get("overdue") or f.get("responsible"))
    page = paginate(request, rows, PAGE_SIZE, count=scope.known_count(status, narrowed))
    on = today()
    decorate(page, stars, on)
    unit = scope.unit
    village_progress = None
    children = scope.children
    if unit is not None and unit.level == Level.VILLAGE:
        village_progress = progress_for([unit], year, names=stars).get(unit.pk)
    elif unit is not None and unit.level == Level.TOWN and children:
        progress = progress_for([c.unit_id for c in children], year, names=stars)
        for c in children:
            c.progress = progress.get(c.unit_id)
    context = {
        "page_title": f"创建台账 · {scope.label}", "breadcrumbs": crumbs({"label": f"{scope.label} {year} 年度创建台账"}),
        "tabs": tabs(user, "ledger", f"year={year}"), "scope": scope, "year": year, "years": [year - 1, year, year + 1],
        "form": form, "page": page, "status": status, "filtered": bool(f) and set(f) != {"status"},
        "is_village_user": menu.is_village_user(user), "village_progress": village_progress,
        "can_manage": unit is not None and can_manage(user, unit),
        "parent": parent if (parent := getattr(unit, "parent", None)) is not None and covers(user, parent) else None,
    }
    return render(request, "planning/ledger.html", context)


@login_required
def village_ledger(request, pk):
    """/planning/villages/<id>/ledger/ (the link of a notification) → the village's ledger list."""
    village = OrgUnit.objects.visible_to(request.user).filter(pk=int_or_404(pk), level=Level.VILLAGE).only("code").first()
    if village is None:
        raise Http404(scopes.OUT_OF_SCOPE)
    return redirect(f"{reverse('planning:ledger')}?unit={village.code}&year={year_of(request.GET)}")
