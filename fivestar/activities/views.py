"""Pages under /activities/: scoped lists with filters and pagination, exports, and a village's record (its
honours, activities, pairs, awards, 三零 and projects)."""

from django.contrib.auth.decorators import login_required
from django.http import FileResponse
from django.shortcuts import render
from django.utils import timezone
from openpyxl.styles import Font

from fivestar.core.pagination import paginate
from fivestar.core.xlsx import append_row, safe_cell, save_to_tempfile, write_only_workbook
from fivestar.supervision.exports.views import XLSX, attachment

from . import selectors
from .columns import header, row
from .models import ActivityKind, Honour, Incident, MentoringPair
from .services.access import can_edit, can_view

EXPORT_LIMIT = 100_000
FILTER_KINDS = {
    "sessions": ActivityKind.Code.choices,
    "honours": Honour.Level.choices,
    "incidents": Incident.Kind.choices,
    "pairs": MentoringPair.Kind.choices,
}


def _what(what):
    if what not in selectors.MODELS:
        from django.http import Http404

        raise Http404("没有这类记录")
    return what


@login_required
def index(request):
    return record_list(request, "sessions")


@login_required
def record_list(request, what):
    what = _what(what)
    qs, applied = selectors.records(request.user, what, request.GET)
    page = paginate(request, qs)
    columns = header(what)
    # Each cell with its column's name: on a phone the table stacks into cards and a bare "16" or "87.5" says nothing.
    rows = [{"record": r, "cells": list(zip(columns, row(what, r)))} for r in page]
    return render(request, "activities/list.html", {
        "page_title": selectors.LABELS[what], "what": what, "labels": selectors.LABELS, "header": columns, "rows": rows,
        "page": page, "applied": applied, "kinds": FILTER_KINDS.get(what, []), "query": request.GET.urlencode(),
        "veto_choices": Incident.Veto.choices,
    })


@login_required
def export(request, what):
    """The list as filtered, as xlsx (formula-like text stays text), streamed from a temporary file."""
    what = _what(what)
    qs, _applied = selectors.records(request.user, what, request.GET)
    wb = write_only_workbook()
    ws = wb.create_sheet(selectors.LABELS[what])
    bold = Font(bold=True)
    append_row(ws, [safe_cell(ws, h, font=bold) for h in header(what)])
    for record in qs[:EXPORT_LIMIT].iterator(chunk_size=2000):
        append_row(ws, row(what, record))
    today = timezone.localdate()
    response = FileResponse(save_to_tempfile(wb), content_type=XLSX)
    response["Content-Disposition"] = attachment(f"{what}-{today:%Y%m%d}.xlsx", f"{selectors.LABELS[what]}-{today:%Y%m%d}.xlsx")
    return response


@login_required
def village(request, code):
    """A village's record: honours, this year's activities and attendance, pairs, awards, 三零 and projects."""
    user = request.user
    unit = selectors.village(user, code)
    year = selectors._year(request.GET.get("year")) or timezone.localdate().year
    params = {"unit": unit.code}
    honours = list(selectors.records(user, "honours", params)[0][:100])
    sessions_qs = selectors.records(user, "sessions", {**params, "year": year})[0]
    sessions = paginate(request, sessions_qs, per_page=20)
    by_kind = {}
    for s in sessions_qs.values_list("kind__name", "attended", "expected"):
        entry = by_kind.setdefault(s[0], {"name": s[0], "count": 0, "attended": 0, "expected": 0})
        entry["count"] += 1
        if s[2]:
            entry["attended"] += s[1]
            entry["expected"] += s[2]
    for entry in by_kind.values():
        entry["rate"] = round(100 * entry["attended"] / entry["expected"], 1) if entry["expected"] else None
    context = {
        "page_title": f"{unit.display_name} · 党建活动与荣誉", "unit": unit, "year": year, "can_edit": can_edit(user, unit),
        "honours": honours, "sessions": sessions, "summary": list(by_kind.values()),
        "awards": list(selectors.records(user, "awards", {**params, "year": year})[0][:100]),
        "pairs": list(selectors.records(user, "pairs", params)[0][:50]),
        "checks": list(selectors.records(user, "checks", {**params, "year": year})[0][:50]),
        "incidents": list(selectors.records(user, "incidents", {**params, "year": year})[0][:50]),
        "projects": list(selectors.records(user, "projects", {**params, "year": year})[0].prefetch_related("funding")[:50]),
        "can_view": can_view(user, unit),
    }
    return render(request, "activities/village.html", context)
