"""Pages under /boards/ (挂图作战): the user's own board, a town's matrix, a county's, city's or province's roll-up,
and one cell's detail. Thin: the selectors read and scope everything."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone

from fivestar.orgs.models import Level, OrgUnit

from . import params, selectors, states


@login_required
def index(request):
    unit = selectors.top_unit(request.user)
    if unit is None:
        raise PermissionDenied("挂图作战面向乡镇及以上的管理人员。")
    return redirect(selectors.board_url(unit))


def _unit(pk, **kw):
    return get_object_or_404(OrgUnit.objects.select_related("parent"), pk=pk, **kw)


@login_required
def town(request, pk):
    unit = _unit(pk)
    if unit.level != Level.TOWN:
        if unit.level < Level.TOWN:
            return redirect(selectors.board_url(unit))
        raise Http404
    g = request.GET
    year = params.year_of(g.get("year"))
    board = selectors.town_board(request.user, unit, year, area=params.area_of(g.get("area")),
                                 category=params.category_of(g.get("category")), star=params.star_of(g.get("star")))
    crumbs = selectors.breadcrumbs(request.user, unit)
    return render(request, "boards/town.html", {"b": board, "crumbs": crumbs, "page_title": f"挂图作战 · {unit.display_name}",
                                                "years": _years(), "states": states.legend()})


@login_required
def unit(request, pk):
    unit = _unit(pk)
    if unit.level == Level.TOWN:
        return redirect(selectors.board_url(unit) + (f"?{request.GET.urlencode()}" if request.GET else ""))
    if unit.level > Level.TOWN:
        raise Http404
    year = params.year_of(request.GET.get("year"))
    board = selectors.unit_board(request.user, unit, year, q=request.GET.get("q", "")[:50], page=request.GET.get("page"))
    return render(request, "boards/unit.html", {"b": board, "page_title": f"挂图作战 · {unit.display_name}", "years": _years()})


@login_required
def cell(request, village, code):
    v = _unit(village, level=Level.VILLAGE)
    year = params.year_of(request.GET.get("year"))
    detail = selectors.cell_detail(request.user, v, code[:20], year)
    return render(request, "boards/cell.html", {"d": detail, "page_title": f"{v.display_name} · {detail['star'][1]}",
                                                "can_town": selectors.can_see_town(request.user, v.parent)})


def _years() -> list[int]:
    this = timezone.localdate().year
    return list(range(this, this - 4, -1))
