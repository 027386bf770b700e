"""Review pages: a town's list of villages with bulk actions, and the reviewer's page of one assessment."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from fivestar.core.pagination import paginate
from fivestar.core.roles import Action
from fivestar.core.scoping import covers
from fivestar.standards.engine.text import fmt

from . import selectors_assessment as review
from . import selectors_provenance as provenance
from . import selectors_review as selectors
from . import selectors_seen as seen
from .models import Assessment, Status
from .models.round import LEVEL_LABELS
from .services import WorkflowError, approve, return_for_changes
from .services.access import can_act
from .services.seen import mark_seen
from .services.snapshot import differences

TOWN_PAGE_SIZE = 50
STATUS_BADGES = {
    Status.NOT_STARTED: "secondary", Status.IN_PROGRESS: "info", Status.SUBMITTED: "primary", Status.RETURNED: "warning",
    Status.TOWN_APPROVED: "success", Status.COUNTY_APPROVED: "success", Status.CITY_APPROVED: "success",
    Status.PROVINCE_APPROVED: "success", Status.RECOGNISED: "dark", Status.EXPIRED: "danger",
}


def _round_crumbs(rnd, *items):
    return [{"label": "评星定级", "url": reverse("rating:rounds")}, {"label": rnd.name, "url": reverse("rating:round", args=[rnd.pk])}, *items]


@login_required
def town_review(request, pk, code):
    user = request.user
    rnd = selectors.get_round(user, pk)
    town = selectors.get_town(user, rnd, code)
    levels = selectors.review_levels(user, rnd, town)
    if request.method == "POST":
        if not levels:
            raise PermissionDenied("您无权审核该乡镇的申报。")
        _bulk(request, rnd, town, levels)
        return redirect(request.get_full_path())
    status = request.GET.get("status", "")
    if status not in Status.values:
        status = ""
    rows, counts = selectors.town_assessments(user, rnd, town, status)
    q = (request.GET.get("q") or "").strip()[:40]
    if q:
        rows = selectors.matching_branches(rows, q)
    page = paginate(request, seen.with_seen(rows, user), per_page=TOWN_PAGE_SIZE)  # 有新动态 in the list's one query
    names = selectors.star_names(rnd)
    items = []
    for a in page:
        level = selectors.level_for(a.status, levels) if rnd.phase == rnd.Phase.OPEN else None
        items.append({
            "a": a, "badge": STATUS_BADGES[a.status], "level": level, "level_label": LEVEL_LABELS.get(level, ""),
            "percent": int(a.progress_done * 100 / a.progress_total) if a.progress_total else 0,
            "applied": [name for code, name in names.get(a.framework_id, []) if code in a.applied_stars],
            "news": seen.changed_since_seen(a),
        })
    tabs = [{"value": "", "label": "全部", "count": sum(counts.values())}] + [
        {"value": s.value, "label": s.label, "count": counts.get(s.value, 0)} for s in selectors.status_columns(rnd) if counts.get(s.value) or s in selectors.BASE_STATUS_COLUMNS
    ]
    context = {
        "page_title": f"{town.display_name} · {rnd.name}", "breadcrumbs": _round_crumbs(rnd, {"label": town.display_name}),
        "rnd": rnd, "town": town, "items": items, "tabs": tabs, "status": status, "levels": levels, "page": page, "q": q,
        "level_labels": [LEVEL_LABELS[lvl] for lvl in levels], "actionable": any(i["level"] for i in items),
    }
    return render(request, "rating/review/town.html", context)


def _bulk(request, rnd, town, levels):
    """批量通过 / 批量退回: each selected row at the level it waits for; failures reported per row."""
    user = request.user
    action = request.POST.get("action")
    comment = (request.POST.get("comment") or "").strip()
    ids = [int(i) for i in request.POST.getlist("ids") if i.isdigit()]
    if action not in ("approve", "return"):
        messages.error(request, "请选择批量操作。")
        return
    if not ids:
        messages.error(request, "请先勾选要处理的村（社区）。")
        return
    if action == "return" and not comment:
        messages.error(request, "批量退回须填写退回意见。")
        return
    chosen = (
        Assessment.objects.visible_to(user).filter(round=rnd, town=town, pk__in=ids)
        .select_related("org_unit", "round").order_by("org_unit__code")
    )
    done, failed = [], 0
    for a in chosen:
        name = a.org_unit.display_name
        level = selectors.level_for(a.status, levels)
        if level is None:
            messages.error(request, f"{name}：当前状态为「{a.get_status_display()}」，不在您的审核环节。")
            failed += 1
            continue
        try:
            if action == "approve":
                approve(a, user, level)
            else:
                return_for_changes(a, user, level, comment)
        except WorkflowError as exc:
            messages.error(request, f"{name}：{exc.message}")
            failed += 1
        else:
            done.append(name)
    missing = len(set(ids)) - len(done) - failed
    if missing > 0:
        messages.error(request, f"有 {missing} 个申报不存在或不在您的管辖范围内，未处理。")
    if done:
        verb = "审核通过" if action == "approve" else "退回修改"
        messages.success(request, f"已{verb} {len(done)} 个：{'、'.join(done)}。")


def _acting(user, a):
    """The levels the user may act at on `a`, and the one it waits for among them (None when not their turn)."""
    rnd = a.round
    user_levels = [lvl for lvl in rnd.levels if can_act(user, a, lvl)]
    return user_levels, (selectors.level_for(a.status, user_levels) if rnd.phase == rnd.Phase.OPEN else None)


def _stars_to_load(request, framework, form_state) -> set[str]:
    """Stars rendered in the page itself: those asked for (`?star=`, after a change) and the one being corrected."""
    wanted = {code for code in request.GET.getlist("star") if code in framework.stars_by_code}
    rule = framework.rules_by_code.get((form_state or {}).get("rule", ""))
    if rule is not None:
        wanted.add(rule.star_code)
    return wanted


def render_review(request, a, *, form_state=None, conflict=None, status=200):
    """The reviewer's page; also re-rendered by the change action to keep the reviewer's input.

    Light whatever the framework's size: a star's rules arrive when it is opened (`review_star`), except the stars
    asked for, the one holding the reviewer's input and, in 「只看有改动的细则」, the changed rules. Rules changed
    since the user's previous look are marked; the look is then recorded."""
    user = request.user
    rnd = a.round
    framework = a.framework.compiled()
    user_levels, acting = _acting(user, a)
    waiting = selectors.level_for(a.status, rnd.levels)
    all_events = request.GET.get("events") == "all"
    events = review.event_rows(a, framework, with_entry=all_events)
    baseline = seen.baseline_from(request.GET) or seen.baseline_for(user, a)
    changed = seen.changed_rules(user, a, baseline)
    only_changed = request.GET.get("changed") == "1" and baseline is not None
    returned = provenance.latest_return(a)
    load = set(framework.stars_by_code) if only_changed else _stars_to_load(request, framework, form_state)
    sections = review.star_sections(a, framework, load=load, changed=changed, only_changed=only_changed, returned=returned)
    if form_state:
        for row in (r for section in sections for r in section["rows"] if r["code"] == form_state.get("rule")):
            row["input"] = form_state.get("value", "")
    for section in sections:
        # Open: what is rendered here, and the stars with return comments (their rows load at once, so every
        # comment shows in its rule's row without a click).
        section["open"] = section["loaded"] or bool(section["comment_count"])
    last_event = review.last_event_id(a)
    context = {
        "page_title": f"审核 · {a.org_unit.display_name}",
        "breadcrumbs": _round_crumbs(rnd, {"label": a.org_unit.parent.display_name, "url": reverse("rating:town_review", args=[rnd.pk, a.org_unit.parent.code])} if a.org_unit.parent else {"label": "—"}, {"label": a.org_unit.display_name}),
        "a": a, "rnd": rnd, "badge": STATUS_BADGES[a.status], "levels": rnd.levels,
        "level_labels": [LEVEL_LABELS[lvl] for lvl in rnd.levels],
        "acting": acting, "acting_label": LEVEL_LABELS.get(acting, ""),
        "waiting_label": LEVEL_LABELS.get(waiting, ""), "can_review_somewhere": bool(user_levels),
        "reopen_level": review.reopen_level(a, user_levels), "can_veto": covers(user, a.org_unit, Action.RECORD_VETO),
        "sections": sections, "applied": review.applied_names(a, framework),
        "awarded": review.awarded_names(a, framework), "diffs": differences(a) if a.modified_since_approval else [],
        "snapshot": a.approved_snapshot, "snapshot_level": LEVEL_LABELS.get(a.approved_snapshot.get("level", ""), ""),
        "returned": returned, "general_comment": returned["comment"] if returned and returned["current"] else "",
        "events": events, "events_all": all_events,
        "entry_events": 0 if all_events else review.entry_event_count(a),
        "last_event": last_event, "form_state": form_state or {}, "conflict": conflict,
        "baseline": baseline, "changed": changed, "only_changed": only_changed,
    }
    response = render(request, "rating/review/assessment.html", context, status=status)
    mark_seen(user, a, last_event)
    return response


