"""Target responsibility letters (目标责任书) pages: a town's letters for a year (its template, the batch that renders
them all into one zip, each village's signing status with the 未签订 filter), a county's (or higher) towns with
their signed counts, and a village's own letter. Queries are fixed whatever the number of villages."""

from django.contrib.auth.decorators import login_required
from django.db.models import Count, F, FilteredRelation, Q
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse

from fivestar.core import jobs, menu
from fivestar.core.pagination import paginate
from fivestar.core.scoping import covers
from fivestar.orgs.models import Level, OrgUnit

from .models import LetterBatch, ResponsibilityLetter, VillageTarget
from .services.access import can_manage
from .services.letters_batch import is_stalled
from .services.letters_templates import PLACEHOLDER_NOTES, active_template
from .services.targets import RATING_NAMES
from .views_common import crumbs, tabs, top_units, visible_unit, year_of

T = "planning/letters/"
PAGE_SIZE = 50
SHOWS = {"all": "全部", "unsigned": "未签订", "signed": "已签订"}
SIGNED = ResponsibilityLetter.Status.SIGNED


@login_required
def index(request):
    """A village user's own letter; else the user's own town or county."""
    user = request.user
    year = year_of(request.GET)
    if menu.is_village_user(user):
        return redirect(f"{reverse('planning:letters_unit', args=[menu.village_units(user)[0].code])}?year={year}")
    units = [u for u in top_units(user) if u.level <= Level.VILLAGE]
    if not units:
        raise Http404("目标责任书按乡镇、县（区）查看，您的管辖范围内没有乡镇。")
    return redirect(f"{reverse('planning:letters_unit', args=[units[0].code])}?year={year}")


def _base(request, unit, year, title: str) -> dict:
    user = request.user
    parent = unit.parent if unit.parent_id and unit.level > Level.PROVINCE and covers(user, unit.parent) else None
    return {"unit": unit, "year": year, "years": [year - 1, year, year + 1], "parent": parent,
            "can_manage": can_manage(user, unit), "tabs": tabs(user, "letters", f"year={year}"),
            "breadcrumbs": crumbs({"label": f"{unit.display_name} {year} 年度目标责任书"}),
            "page_title": f"{title} · {unit.display_name}", "title": title}


@login_required
def unit(request, code):
    place = visible_unit(request.user, code)
    year = year_of(request.GET)
    if place.level == Level.VILLAGE:
        return render(request, T + "village.html", village_context(request, place, year))
    if place.level == Level.TOWN:
        return render(request, T + "town.html", town_context(request, place, year))
    if place.level > Level.TOWN:
        raise Http404("目标责任书按村（社区）、乡镇查看。")
    return render(request, T + "above.html", above_context(request, place, year))


def batch_context(request, batch) -> dict:
    stalled = batch is not None and is_stalled(batch)
    return {"batch": batch, "stalled": stalled, "stall_minutes": max(1, jobs.stall_seconds() // 60),
            "running": batch is not None and batch.status in (LetterBatch.Status.QUEUED, LetterBatch.Status.RUNNING) and not stalled,
            "can_resume": stalled and can_manage(request.user, batch.town)}


def _villages(user, town, year):
    return (OrgUnit.objects.visible_to(user).filter(path__startswith=town.path, level=Level.VILLAGE, active=True)
            .annotate(yl=FilteredRelation("responsibility_letters", condition=Q(responsibility_letters__year=year)),
                      yt=FilteredRelation("targets", condition=Q(targets__year=year)))
            .annotate(letter_id=F("yl__id"), letter_status=F("yl__status"), signed_on=F("yl__signed_on"),
                      signed_copy_id=F("yl__signed_copy_id"), generated_at=F("yl__generated_at"),
                      target_rating=F("yt__target_rating")))


def town_context(request, town, year, *, template_errors=None, template_found=None) -> dict:
    context = _base(request, town, year, "目标责任书")
    show = request.GET.get("show") if request.GET.get("show") in SHOWS else "all"
    villages = _villages(request.user, town, year)
    counts = villages.aggregate(total=Count("id"), signed=Count("id", filter=Q(letter_status=SIGNED)))
    rows = villages.select_related("area")
    if show == "signed":
        rows = rows.filter(letter_status=SIGNED)
    elif show == "unsigned":
        rows = rows.filter(Q(letter_status__isnull=True) | ~Q(letter_status=SIGNED))
    count = counts["signed"] if show == "signed" else counts["total"] - counts["signed"] if show == "unsigned" else counts["total"]
    page = paginate(request, rows.order_by("code"), PAGE_SIZE, count=count)
    for v in page.object_list:
        v.rating_name = RATING_NAMES.get(v.target_rating) if v.target_rating else ""
    batch = LetterBatch.objects.filter(town=town, year=year).select_related("town").order_by("-created_at", "-pk").first()
    context.update(batch_context(request, batch))
    context.update({
        "page": page, "show": show, "shows": SHOWS, "counts": counts, "unsigned": counts["total"] - counts["signed"],
        "template": active_template(town), "notes": PLACEHOLDER_NOTES,
        "template_errors": template_errors or [], "template_found": template_found or [],
    })
    return context


def above_context(request, unit, year) -> dict:
    """A county (or higher): its towns with villages and signed letters per town (three queries whatever the size)."""
    context = _base(request, unit, year, "目标责任书")
    towns = OrgUnit.objects.visible_to(request.user).filter(path__startswith=unit.path, level=Level.TOWN, active=True).order_by("code")
    page = paginate(request, towns, PAGE_SIZE)
    ids = [t.pk for t in page.object_list]
    villages = dict(OrgUnit.objects.filter(parent_id__in=ids, level=Level.VILLAGE, active=True)
                    .values("parent_id").annotate(n=Count("id")).values_list("parent_id", "n"))
    signed = dict(ResponsibilityLetter.objects.filter(year=year, status=SIGNED, org_unit__parent_id__in=ids, org_unit__active=True)
                  .values("org_unit__parent_id").annotate(n=Count("id")).values_list("org_unit__parent_id", "n"))
    for town in page.object_list:
        town.villages = villages.get(town.pk, 0)
        town.signed = signed.get(town.pk, 0)
        town.unsigned = town.villages - town.signed
    context.update({"page": page})
    return context


def village_context(request, village, year, *, sign_error="") -> dict:
    context = _base(request, village, year, "目标责任书")
    town = village.parent
    letter = (ResponsibilityLetter.objects.filter(year=year, org_unit=village).select_related("signed_copy", "updated_by")
              .first())
    target = VillageTarget.objects.filter(year=year, org_unit=village).first()
    context.update({
        "village": village, "town": town, "letter": letter, "target": target,
        "rating_name": RATING_NAMES.get(target.target_rating) if target is not None and target.target_rating else "",
        "town_template": active_template(town) if town is not None else None, "sign_error": sign_error,
    })
    return context
