"""督导每日处理: the last days' passes of the daily job (reminders, overdue marking, escalation) with their progress,
for those who maintain supervision settings. A pass whose process died shows 已停滞 until the worker resumes it.
The job covers every town at once, so the page shows its state only, no counts of other towns' problems."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import render

from fivestar.core import jobs
from fivestar.core.roles import Action

from .models import DailyRun
from .services import daily_run
from .views_common import crumbs, may, tabs

DAYS = 14


@login_required
def daily(request):
    if not may(request.user, Action.MANAGE_SUPERVISION):
        raise PermissionDenied("您没有查看督导每日处理的权限。")
    runs = list(DailyRun.objects.order_by("-date")[:DAYS])
    for run in runs:
        run.stalled, run.label = daily_run.is_stalled(run), daily_run.status_label(run)
    return render(request, "supervision/daily.html", {
        "page_title": "督导每日处理", "tabs": tabs(request.user, "daily"), "runs": runs,
        "stall_minutes": max(1, jobs.stall_seconds() // 60), "breadcrumbs": crumbs({"label": "每日处理"})})
