"""The imports landing page: recent jobs the user may see, and the imports they may start."""

from django.contrib.auth.decorators import login_required
from django.db.models import Q
from django.shortcuts import render
from django.urls import NoReverseMatch, reverse

from fivestar.core.pagination import paginate
from fivestar.core.roles import Action
from fivestar.core.scoping import is_global, scope_q, user_grants

from .divisions_jobs import can_import_divisions
from .models import ImportJob

# Job pages per kind; a kind whose pages are not installed yet simply gets no link.
JOB_URL_NAMES = {ImportJob.Kind.DIVISIONS: "imports:divisions_job", ImportJob.Kind.PEOPLE: "imports:people_job"}


def _url(name: str, *args) -> str:
    try:
        return reverse(name, args=args)
    except NoReverseMatch:
        return ""


@login_required
def index(request):
    user = request.user
    jobs = (
        ImportJob.objects.filter(scope_q(user, Action.VIEW, "org_unit__") | Q(created_by=user))
        .select_related("created_by", "org_unit")
        .order_by("-created_at", "-id")
    )
    page = paginate(request, jobs, per_page=20)
    for job in page:
        job.url = _url(JOB_URL_NAMES.get(job.kind, ""), job.pk)
    can_people = is_global(user) or bool(user_grants(user, Action.IMPORT_PEOPLE))
    context = {
        "page_title": "数据导入",
        "page": page,
        "divisions_url": reverse("imports:divisions") if can_import_divisions(user) else "",
        "people_url": _url("imports:people") if can_people else "",
        "breadcrumbs": [{"label": "数据导入"}],
    }
    return render(request, "imports/index.html", context)
