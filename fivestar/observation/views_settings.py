"""A town's observation and flag settings (/observation/settings/<town code>/): how many observers before the highest
and lowest totals are dropped, the flag period (monthly by default), how many red and black flags, and the weights of
the three inputs. Those who see the town read them; its administrators (and the county's) change them; every change is
in the history below the form. Another town is 404."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import CharField, Value
from django.shortcuts import get_object_or_404, redirect, render

from fivestar.core.models import AuditEvent
from fivestar.core.selectors_history import entries
from fivestar.orgs.models import Level, OrgUnit

from .models import FlagPeriod
from .services.access import can_manage
from .services.errors import ObservationError
from .services.town_settings import INPUT_LABELS, save_settings, settings_for, weights_of


def settings_history(row, limit: int = 20) -> list[dict]:
    if row.pk is None:
        return []
    rows = (AuditEvent.objects.filter(model="observation.observationsettings", object_id=str(row.pk))
            .annotate(src=Value("a", output_field=CharField())).values("src", "id", "at").order_by("-at", "-id")[:limit])
    return entries(rows)


@login_required
def town_settings(request, code):
    town = get_object_or_404(OrgUnit.objects.visible_to(request.user), code=code, level=Level.TOWN)
    manage = can_manage(request.user, town)
    row = settings_for(town)
    form = None
    if request.method == "POST":
        if not manage:
            messages.error(request, f"您无权修改「{town.display_name}」的观摩与红黑旗设置。")
            return redirect("observation:settings", code=town.code)
        p = request.POST
        try:
            save_settings(request.user, town, drop_extremes_min=p.get("drop_extremes_min", ""), flag_period=p.get("flag_period", ""),
                          red_count=p.get("red_count", ""), black_count=p.get("black_count", ""),
                          weights={k: p.get(f"weight_{k}", "") for k in INPUT_LABELS})
            messages.success(request, "设置已保存，下次评选起生效。")
            return redirect("observation:settings", code=town.code)
        except ObservationError as e:
            messages.error(request, e.message)
            form = p
    weights = weights_of(row)
    inputs = [{"key": k, "label": label, "value": form.get(f"weight_{k}", "") if form else weights[k]} for k, label in INPUT_LABELS.items()]
    values = {name: form.get(name, "") if form else getattr(row, name) for name in ("drop_extremes_min", "flag_period", "red_count", "black_count")}
    return render(request, "observation/settings.html", {"town": town, "manage": manage, "row": row, "values": values,
                                                         "inputs": inputs, "periods": FlagPeriod.choices,
                                                         "history": settings_history(row)})
