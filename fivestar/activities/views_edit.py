"""Correcting, deleting (with a reason) and attaching a certificate to records already entered: the same generic
form as entering one, filled with the record's values, through services.edits (scope, rank, history)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from .services import edits
from .services.errors import ActivityError
from .views_forms import _form


def record_for(user, what, pk):
    """The record if `user` sees its village, else 404 (out of scope looks like absent)."""
    model = edits.MODELS.get(what)
    record = model.objects.visible_to(user).select_related("org_unit", "recorded_by").filter(pk=pk).first() if model else None
    if record is None:
        raise Http404("记录不存在或不在您的管辖范围内")
    return record


def _changeable(user, record):
    try:
        edits.require_change(user, record)
    except ActivityError as e:
        raise PermissionDenied(e.message) from None


def _back(what, record):
    return reverse("activities:village", args=[record.org_unit.code]) + f"#{what}"


@login_required
def edit_record(request, what, pk):
    user = request.user
    record = record_for(user, what, pk)
    _changeable(user, record)
    title, fields = _form(what, record.org_unit)
    values = edits.current(what, record)
    if request.method == "POST":
        values = {**values, **{name: request.POST.get(name, "") for name, _l, kind, _d in fields if kind != "file"}}
        try:
            with transaction.atomic():  # a bad scan undoes the field changes too: nothing half-saved
                edits.update_record(user, what, record, {k: v for k, v in values.items() if k in edits.EDITABLE[what][1]})
                if request.FILES.get("certificate") is not None and what == "honours":
                    edits.attach_certificate(user, record, request.FILES["certificate"])
        except ActivityError as e:
            messages.error(request, e.message)
        else:
            messages.success(request, "已保存修改。")
            return redirect(_back(what, record))
    rows = [{"name": n, "label": lbl, "type": t, "choices": d if t == "select" else None, "value": values.get(n, "")} for n, lbl, t, d in fields]
    return render(request, "activities/form.html", {
        "page_title": f"修改记录 · {record.org_unit.display_name}", "title": title.replace("登记", "修改", 1), "unit": record.org_unit, "fields": rows,
        "multipart": any(t == "file" for _n, _l, t, _d in fields), "delete_url": reverse("activities:delete", args=[what, record.pk]),
        "certificate_id": getattr(record, "certificate_id", None),
    })


@login_required
@require_POST
def delete_record(request, what, pk):
    user = request.user
    record = record_for(user, what, pk)
    _changeable(user, record)
    try:
        edits.delete_record(user, what, record, request.POST.get("reason", ""))
    except ActivityError as e:
        messages.error(request, e.message)
        return redirect("activities:edit", what=what, pk=pk)
    messages.success(request, "已删除，删除原因已记入操作记录。")
    return redirect(_back(what, record))
