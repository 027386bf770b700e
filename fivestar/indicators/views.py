"""Collective income pages: the list by year, one village's history, the record form, and Excel import.

Thin: reads from selectors, writes through services (which check EDIT_RESULTS and record the user).
"""

from urllib.parse import quote

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from fivestar.core.pagination import paginate
from fivestar.core.roles import Action
from fivestar.core.scoping import covers, is_global, user_grants

from . import selectors, services
from .excel import write_template
from .forms import ImportForm, IncomeFilterForm, IncomeForm
from .import_services import import_workbook
from .models import CollectiveIncome
from .parsing import parse_year

TITLE = "村集体经济收入"
TEMPLATE_CHUNK = 2000
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _crumbs(*items):
    return [{"label": TITLE, "url": reverse("indicators:list")}, *items]


def can_record_any(user) -> bool:
    return is_global(user) or bool(user_grants(user, Action.EDIT_RESULTS))


@login_required
def income_list(request):
    user = request.user
    form = IncomeFilterForm(request.GET or None)
    data = form.cleaned_data if form.is_valid() else {}
    year = data.get("year") or selectors.latest_year(user)
    under = selectors.get_visible_unit(user, (data.get("unit") or "").strip())
    scope = {"under": under, "branch_type": data.get("branch_type") or ""}
    rows = selectors.income_table(user, year, q=(data.get("q") or "").strip(), band=data.get("band") or "",
                                  sort=data.get("sort") or "code", **scope)
    page = paginate(request, rows)
    for unit in page:
        unit.can_edit = covers(user, unit, Action.EDIT_RESULTS)
    years = sorted({year, *selectors.years_with_data(user)}, reverse=True)
    context = {
        "page_title": TITLE, "breadcrumbs": [{"label": TITLE}], "form": form, "year": year,
        "years": years, "under": under, "page": page, "summary": selectors.income_summary(user, year, **scope),
        "can_import": can_record_any(user),
    }
    return render(request, "indicators/list.html", context)


@login_required
def village_income(request, code):
    user = request.user
    unit = selectors.get_village(user, code)
    context = {
        "page_title": f"{unit.display_name} · 集体经济收入",
        "breadcrumbs": _crumbs({"label": unit.display_name, "url": reverse("orgs:unit", args=[unit.code])}, {"label": "收入历史"}),
        "unit": unit,
        "records": selectors.incomes_of(unit),
        "history": selectors.history_of(unit),
        "can_edit": services.can_edit(user, unit),
    }
    return render(request, "indicators/village.html", context)


def _initial_year(request) -> int:
    try:
        return parse_year(request.GET.get("year")) or selectors.latest_year(request.user)
    except ValueError:
        return selectors.latest_year(request.user)


def _apply_errors(form, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc)


@login_required
def record_income(request, code):
    user = request.user
    unit = selectors.get_village(user, code)
    services.require_edit(user, unit)
    year = _initial_year(request)
    existing = CollectiveIncome.objects.filter(org_unit=unit, year=year).first()
    initial = {"year": year}
    if existing:
        initial.update(operating_income=existing.operating_income, other_income=existing.other_income, note=existing.note)
    form = IncomeForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        values = services.IncomeValues(d["year"], d["operating_income"], d["other_income"], d["note"])
        try:
            record, status = services.record_income(user, unit, values)
        except ValidationError as exc:
            _apply_errors(form, exc)
        else:
            verb = {"created": "已录入", "updated": "已更新", "unchanged": "未修改"}[status]
            messages.success(request, f"{verb} {unit.display_name} {record.year} 年村集体经济收入：合计 {record.amount:,.2f} 元。")
            return redirect(_safe_next(request) or reverse("indicators:village", args=[unit.code]))
    context = {
        "page_title": f"填报集体经济收入 · {unit.display_name}",
        "breadcrumbs": _crumbs({"label": unit.display_name, "url": reverse("indicators:village", args=[unit.code])}, {"label": "填报"}),
        "unit": unit, "form": form, "existing": existing, "year": year,
        "next": _safe_next(request),
    }
    return render(request, "indicators/form.html", context)


def _safe_next(request) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    return target if target.startswith("/") and not target.startswith("//") else ""


@login_required
def import_income(request):
    user = request.user
    if not can_record_any(user):
        raise PermissionDenied("您没有导入集体经济收入的权限。")
    form = ImportForm(request.POST or None, request.FILES or None)
    outcome = None
    if request.method == "POST" and form.is_valid():
        outcome = import_workbook(user, form.cleaned_data["file"])
        if outcome.ok:
            messages.success(request, f"导入成功：{outcome.summary}。")
            return redirect(reverse("indicators:list"))
    context = {
        "page_title": "导入集体经济收入", "breadcrumbs": _crumbs({"label": "Excel 导入"}),
        "form": form, "outcome": outcome, "year": selectors.latest_year(user),
    }
    return render(request, "indicators/import.html", context)


@login_required
def import_template(request):
    """The template, pre-filled with the villages the user may record for and their values of that year."""
    user = request.user
    if not can_record_any(user):
        raise PermissionDenied("您没有导入集体经济收入的权限。")
    year = _initial_year(request)
    villages = selectors.with_income(
        selectors.villages_in_scope(user, action=Action.EDIT_RESULTS), year
    ).select_related(None).order_by("path").values_list("code", "display_name", "income_operating", "income_other", "income_note")
    # Every village in scope (a province: 52,378), read in chunks and written row by row to a temporary
    # file that is streamed: the memory of a chunk, not of the province.
    rows = (
        {"code": code, "name": name, "year": year, "operating": operating, "other": other, "note": note}
        for code, name, operating, other, note in villages.iterator(chunk_size=TEMPLATE_CHUNK)
    )
    response = FileResponse(write_template(rows, year), content_type=XLSX)
    filename = quote(f"村集体经济收入导入模板-{year}.xlsx")
    response["Content-Disposition"] = f"attachment; filename=income-template-{year}.xlsx; filename*=UTF-8''{filename}"
    return response
