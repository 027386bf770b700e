"""Responsibility assignment pages (包片 / 包村 / 包组 / 包户): add one to a person, remove one."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse

from . import selectors, services
from .forms import ResponsibilityForm
from .models import Responsibility
from .views import _crumbs, apply_service_errors


@login_required
def responsibility_create(request, pk):
    user = request.user
    person = selectors.get_visible_person(user, pk)
    services.require(user, person.org_unit)
    if not person.active:
        messages.error(request, "该人员已停用，不能添加责任分工。")
        return redirect("people:detail", pk=person.pk)
    form = ResponsibilityForm(user, person, request.POST or None, initial={"org_unit": request.GET.get("org_unit", "")})
    if request.method == "POST" and form.is_valid():
        try:
            duty = services.create_responsibility(user, person=person, **form.cleaned_data)
        except ValidationError as exc:
            apply_service_errors(form, exc)
        except PermissionDenied as exc:
            form.add_error("org_unit", str(exc))
        else:
            messages.success(request, f"已添加{duty.get_duty_display()}分工。")
            return redirect("people:detail", pk=person.pk)
    context = {
        "page_title": f"添加责任分工 · {person.name}",
        "breadcrumbs": _crumbs({"label": person.name, "url": reverse("people:detail", args=[person.pk])}, {"label": "添加责任分工"}),
        "form": form, "person": person, "submit_label": "添加",
    }
    return render(request, "people/responsibility_form.html", context)


@login_required
def responsibility_delete(request, pk):
    user = request.user
    duty = get_object_or_404(Responsibility.objects.visible_to(user).select_related("person", "org_unit", "area"), pk=pk)
    services.require(user, duty.org_unit)
    person = duty.person
    back = reverse("people:detail", args=[person.pk])
    if request.method == "POST":
        services.delete_responsibility(user, duty)
        messages.success(request, f"已删除分工：{duty}。")
        return redirect(back)
    context = {
        "page_title": "删除责任分工",
        "breadcrumbs": _crumbs({"label": person.name, "url": back}, {"label": "删除责任分工"}),
        "title": "删除责任分工",
        "message": f"确认删除「{duty}」？删除后可在操作记录中查看。",
        "confirm_label": "确认删除",
        "cancel_url": back,
    }
    return render(request, "people/confirm.html", context)
