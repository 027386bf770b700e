"""The in-app inbox (站内消息): the user's own notifications only; opening one marks it read."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Case, IntegerField, Value, When
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from fivestar.core.pagination import paginate

from .models import Notification

PER_PAGE = 20


@login_required
def inbox(request):
    rows = Notification.objects.filter(user=request.user).select_related("org_unit")
    unread_only = request.GET.get("unread") == "1"
    if unread_only:
        rows = rows.filter(read_at__isnull=True)
    rows = rows.annotate(is_read=Case(When(read_at__isnull=True, then=Value(0)), default=Value(1), output_field=IntegerField()))
    page = paginate(request, rows.order_by("is_read", "-created_at", "-id"), PER_PAGE)
    return render(request, "inbox/list.html", {"page_title": "站内消息", "page": page, "unread_only": unread_only,
                                               "breadcrumbs": [{"label": "站内消息"}]})


@login_required
def open_notification(request, pk):
    note = get_object_or_404(Notification, pk=pk, user=request.user)
    if note.read_at is None:
        Notification.objects.filter(pk=note.pk, read_at__isnull=True).update(read_at=timezone.now())
    if note.url and url_has_allowed_host_and_scheme(note.url, {request.get_host()}, request.is_secure()):
        return redirect(note.url)
    return redirect("inbox:list")


@login_required
@require_POST
def mark_all_read(request):
    count = Notification.objects.filter(user=request.user, read_at__isnull=True).update(read_at=timezone.now())
    messages.success(request, f"已将 {count} 条消息标为已读。")
    return redirect("inbox:list")
