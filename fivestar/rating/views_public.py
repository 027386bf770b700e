"""The public notice (公示): no login. A page per round and per town, a QR code for the notice board,
a printable A4 notice, and the objection (异议) form. Every view is limited per client address (fivestar.core.ratelimit);
the service also accepts at most a few objections per address and round."""

import io

import qrcode
from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect
from django.views.decorators.http import require_GET, require_http_methods

from fivestar.core.pagination import paginate
from fivestar.core.ratelimit import GET, POST, rate_limited
from fivestar.orgs.models import Level

from . import selectors_public as sel
from . import selectors_stats as stats
from .forms_results import ObjectionForm
from .models import Assessment, Round
from .services import WorkflowError, file_objection

SUCCESS = "异议已提交，我们将依法依规核实处理"
NOT_IN_NOTICE = "当前不在公示期"


def _base_context(rnd):
    return {"round": rnd, "issuer": sel.issuer_for(rnd.scope), "in_notice": rnd.phase == Round.Phase.NOTICE,
            "recognised": rnd.phase == Round.Phase.RECOGNISED, "not_in_notice_message": NOT_IN_NOTICE}


PUBLIC_PAGE_SIZE = 30


def _units(request, rnd, current) -> dict:
    """The drill-down of the notice (province → city → county → town): the current unit's children from the
    kept figures, a page at a time, or the units below it matching ?q=; a town links to its notice page."""
    q = (request.GET.get("q") or "").strip()[: stats.SEARCH_MAX]
    if current is None:
        source = []
    elif q:
        source = stats.search(rnd, [current.unit.path], q)
    else:
        source = stats.listing(rnd, current, [current])
    page = paginate(request, source, per_page=PUBLIC_PAGE_SIZE)
    return {"current": current, "unit_page": page, "unit_rows": stats.rows_for(page, []), "q": q, "searching": bool(q),
            "summary": stats.table_row(current.figures(), [], current.unit) if current else None}


@rate_limited("public_page", GET)
@require_GET
def round_page(request, token):
    rnd = sel.round_by_token(token)
    context = {**_base_context(rnd), **_units(request, rnd, sel.scope_row(rnd))}
    return render(request, "rating/public/round.html", context)


@rate_limited("public_page", GET)
@require_GET
def unit_page(request, token, code):
    """One unit of the round (city, county…) on the public notice: its figures and its children's."""
    rnd = sel.round_by_token(token)
    unit, row = stats.unit_in_round(rnd, code, None, public=True)
    if unit.level >= Level.TOWN:
        return redirect(reverse("public:town", args=[token, unit.code]))
    context = {**_base_context(rnd), **_units(request, rnd, row), "unit": unit, "trail": stats.trail(rnd, unit, None)[:-1]}
    return render(request, "rating/public/round.html", context)


@rate_limited("objection", POST)
@rate_limited("public_page", GET)
@csrf_protect
@never_cache
@require_http_methods(["GET", "POST"])
def town_page(request, token, code):
    rnd = sel.round_by_token(token)
    town = sel.town_in_round(rnd, code)
    context = {**_base_context(rnd), "town": town}
    status = 200
    if context["recognised"]:
        context["rows"] = sel.recognised_rows(rnd, town)
    elif context["in_notice"]:
        rows = sel.notice_rows(rnd, town)
        context["rows"] = rows
        if request.method == "POST":
            form = ObjectionForm(request.POST, rows=rows)
            if form.is_valid():
                try:
                    assessment = Assessment.objects.select_related("org_unit").get(pk=form.cleaned_data["branch"], round=rnd)
                    file_objection(rnd, assessment, form.cleaned_data["reason"], form.cleaned_data["contact"], sel.fingerprint(request))
                except WorkflowError as error:
                    form.add_error(None, error.message)
                else:
                    messages.success(request, SUCCESS)
                    return redirect(reverse("public:town", args=[token, code]))
            status = 400
        else:
            preselect = request.GET.get("branch", "")
            form = ObjectionForm(rows=rows, initial={"branch": preselect} if preselect.isdigit() else None)
        context["form"] = form
    elif request.method == "POST":
        status = 400
    return render(request, "rating/public/town.html", context, status=status)


@rate_limited("public_page", GET)
@require_GET
def print_page(request, token, code):
    rnd = sel.round_by_token(token)
    town = sel.town_in_round(rnd, code)
    context = {**_base_context(rnd), "town": town, "public_url": request.build_absolute_uri(reverse("public:town", args=[token, code]))}
    if context["in_notice"]:
        context["rows"] = sel.notice_rows(rnd, town)
    return render(request, "rating/public/print.html", context)


def _png(url: str) -> HttpResponse:
    code = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, box_size=10, border=2)
    code.add_data(url)
    code.make(fit=True)
    buffer = io.BytesIO()
    code.make_image().save(buffer, format="PNG")
    response = HttpResponse(buffer.getvalue(), content_type="image/png")
    response["Cache-Control"] = "public, max-age=3600"
    return response


@rate_limited("public_qr", GET)
@require_GET
def town_qr(request, token, code):
    rnd = sel.round_by_token(token)
    sel.town_in_round(rnd, code)
    return _png(request.build_absolute_uri(reverse("public:town", args=[token, code])))


@rate_limited("public_qr", GET)
@require_GET
def round_qr(request, token):
    sel.round_by_token(token)
    return _png(request.build_absolute_uri(reverse("public:round", args=[token])))
