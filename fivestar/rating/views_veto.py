"""Recording a veto event (一票否决) for a village: the star is withdrawn at once (摘星)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse

from fivestar.core.roles import Action
from fivestar.core.scoping import covers
from fivestar.orgs.models import Level, OrgUnit

from .forms_review import VetoForm, published_framework_for
from .models import StarHolding
from .services import WorkflowError, record_veto, store_evidence


def _held(village) -> set[str]:
    return set(StarHolding.objects.filter(org_unit=village, lost_at__isnull=True).values_list("star_name", flat=True))


@login_required
def veto_create(request, code):
    user = request.user
    village = OrgUnit.objects.visible_to(user).filter(code=code, level=Level.VILLAGE).select_related("parent").first()
    if village is None:
        raise Http404("村（社区）不存在或不在您的管辖范围内")
    if not covers(user, village, Action.RECORD_VETO):
        raise PermissionDenied("您无权记录该村（社区）的否决事项。")
    framework_row = published_framework_for(village)
    framework = framework_row.compiled() if framework_row else None
    form = VetoForm(framework, request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        before = _held(village)
        try:
            with transaction.atomic():
                evidence_ids = []
                upload = data.get("evidence")
                if upload:
                    kind = "photo" if (upload.content_type or "").startswith("image/") else "document"
                    evidence_ids.append(store_evidence(village, user, upload, kind, description="否决事项佐证").pk)
                record_veto(village, user, data["rule"], data["occurred_on"], data["description"], evidence_ids)
        except WorkflowError as exc:
            form.add_error(None, exc.message)
        else:
            withdrawn = sorted(before - _held(village))
            rule = framework.rules_by_code[data["rule"]]
            star = framework.stars_by_code[rule.star_code]
            recorded = f"已记录否决事项（{rule.code} {star.name}一票否决）：{data['description'].strip()[:60].rstrip('。')}。"
            if withdrawn:
                messages.success(request, f"{recorded}{village.display_name}已摘除：{'、'.join(withdrawn)}。")
            else:
                messages.success(request, f"{recorded}{village.display_name}当前未持有{star.name}，无星可摘；进行中的申报已按否决项重新计算。")
            return redirect("orgs:unit", code=village.code)
    context = {
        "page_title": f"记录否决事项 · {village.display_name}",
        "breadcrumbs": [{"label": "评星定级", "url": reverse("rating:rounds")}, {"label": village.display_name, "url": reverse("orgs:unit", args=[village.code])}, {"label": "记录否决事项"}],
        "village": village, "form": form, "framework": framework_row, "held": sorted(_held(village)),
    }
    return render(request, "rating/review/veto_form.html", context)
