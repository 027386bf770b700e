"""People pages: list, detail, create, edit, deactivate/restore, and unit suggestions. Thin: reads come
from selectors, writes go through services, which check MANAGE_PEOPLE and record the acting user."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from fivestar.core.pagination import paginate
from fivestar.core.roles import Action
from fivestar.core.scoping import covers

from . import account_services as accounts
from . import selectors, services
from .forms import PersonFilterForm, PersonForm
from .selectors import PersonFilters

LIST_CRUMB = {"label": "人员管理"}


def _crumbs(*items):
    return [{"label": "人员管理", "url": reverse("people:list")}, *items]


def apply_service_errors(form, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc)


@login_required
def person_list(request):
    form = PersonFilterForm(request.GET or None)
    data = {}
    if form.is_bound:
        form.is_valid()  # junk in one filter drops that filter only
        data = form.cleaned_data
    filters = PersonFilters(**{k: (data.get(k) or "") for k in ("q", "unit", "position", "party", "status")})
    people = selectors.filter_people(request.user, filters)
    context = {
        "page_title": "人员管理",
        "breadcrumbs": [LIST_CRUMB],
        "form": form,
        "filters": filters,
        "page": paginate(request, people),
        "can_create": selectors.can(request.user, Action.MANAGE_PEOPLE),
        "can_import": selectors.can(request.user, Action.IMPORT_PEOPLE),
    }
    return render(request, "people/list.html", context)


@login_required
def person_detail(request, pk):
    user = request.user
    person = selectors.get_visible_person(user, pk)
    context = {
        "page_title": person.name,
        "breadcrumbs": _crumbs({"label": person.name}),
        "person": person,
        "responsibilities": selectors.responsibilities_of(user, person),
        "roles": selectors.roles_of(user, person),
        "can_manage": covers(user, person.org_unit, Action.MANAGE_PEOPLE),
        "can_edit": covers(user, person.org_unit, Action.MANAGE_PEOPLE)
        and not (person.user_id and accounts.person_edit_refusal(user, person.user)),
        "can_accounts": accounts.can_manage_account(user, person),
        "is_self": person.user_id == user.pk,
    }
    return render(request, "people/detail.html", context)


@login_required
def person_create(request):
    user = request.user
    if not selectors.can(user, Action.MANAGE_PEOPLE):
        raise PermissionDenied("您没有新增人员的权限。")
    initial = {"org_unit": request.GET.get("org_unit", "")}
    form = PersonForm(user, request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            person = services.create_person(user, **form.cleaned_data)
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, f"已新增人员「{person.name}」。")
            return redirect("people:detail", pk=person.pk)
    context = {"page_title": "新增人员", "breadcrumbs": _crumbs({"label": "新增人员"}), "form": form, "submit_label": "保存"}
    return render(request, "people/form.html", context)


def _managed_person(request, pk):
    person = selectors.get_visible_person(request.user, pk)
    services.require(request.user, person.org_unit)
    services.require_account_rank(request.user, person)
    return person


@login_required
def person_edit(request, pk):
    user = request.user
    person = _managed_person(request, pk)
    form = PersonForm(user, request.POST or None, instance=person)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_person(user, person, **form.cleaned_data)
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, f"已保存「{person.name}」的信息。")
            return redirect("people:detail", pk=person.pk)
    context = {
        "page_title": f"编辑 {person.name}",
        "breadcrumbs": _crumbs({"label": person.name, "url": reverse("people:detail", args=[person.pk])}, {"label": "编辑"}),
        "form": form, "person": person, "submit_label": "保存修改",
    }
    return render(request, "people/form.html", context)


@login_required
def person_delete(request, pk):
    """停用: the person is kept for the record, their responsibilities are removed."""
    person = _managed_person(request, pk)
    if request.method == "POST":
        removed = services.deactivate_person(request.user, person)
        messages.success(request, f"已停用「{person.name}」，并移除其 {removed} 项责任分工。")
        return redirect("people:detail", pk=person.pk)
    count = selectors.responsibilities_of(request.user, person).count()
    context = {
        "page_title": f"停用 {person.name}",
        "breadcrumbs": _crumbs({"label": person.name, "url": reverse("people:detail", args=[person.pk])}, {"label": "停用"}),
        "title": f"停用人员「{person.name}」",
        "message": f"停用后该人员不再出现在人员列表和责任链条中，其 {count} 项责任分工将被移除（可在操作记录中查看）。登录账号需另行停用。",
        "confirm_label": "确认停用",
        "cancel_url": reverse("people:detail", args=[person.pk]),
    }
    return render(request, "people/confirm.html", context)


@login_required
@require_POST
def person_restore(request, pk):
    person = _managed_person(request, pk)
    try:
        services.restore_person(request.user, person)
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
    else:
        messages.success(request, f"已恢复「{person.name}」为在职。")
    return redirect("people:detail", pk=person.pk)


@login_required
def unit_options(request):
    """<option>s for the unit code datalist, scoped; ?action=manage limits to units the user may manage."""
    action = {"manage": Action.MANAGE_PEOPLE, "accounts": Action.MANAGE_ACCOUNTS}.get(request.GET.get("action"), Action.VIEW)
    text = request.GET.get("org_unit") or request.GET.get("unit") or request.GET.get("q") or ""
    units = selectors.match_units(request.user, text[:30], action) if text.strip() else []
    return render(request, "people/_unit_options.html", {"units": units})

