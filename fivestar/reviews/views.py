"""Pages: a town's ranking (/reviews/<town>/?year=), a person's pack with the adjust form, the town's settings, the
export's progress and download. Out of scope is 404; in scope without the authority 403; bad input a Chinese message."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from fivestar.core.pagination import paginate
from fivestar.orgs.models import Level, OrgUnit

from . import exports_jobs, scoring
from .access import can_review
from .models import Grade, PackKind, ReviewAdjustment, ReviewExport
from .selectors import figures_table, points_table, town_packs, visible_pack, visible_town
from .services import ReviewError, adjust, check_year, compute_town, effective_settings, save_settings


def default_year() -> int:
    return timezone.localdate().year - 1


def _year(request) -> int:
    raw = request.GET.get("year") or request.POST.get("year")
    if not raw:
        return default_year()
    try:
        return check_year(raw)
    except ReviewError:
        return default_year()


@login_required
def index(request):
    towns = OrgUnit.objects.visible_to(request.user).filter(level=Level.TOWN, active=True).order_by("path")
    page = paginate(request, towns)
    if page.paginator.count == 1:  # a town's own people land on their ranking (200, so the menu entry opens as is)
        return town(request, page.object_list[0].code)
    return render(request, "reviews/index.html", {"page": page, "year": default_year()})


@login_required
def town(request, code):
    town = visible_town(request.user, code)
    year = _year(request)
    kind, grade, q = request.GET.get("kind", ""), request.GET.get("grade", ""), request.GET.get("q", "").strip()[:30]
    page = paginate(request, town_packs(request.user, town, year, kind, grade, q))
    return render(request, "reviews/town.html", {
        "town": town, "year": year, "page": page, "kind": kind, "grade": grade, "q": q, "kinds": PackKind.choices,
        "grades": Grade.choices, "manage": can_review(request.user, town), "years": range(timezone.localdate().year, 2019, -1)})


@login_required
@require_POST
def compute(request, code):
    town = visible_town(request.user, code)
    try:
        year = check_year(request.POST.get("year", ""))
        packs = compute_town(request.user, town, year)
        messages.success(request, f"已根据记录生成 {len(packs)} 份{year}年度述职考核材料。")
    except ReviewError as e:
        if e.status == 403:
            raise PermissionDenied(e.message) from None
        messages.error(request, e.message)
        year = default_year()
    return redirect(f"/reviews/{town.code}/?year={year}")


@login_required
def pack(request, pk):
    p = visible_pack(request.user, pk)
    history = list(ReviewAdjustment.objects.filter(pack=p).select_related("user")[:50])
    return render(request, "reviews/pack.html", {"p": p, "figures": figures_table(p), "points": points_table(p), "history": history,
                                                 "grades": Grade.choices, "manage": can_review(request.user, p.town)})


@login_required
@require_POST
def pack_adjust(request, pk):
    p = visible_pack(request.user, pk)
    if not can_review(request.user, p.town):
        raise PermissionDenied("您无权考核该述职材料。")
    try:
        adjust(request.user, p, request.POST.get("grade", ""), request.POST.get("reason", ""), request.POST.get("comment", ""),
               expected_version=request.POST.get("version") or None)
        messages.success(request, "考核意见已保存。")
    except ReviewError as e:
        if e.status == 403:
            raise PermissionDenied(e.message) from None
        messages.error(request, e.message)
    return redirect("reviews:pack", pk=p.pk)


@login_required
def town_settings(request, code):
    unit = OrgUnit.objects.visible_to(request.user).filter(code=str(code)[:15], level__in=[Level.TOWN, Level.COUNTY]).first()
    if unit is None:
        raise Http404("未找到该单位，或不在您的管辖范围内。")
    manage = can_review(request.user, unit)
    form = None
    if request.method == "POST":
        if not manage:
            raise PermissionDenied(f"您无权修改「{unit.display_name}」的述职考核设置。")
        form = request.POST
        try:
            # A field left empty takes the default value.
            save_settings(request.user, unit, {k: form[f"w_{k}"] for k in scoring.ITEMS if form.get(f"w_{k}", "").strip()},
                          {k: form[f"t_{k}"] for k in scoring.DEFAULT_THRESHOLDS if form.get(f"t_{k}", "").strip()})
            messages.success(request, "设置已保存，重新生成述职考核材料后生效。")
            return redirect("reviews:settings", code=unit.code)
        except (ReviewError, scoring.ScoringError) as e:
            messages.error(request, getattr(e, "message", str(e)))
    conf = effective_settings(unit) if unit.level == Level.TOWN else _county_conf(unit)
    items = [{"key": k, "label": label, "value": form.get(f"w_{k}", "") if form else conf["weights"][k]} for k, label in scoring.ITEMS.items()]
    thresholds = [{"key": k, "value": form.get(f"t_{k}", "") if form else conf["thresholds"][k]} for k in scoring.DEFAULT_THRESHOLDS]
    return render(request, "reviews/settings.html", {"unit": unit, "manage": manage, "items": items, "thresholds": thresholds,
                                                     "source": conf["source"]})


def _county_conf(unit):
    from .models import ReviewSettings

    row = ReviewSettings.objects.filter(unit=unit).first()
    return {"weights": dict(scoring.DEFAULT_WEIGHTS, **(row.weights if row else {})),
            "thresholds": dict(scoring.DEFAULT_THRESHOLDS, **(row.thresholds if row else {})), "source": "本单位设置" if row else "默认设置"}


@login_required
@require_POST
def export_start(request, code):
    town = visible_town(request.user, code)
    try:
        export = exports_jobs.start_export(request.user, town, request.POST.get("year", ""), request.POST.get("kind", ""))
    except ReviewError as e:
        if e.status == 403:
            raise PermissionDenied(e.message) from None
        messages.error(request, e.message)
        return redirect("reviews:town", code=town.code)
    return redirect("reviews:export", pk=export.pk)


@login_required
def export_status(request, pk):
    export = exports_jobs.visible_export(request.user, pk)
    return render(request, "reviews/export.html", {"e": exports_jobs.as_dict(export), "export": export})


@login_required
def export_download(request, pk):
    export = exports_jobs.visible_export(request.user, pk)
    if export.status != ReviewExport.Status.DONE or not export.file:
        raise Http404("文件尚未生成。")
    try:
        fh = export.file.open("rb")
    except FileNotFoundError:
        raise Http404("文件已不存在，请重新导出。") from None
    return FileResponse(fh, as_attachment=True, filename=export.file.name.rsplit("/", 1)[-1])
