"""Template pieces other pages embed: the round's notice/recognition actions and a village's stars card."""

from django import template
from django.urls import reverse

from fivestar.core.roles import Action
from fivestar.core.scoping import covers
from fivestar.core.selectors_history import user_labels

from ..models import Objection, Round, StarHolding, VetoEvent
from ..selectors_objections import may_see_objections, objections_for
from ..selectors_public import rating_label as _rating_label

register = template.Library()


@register.filter
def rating_label(value):
    return _rating_label(value)


@register.inclusion_tag("rating/results/_notice_panel.html", takes_context=True)
def notice_actions(context, rnd):
    """发布公示 / public link and QR / 认定 / objections, for holders of MANAGE_ROUNDS over the round's scope."""
    request = context.get("request")
    user = getattr(request, "user", None)
    can_manage = bool(user and user.is_authenticated and covers(user, rnd.scope, Action.MANAGE_ROUNDS))
    in_notice = rnd.phase == Round.Phase.NOTICE
    data = {"round": rnd, "can_manage": can_manage, "in_notice": in_notice, "request": request,
            "csrf_token": context.get("csrf_token"), "next": request.get_full_path() if request else ""}
    if in_notice or rnd.phase == Round.Phase.RECOGNISED:
        public_path = reverse("public:round", args=[rnd.public_token])
        data["public_url"] = request.build_absolute_uri(public_path) if request else public_path
    data["can_see_objections"] = bool(user) and may_see_objections(user)
    if data["can_see_objections"]:
        data["open_objections"] = objections_for(user, rnd).filter(status=Objection.Status.OPEN).count()
    return data


@register.inclusion_tag("rating/results/_village_card.html")
def village_stars(unit):
    """Stars held now and recent 摘星 (veto) events, for the village page: three queries."""
    active = list(StarHolding.objects.filter(org_unit=unit, lost_at__isnull=True).order_by("gained_at", "id"))
    groups: dict = {}  # one veto withdraws a star and those requiring it at the same moment
    for h in StarHolding.objects.filter(org_unit=unit, lost_at__isnull=False, lost_round__isnull=True).order_by("-lost_at", "id")[:10]:
        groups.setdefault(h.lost_at, []).append(h.star_name)
    withdrawn = [{"at": at, "stars": "、".join(names)} for at, names in list(groups.items())[:3]]
    vetoes = list(VetoEvent.objects.filter(org_unit=unit).select_related("recorded_by", "recorded_by__person")[:3])
    names = user_labels([v.recorded_by for v in vetoes])  # 姓名（职务）, never the login name
    for v in vetoes:
        v.recorded_by_name = names.get(v.recorded_by_id, "")
    return {"unit": unit, "active": active, "rating_label": _rating_label(len(active)), "withdrawn": withdrawn, "vetoes": vetoes}
