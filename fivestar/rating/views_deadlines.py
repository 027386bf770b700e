"""截止处理: the round's 截止处理 page (what is overdue, what the county may close early, what is closed and why),
closing overdue branches (town/county administrators, after a deadline), 提前截止处理 (county authority, with
a reason) and 撤销截止处理 from the reviewer's page (county authority, with a reason). Thin: the rules live in
services.deadlines."""

import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from fivestar.core.roles import Action

from . import selectors_assessment as review
from . import selectors_deadlines as deadlines
from . import selectors_review as selectors
from .models import Assessment, Round
from .services import WorkflowError
from .services.deadlines import DEFAULT_EXTENSION_DAYS, MIN_REASON, close_early, close_overdue, restore_expired


@login_required
@require_POST
def close_overdue_view(request, pk):
    rnd = selectors.get_round(request.user, pk)
    try:
        count = close_overdue(rnd, request.user)
    except WorkflowError as exc:
        messages.error(request, f"未能截止处理：{exc.message}")
    else:
        if count:
            messages.success(request, f"已截止处理 {count} 个逾期未完成的申报（未按期完成）。其余支部全部完成最终审核后，即可发布公示。")
        else:
            messages.info(request, "您负责的范围内没有逾期未完成的申报，无需截止处理。")
    return redirect(_back(request, rnd))


def _back(request, rnd):
    """Back to the page the form was on: the 截止处理 page (keeping its town filter) or the round page."""
    if request.POST.get("from") == "deadlines":
        town = request.POST.get("town", "")
        url = reverse("rating:round_deadlines", args=[rnd.pk])
        return f"{url}?town={town}" if town.isdigit() else url
    return reverse("rating:round", args=[rnd.pk])


@login_required
def round_deadlines(request, pk):
    """截止处理 page of a round."""
    user = request.user
    rnd = selectors.get_round(user, pk)
    towns = deadlines.towns(rnd, user)
    town = request.GET.get("town", "")
    if town not in {t["org_unit__parent__code"] for t in towns}:
        town = ""
    today = timezone.localdate()
    in_round = Assessment.objects.filter(round=rnd)
    is_open = rnd.phase == Round.Phase.OPEN
    county = is_open and in_round.visible_to(user, Action.REVIEW_COUNTY).exists()
    managed = is_open and in_round.visible_to(user, Action.MANAGE_ROUNDS).exists()
    context = {
        "page_title": f"截止处理 · {rnd.name}",
        "breadcrumbs": [{"label": "评星定级", "url": reverse("rating:rounds")}, {"label": rnd.name, "url": reverse("rating:round", args=[rnd.pk])},
                        {"label": "截止处理"}],
        "rnd": rnd, "today": today, "towns": towns if len(towns) > 1 else [], "town": town,
        "can_close": managed and today > rnd.self_deadline, "overdue": deadlines.overdue_count(rnd, user) if managed else 0,
        "can_close_early": county, "early": deadlines.early_rows(rnd, user, town) if county else [],
        "closed": deadlines.closed_rows(rnd, user, town), "min_reason": MIN_REASON, "extension_days": DEFAULT_EXTENSION_DAYS,
    }
    return render(request, "rating/deadlines/round.html", context)


@login_required
@require_POST
def close_early_view(request, pk):
    rnd = selectors.get_round(request.user, pk)
    ids = request.POST.getlist("ids")
    try:
        count = close_early(rnd, request.user, ids, request.POST.get("reason", ""))
    except WorkflowError as exc:
        messages.error(request, f"未能提前截止处理：{exc.message}")
    else:
        skipped = len({i for i in ids if i.isdigit() and int(i)}) - count
        if not count:
            messages.error(request, "未能提前截止处理：所选申报的状态已变化或不在您的管辖范围内，未处理。")
            return redirect(_back(request, rnd))
        messages.success(request, f"已提前截止处理 {count} 个申报（未按期完成），理由已记入各申报记录并通知相关村（社区）。"
                                  "如需撤销，可在该申报的审核页「撤销截止处理」。")
        if skipped > 0:
            messages.warning(request, f"另有 {skipped} 个申报状态已变化或不在您的管辖范围内，未处理。")
    return redirect(_back(request, rnd))


def parse_day(value: str) -> datetime.date | None:
    value = (value or "").strip()
    if not value:
        return None
    try:
        return datetime.date.fromisoformat(value[:10])
    except ValueError as exc:
        raise WorkflowError("新的截止日期格式应为 年-月-日，如 2026-12-20。") from exc


@login_required
@require_POST
def restore_view(request, pk):
    a = review.get_assessment(request.user, pk)
    try:
        restore_expired(a, request.user, request.POST.get("reason", ""), parse_day(request.POST.get("until", "")))
    except WorkflowError as exc:
        messages.error(request, f"未能撤销截止处理：{exc.message}")
    else:
        a.refresh_from_db()
        messages.success(request, f"已撤销截止处理：申报恢复为「{a.get_status_display()}」，截止日期 {a.deadline_override:%Y-%m-%d}。")
    return redirect(reverse("rating:assessment_review", args=[a.pk]))
