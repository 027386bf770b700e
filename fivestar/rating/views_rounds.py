"""Round pages: the list, creating a round, its detail with the kept figures (a drill-down), opening with live progress."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from fivestar.core import jobs
from fivestar.core.pagination import paginate
from fivestar.core.roles import Action
from fivestar.core.scoping import covers, is_global, user_grants

from . import selectors_review as selectors
from .forms_rounds import RoundForm
from .models import Round
from .selectors_opening import missing_indicators
from .selectors_stats import viewer_rows
from .services import WorkflowError, create_round, open_round
from .services.opening import opening_stalled, resume_opening
from .views_round_units import units_table

PHASE_BADGES = {"draft": "secondary", "opening": "info", "open": "primary", "notice": "warning", "recognised": "success"}


def can_manage_rounds(user) -> bool:
    return is_global(user) or bool(user_grants(user, Action.MANAGE_ROUNDS))


def _crumbs(*items):
    return [{"label": "评星定级", "url": reverse("rating:rounds")}, *items]


@login_required
def round_list(request):
    user = request.user
    phase = request.GET.get("phase", "")
    if phase not in Round.Phase.values:
        phase = ""
    page = paginate(request, selectors.round_list(user, phase), per_page=20)
    counts = selectors.round_counts(user, [r.pk for r in page])
    rows = [{"round": r, "counts": counts.get(r.pk), "badge": PHASE_BADGES[r.phase]} for r in page]
    context = {
        "page_title": "评星定级", "breadcrumbs": [{"label": "评星定级"}], "page": page, "rows": rows, "phase": phase,
        "phases": Round.Phase.choices, "can_create": can_manage_rounds(user),
    }
    return render(request, "rating/rounds/list.html", context)


@login_required
def round_create(request):
    user = request.user
    if not can_manage_rounds(user):
        raise PermissionDenied("您没有开启评星周期的权限。")
    form = RoundForm(user, request.POST or None, rounds=selectors.rounds_for(user))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            rnd = create_round(
                user, scope=data["scope"], name=data["name"], kind=data["kind"], year=data["year"],
                period_start=data["period_start"], period_end=data["period_end"], rural_framework=data["rural_framework"],
                community_framework=data["community_framework"], self_deadline=data["self_deadline"],
                town_deadline=data["town_deadline"], county_deadline=data["county_deadline"], notice_days=data["notice_days"],
                extra_levels=data["extra_levels"], extra_deadline=data["extra_deadline"], previous=data["previous"],
                indicator_year=data["indicator_year"], expired_outcome=data.get("expired_outcome") or Round.ExpiredOutcome.KEEP,
            )
        except WorkflowError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, f"已创建评星周期「{rnd.name}」。核对无误后点击「开启」，系统将为范围内每个支部创建申报。")
            return redirect("rating:round", pk=rnd.pk)
    context = {"page_title": "新建评星周期", "breadcrumbs": _crumbs({"label": "新建评星周期"}), "form": form}
    return render(request, "rating/rounds/form.html", context)


def _progress_context(rnd: Round, user) -> dict:
    percent = int(rnd.open_done * 100 / rnd.open_total) if rnd.open_total else 0
    stalled = opening_stalled(rnd)
    return {"rnd": rnd, "percent": min(percent, 100), "stalled": stalled,
            "can_resume": stalled and covers(user, rnd.scope, Action.MANAGE_ROUNDS),
            "stall_minutes": max(1, round(jobs.stall_seconds() / 60))}


@login_required
def round_detail(request, pk):
    user = request.user
    rnd = selectors.get_round(user, pk)
    # The kept figures of what the user sees: the round's scope, or their own units inside it (a few rows).
    mine = viewer_rows(user, [rnd.pk]).get(rnd.pk, [])
    can_manage = covers(user, rnd.scope, Action.MANAGE_ROUNDS)
    context = {
        "page_title": rnd.name, "breadcrumbs": _crumbs({"label": rnd.name}), "rnd": rnd,
        "phase_badge": PHASE_BADGES[rnd.phase], "levels": rnd.levels,
        **units_table(request, rnd, mine[0] if len(mine) == 1 else None, mine),
        "can_manage": can_manage,
        # Before 开启: the villages whose indicator-bound rules would score 0 for lack of data that year.
        "missing_indicators": missing_indicators(rnd) if can_manage and rnd.phase == Round.Phase.DRAFT else [],
        "my_assessments": selectors.my_assessments(user, rnd) if not mine else [],
        "partial_towns": selectors.towns_with_visible_branches(user, rnd) if not mine else [],
        **_progress_context(rnd, user),
    }
    return render(request, "rating/rounds/detail.html", context)


@login_required
@require_POST
def round_open(request, pk):
    user = request.user
    rnd = selectors.get_round(user, pk)
    if not covers(user, rnd.scope, Action.MANAGE_ROUNDS):
        raise PermissionDenied("您无权开启该评星周期。")
    try:
        open_round(rnd, user)
    except WorkflowError as exc:
        messages.error(request, exc.message)
    else:
        rnd.refresh_from_db()
        if rnd.phase == Round.Phase.OPEN:
            messages.success(request, f"「{rnd.name}」已开启：已为范围内 {rnd.open_total} 个支部创建申报。")
        else:
            messages.success(request, f"「{rnd.name}」正在开启：后台正在为范围内每个支部创建申报。")
    return redirect("rating:round", pk=rnd.pk)


@login_required
@require_POST
def round_resume(request, pk):
    """继续: queue again an opening whose worker stopped (已停滞)."""
    user = request.user
    rnd = selectors.get_round(user, pk)
    if not covers(user, rnd.scope, Action.MANAGE_ROUNDS):
        raise PermissionDenied("您无权继续开启该评星周期。")
    try:
        resume_opening(rnd, user)
    except WorkflowError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, f"「{rnd.name}」已继续开启：已创建的申报保留，后台将为其余支部继续创建。")
    return redirect("rating:round", pk=rnd.pk)


@login_required
def round_progress(request, pk):
    """The opening progress bar (polled by htmx every second); asks the page to reload once done."""
    rnd = selectors.get_round(request.user, pk)
    response = render(request, "rating/rounds/_progress.html", _progress_context(rnd, request.user))
    if rnd.phase != Round.Phase.OPENING and request.headers.get("HX-Request"):
        response["HX-Refresh"] = "true"
    return response
