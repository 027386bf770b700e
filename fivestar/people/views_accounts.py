"""Login accounts and roles of a person, for users holding MANAGE_ACCOUNTS over the person's unit.
A generated password is rendered once in the POST response and never stored in clear."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.cache import add_never_cache_headers
from django.views.decorators.http import require_POST

from fivestar.core.roles import Action, Role
from fivestar.core.scoping import covers

from . import account_services as accounts
from . import selectors
from .forms import AccountForm, RoleGrantForm
from .models import RoleAssignment
from .views import _crumbs, apply_service_errors


def _account_person(request, pk):
    person = selectors.get_visible_person(request.user, pk)
    accounts.require_accounts(request.user, person)
    return person


def _person_crumbs(person, label):
    return _crumbs({"label": person.name, "url": reverse("people:detail", args=[person.pk])}, {"label": label})


def _show_password(request, person, password, title):
    response = render(request, "people/account_password.html", {
        "page_title": title, "breadcrumbs": _person_crumbs(person, title), "person": person, "password": password, "title": title,
    })
    add_never_cache_headers(response)
    return response


@login_required
def account_create(request, pk):
    person = _account_person(request, pk)
    if person.user_id:
        messages.info(request, f"「{person.name}」已有登录账号。")
        return redirect("people:detail", pk=person.pk)
    form = AccountForm(request.POST or None, initial={"username": accounts.suggest_username(person)})
    if request.method == "POST" and form.is_valid():
        try:
            password = accounts.create_account(request.user, person, form.cleaned_data["username"])
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            return _show_password(request, person, password, "登录账号已创建")
    context = {"page_title": "创建登录账号", "breadcrumbs": _person_crumbs(person, "创建登录账号"), "form": form, "person": person,
               "submit_label": "创建账号"}
    return render(request, "people/account_form.html", context)


@login_required
@require_POST
def account_reset(request, pk):
    person = _account_person(request, pk)
    try:
        password = accounts.reset_password(request.user, person)
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
        return redirect("people:detail", pk=person.pk)
    return _show_password(request, person, password, "密码已重置")


@login_required
@require_POST
def account_toggle(request, pk):
    person = _account_person(request, pk)
    enable = request.POST.get("active") == "1"
    try:
        accounts.set_account_active(request.user, person, enable)
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
    else:
        messages.success(request, f"已{'启用' if enable else '停用'}「{person.name}」的登录账号。")
    return redirect("people:detail", pk=person.pk)


@login_required
def role_grant(request, pk):
    user = request.user
    person = _account_person(request, pk)
    if not person.user_id:
        messages.error(request, "请先为该人员创建登录账号。")
        return redirect("people:detail", pk=person.pk)
    form = RoleGrantForm(user, accounts.grantable_roles(user), request.POST or None, initial={"org_unit": request.GET.get("org_unit", "")})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            assignment = accounts.grant_role(user, person, data["role"], data["org_unit"], data.get("area") or None)
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, f"已授予「{person.name}」角色：{assignment}。")
            return redirect("people:detail", pk=person.pk)
    context = {"page_title": "授予角色", "breadcrumbs": _person_crumbs(person, "授予角色"), "form": form, "person": person,
               "submit_label": "授予", "roles_help": [(r.label, accounts.ROLE_LEVEL_WORDS[r]) for r in Role]}
    return render(request, "people/role_form.html", context)


@login_required
def role_revoke(request, pk):
    user = request.user
    assignment = get_object_or_404(RoleAssignment.objects.visible_to(user).select_related("org_unit", "area", "user", "user__person"), pk=pk)
    person = getattr(assignment.user, "person", None)
    back = reverse("people:detail", args=[person.pk]) if person else reverse("people:list")
    if not covers(user, assignment.org_unit, Action.MANAGE_ACCOUNTS):
        raise PermissionDenied(accounts.NO_ACCOUNT_RIGHT)
    if request.method == "POST":
        try:
            accounts.revoke_role(user, assignment)
        except ValidationError as exc:
            messages.error(request, "；".join(exc.messages))
        else:
            messages.success(request, f"已撤销角色：{assignment}。")
        return redirect(back)
    context = {
        "page_title": "撤销角色",
        "breadcrumbs": _crumbs({"label": person.name if person else assignment.user.username, "url": back}, {"label": "撤销角色"}),
        "title": "撤销角色",
        "message": f"确认撤销「{person.name if person else assignment.user.username}」的角色：{assignment}？",
        "confirm_label": "确认撤销",
        "cancel_url": back,
    }
    return render(request, "people/confirm.html", context)
