"""A village's 差距清单 against its target for a year: for each target star its current assessment does not reach,
the rules the engine says to raise (the same evaluation as the 差距 page), which of them are already ledger
tasks, and one button that turns the rest into tasks (tasks_from_gaps: suggested owners, a deadline before the
round's; a second click adds none)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse

from fivestar.orgs.models import Level
from fivestar.standards.gap_selectors import current_for

from .models import LedgerTask
from .models.ledger import TaskSource
from .services import PlanningError, can_manage, default_deadline, gap_items, progress_for, suggested_owner, tasks_from_gaps
from .views_common import crumbs, parse_date, tabs, visible_unit, year_of

T = "planning/gaps.html"


def _context(request, village, year, **extra) -> dict:
    user = request.user
    current = current_for(user, village)
    names = {g.star_code: g.star_name for g in current.report} if current.report else {}
    progress = progress_for([village], year).get(village.pk)
    awarded = list(current.evaluation.awarded_codes) if current.evaluation is not None else []
    missing = [c for c in progress["target_stars"] if c not in awarded]
    items = gap_items(current.report, missing) if current.framework is not None else []
    in_ledger = dict(LedgerTask.objects.filter(org_unit=village, year=year, source=TaskSource.GAP)
                     .values_list("rule_code", "pk"))
    for item in items:
        item["task_id"] = in_ledger.get(item["rule_code"])
    stars = []
    for item in items:
        if not stars or stars[-1]["code"] != item["star_code"]:
            stars.append({"code": item["star_code"], "name": item["star_name"], "items": []})
        stars[-1]["items"].append(item)
    owner = suggested_owner(village)
    ledger_url = f"{reverse('planning:ledger')}?unit={village.code}&year={year}"
    return {
        "page_title": f"差距清单 · {village.display_name}", "unit": village, "year": year, "years": [year - 1, year, year + 1],
        "breadcrumbs": crumbs({"label": f"{village.display_name} {year} 年度创建台账", "url": ledger_url}, {"label": "差距清单"}),
        "tabs": tabs(user, "ledger", f"year={year}"), "p": progress, "current": current, "assessment": current.assessment,
        "missing_names": "、".join(names.get(c, c) for c in missing), "stars": stars, "count": len(items),
        "fresh": sum(1 for i in items if not i["task_id"]), "in_ledger": sum(1 for i in items if i["task_id"]), "owner": owner, "ledger_url": ledger_url,
        "deadline": default_deadline(current.assessment), "can_manage": can_manage(user, village), "error": "", **extra,
    }


@login_required
def gaps(request, code):
    village = visible_unit(request.user, code, levels=(Level.VILLAGE,))
    if request.method != "POST":
        return render(request, T, _context(request, village, year_of(request.GET)))
    year = year_of(request.POST)
    deadline = parse_date(request.POST.get("deadline")) if request.POST.get("deadline") else None
    try:
        if request.POST.get("deadline") and deadline is None:
            raise PlanningError("请填写正确的完成时限。")
        created = tasks_from_gaps(request.user, village, year, deadline=deadline)
    except PlanningError as error:
        return render(request, T, _context(request, village, year, error=error.message), status=400)
    if created:
        messages.success(request, f"已由差距清单生成 {created} 条台账任务。")
    else:
        messages.info(request, "没有新增任务：差距清单中的事项都已在台账中。")
    return redirect(f"{reverse('planning:gaps', args=[village.code])}?year={year}")
