"""The round page's figures as a drill-down (province → city → county → town): one unit's children per page,
paginated and searchable, each row linking one level down; a town opens its branches (the town review list).
Everything is read from the kept figures (RoundUnitStats), so a page's size and cost do not grow with the province."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse

from fivestar.core.pagination import paginate
from fivestar.orgs.models import Level

from . import selectors_review as selectors
from . import selectors_stats as stats

UNIT_PAGE_SIZE = 30


def units_table(request, rnd, current, mine) -> dict:
    """Context for rating/rounds/_unit_table.html: the current unit's children (or the user's units), a page of
    them, or the units below matching ?q=; and the figures of what the user sees in total."""
    columns = selectors.status_columns(rnd)
    q = (request.GET.get("q") or "").strip()[: stats.SEARCH_MAX]
    under = [current.unit.path] if current is not None else [r.unit.path for r in mine]
    source = stats.search(rnd, under, q) if q and under else stats.listing(rnd, current, mine)
    page = paginate(request, source, per_page=UNIT_PAGE_SIZE)
    rows = stats.rows_for(page, columns)
    child_level = rows[0]["unit"].level if rows and not q else None
    return {
        "columns": columns, "unit_page": page, "unit_rows": rows, "q": q, "searching": bool(q), "current": current,
        "summary": stats.table_row(stats.sum_rows(mine), columns, current.unit if current else None) if mine else None,
        "child_label": Level(child_level).label if child_level else "单位",
        "in_notice": rnd.phase == rnd.Phase.NOTICE,
    }


@login_required
def round_unit(request, pk, code):
    """One unit of the round (city, county…) the user may see: its figures and its children's, one level down."""
    user = request.user
    rnd = selectors.get_round(user, pk)
    top = stats.top_paths(user)
    unit, row = stats.unit_in_round(rnd, code, top)
    if unit.level >= Level.TOWN:
        return redirect("rating:town_review", pk=rnd.pk, code=unit.code)
    mine = stats.viewer_rows(user, [rnd.pk]).get(rnd.pk, [])
    home = mine[0].unit_id if len(mine) == 1 else None
    crumbs = [{"label": "评星定级", "url": reverse("rating:rounds")}, {"label": rnd.name, "url": reverse("rating:round", args=[rnd.pk])}]
    for u in stats.trail(rnd, unit, top):
        if u.pk == home:
            continue  # the round page itself shows that unit
        crumbs.append({"label": u.display_name, "url": reverse("rating:round_unit", args=[rnd.pk, u.code]) if u.pk != unit.pk else ""})
    context = {
        "page_title": f"{unit.display_name} · {rnd.name}", "breadcrumbs": crumbs, "rnd": rnd, "unit": unit,
        **units_table(request, rnd, row, [row]),
    }
    return render(request, "rating/rounds/unit.html", context)
