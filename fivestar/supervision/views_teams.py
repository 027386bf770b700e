"""Supervision teams (督导组: leader, members from the unit's people, villages under the unit) and a town's
supervision settings (乡镇督导设置), for town and county administrators; others read the teams."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Count
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse

from fivestar.core.models import AuditEvent
from fivestar.core.pagination import paginate
from fivestar.core.roles import Action
from fivestar.core.scoping import covers
from fivestar.orgs.models import Level, OrgUnit
from fivestar.people.models import Person

from .forms import SettingsForm, TeamForm
from .models import ProblemStats, SupervisionSettings, SupervisionTeam
from .services import SupervisionError, save_settings, save_team, settings_for
from .views_common import crumbs, may, tabs

MAX_UNITS = 300
TEAM_NOT_FOUND = "督导组不存在或不在您的管辖范围内"


def _managed_units(user, levels=(Level.COUNTY, Level.TOWN)):
    return OrgUnit.objects.visible_to(user, Action.MANAGE_SUPERVISION).filter(level__in=levels).order_by("path")


@login_required
def team_list(request):
    user = request.user
    teams = (SupervisionTeam.objects.visible_to(user).select_related("org_unit", "leader")
             .annotate(member_count=Count("members", distinct=True), village_count=Count("villages", distinct=True))
             .order_by("-active", "org_unit__path", "name"))
    page = paginate(request, teams, 30)
    stats = {s.team_id: s for s in ProblemStats.objects.filter(team__in=[t.pk for t in page])}
    for t in page:
        t.stats = stats.get(t.pk)
        t.can_edit = covers(user, t.org_unit, Action.MANAGE_SUPERVISION)
    context = {"page_title": "督导组与计划", "breadcrumbs": crumbs({"label": "督导组与计划"}), "tabs": tabs(user, "teams"),
               "page": page, "can_create": may(user, Action.MANAGE_SUPERVISION)}
    return render(request, "supervision/teams.html", context)


def _form_parts(unit):
    people = (Person.objects.filter(org_unit__path__startswith=unit.path, org_unit__level__lte=Level.TOWN, active=True)
              .select_related("org_unit").order_by("org_unit__path", "name"))
    villages = (OrgUnit.objects.filter(path__startswith=unit.path, level=Level.VILLAGE, active=True)
                .select_related("parent").order_by("path"))
    return people, villages


def _render_form(request, unit, form, team=None, status=200):
    title = f"修改督导组 · {team.name}" if team else f"新建督导组 · {unit.display_name}"
    context = {"page_title": title, "breadcrumbs": crumbs({"label": "督导组与计划", "url": reverse("supervision:teams")}, {"label": title}),
               "tabs": tabs(request.user, "teams"), "form": form, "unit": unit, "team": team, "county": unit.level == Level.COUNTY}
    return render(request, "supervision/team_form.html", context, status=status)


def _save(request, unit, form, team=None):
    if not form.is_valid():
        return _render_form(request, unit, form, team, status=400)
    data = form.cleaned_data
    try:
        with transaction.atomic():
            saved = save_team(request.user, unit=unit, name=data["name"], leader=data["leader"], members=list(data["members"]),
                              villages=list(data["villages"]), note=data["note"], team=team)
    except SupervisionError as exc:
        form.add_error(None, exc.message)
        return _render_form(request, unit, form, team, status=400)
    messages.success(request, f"督导组「{saved.name}」已保存。")
    return redirect(reverse("supervision:teams"))


@login_required
def team_create(request):
    user = request.user
    units = _managed_units(user)
    code = (request.POST.get("unit") or request.GET.get("unit") or "").strip()
    unit = units.filter(code=code).first() if code else None
    if code and unit is None:
        raise Http404("单位不存在或不在您的管辖范围内")
    if unit is None:
        choices = list(units[:MAX_UNITS + 1])
        if not choices:
            raise PermissionDenied("您没有管理督导组的权限。")
        if len(choices) > 1:
            return render(request, "supervision/team_unit.html", {
                "page_title": "新建督导组", "tabs": tabs(user, "teams"), "units": choices[:MAX_UNITS], "more": len(choices) > MAX_UNITS,
                "breadcrumbs": crumbs({"label": "督导组与计划", "url": reverse("supervision:teams")}, {"label": "新建督导组"})})
        unit = choices[0]
    people, villages = _form_parts(unit)
    if request.method == "POST":
        return _save(request, unit, TeamForm(request.POST, people=people, villages=villages, wide=unit.level < Level.TOWN))
    return _render_form(request, unit, TeamForm(people=people, villages=villages, wide=unit.level < Level.TOWN))


@login_required
def team_edit(request, pk):
    user = request.user
    team = SupervisionTeam.objects.visible_to(user).select_related("org_unit").filter(pk=pk).first()
    if team is None:
        raise Http404(TEAM_NOT_FOUND)
    if not covers(user, team.org_unit, Action.MANAGE_SUPERVISION):
        raise PermissionDenied("只有镇级、县级管理员可以修改督导组。")
    people, villages = _form_parts(team.org_unit)
    if request.method == "POST":
        wide = team.org_unit.level < Level.TOWN
        return _save(request, team.org_unit, TeamForm(request.POST, people=people, villages=villages, wide=wide), team)
    return _render_form(request, team.org_unit, TeamForm(people=people, villages=villages, team=team, wide=team.org_unit.level < Level.TOWN), team)


@login_required
def settings_pick(request):
    towns = list(_managed_units(request.user, (Level.TOWN,))[:MAX_UNITS + 1])
    if not towns:
        raise PermissionDenied("您没有维护督导设置的权限。")
    if len(towns) == 1:
        return redirect("supervision:settings", code=towns[0].code)
    kept = {s.town_id: s for s in SupervisionSettings.objects.filter(town__in=towns[:MAX_UNITS])}
    rows = [{"town": t, "settings": kept.get(t.pk)} for t in towns[:MAX_UNITS]]
    return render(request, "supervision/settings_pick.html", {
        "page_title": "督导设置", "tabs": tabs(request.user, "settings"), "rows": rows, "more": len(towns) > MAX_UNITS,
        "breadcrumbs": crumbs({"label": "督导设置"})})


def _audit(user, town, before: dict, after: dict, created: bool):
    labels = {f.name: str(f.label) for f in SettingsForm().visible_fields()}
    changes = [{"field": k, "label": labels.get(k, k), "old": "" if created else str(before.get(k, "")), "new": str(v)}
               for k, v in after.items() if created or before.get(k) != v]
    if changes:
        AuditEvent.objects.create(user=user, action=AuditEvent.Action.CREATE if created else AuditEvent.Action.UPDATE,
                                  model="supervision.supervisionsettings", model_label="督导设置", object_id=str(town.pk),
                                  object_repr=f"{town.display_name}督导设置", org_unit=town, changes=changes)


@login_required
def settings_edit(request, code):
    user = request.user
    town = _managed_units(user, (Level.TOWN,)).filter(code=code).first()
    if town is None:
        raise Http404("乡镇不存在或不在您的管辖范围内")
    current = settings_for(town)
    form = SettingsForm(request.POST if request.method == "POST" else None, current=current)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            before = SettingsForm(current=current).initial
            try:
                with transaction.atomic():
                    save_settings(user, town, visit_within_weeks=data["visit_within_weeks"], reminder_days_before=data["reminder_days_before"],
                                  deadline_days={"minor": data["deadline_minor"], "general": data["deadline_general"], "serious": data["deadline_serious"]},
                                  escalation_days=[data["escalate_liaison"], data["escalate_area"], data["escalate_town"]])
                    _audit(user, town, before, {k: data[k] for k in form.fields}, current.pk is None)
            except SupervisionError as exc:
                form.add_error(None, exc.message)
            else:
                messages.success(request, f"{town.display_name}的督导设置已保存。")
                return redirect("supervision:settings", code=town.code)
        status = 400
    context = {"page_title": f"督导设置 · {town.display_name}", "tabs": tabs(user, "settings"), "form": form, "town": town,
               "saved": current.pk is not None, "current": current,
               "breadcrumbs": crumbs({"label": "督导设置", "url": reverse("supervision:settings_pick")}, {"label": town.display_name})}
    return render(request, "supervision/settings.html", context, status=status)