def _page_int(value, default: int) -> int:
    """A version or event id the page was read at (`v`, `e`), or `default` when absent or implausible."""
    try:
        number = int(value)
    except (TypeError, ValueError):
        return default
    return number if 0 <= number < 2**63 else default


@login_required
def review_rule_form(request, pk, code):
    """One rule's 改值 form (htmx, when its 审核 opens), checked later against the version its row was read at."""
    user = request.user
    a = review.get_assessment(user, pk)
    rule = a.framework.compiled().rules_by_code.get(code)
    if rule is None:
        raise Http404("该细则不存在")
    _user_levels, acting = _acting(user, a)
    if acting is None:
        return HttpResponse('<div class="small text-muted mt-1" data-testid="change-closed">当前不在您的审核环节，不能改值。请刷新页面查看最新状态。</div>')
    row = {"rule": rule, "code": code, "input": review.input_value(rule, a.effective_answers(a.round.levels).get(code)), "max": fmt(rule.max)}
    context = {
        "a": a, "row": row, "acting": acting, "form_state": {},
        "version": _page_int(request.GET.get("v"), a.version), "last_event": _page_int(request.GET.get("e"), review.last_event_id(a)),
    }
    return render(request, "rating/review/_change_form.html", context)


@login_required
def review_star(request, pk, code):
    """One star's rules for the reviewer's page (htmx, when the star is opened); `sv`/`se` carry the page's baseline."""
    user = request.user
    a = review.get_assessment(user, pk)
    framework = a.framework.compiled()
    if code not in framework.stars_by_code:
        raise Http404("该星不存在")
    _user_levels, acting = _acting(user, a)
    baseline = seen.baseline_from(request.GET)
    changed = seen.changed_rules(user, a, baseline)
    only_changed = request.GET.get("changed") == "1" and baseline is not None
    section = next(s for s in review.star_sections(a, framework, load={code}, changed=changed, only_changed=only_changed) if s["code"] == code)
    context = {
        "a": a, "s": section, "acting": acting, "level_labels": [LEVEL_LABELS[lvl] for lvl in a.round.levels],
        "last_event": review.last_event_id(a), "form_state": {}, "baseline": baseline,
    }
    return render(request, "rating/review/_star_table.html", context)


@login_required
def assessment_review(request, pk):
    return render_review(request, review.get_assessment(request.user, pk))
