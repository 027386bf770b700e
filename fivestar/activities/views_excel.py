"""Honours import (template, upload, row-level errors, nothing saved unless every row is right)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import redirect, render

from fivestar.core.menu import can
from fivestar.core.roles import Action
from fivestar.core.scoping import scope_q
from fivestar.orgs.models import Level, OrgUnit
from fivestar.supervision.exports.views import XLSX, attachment

from .excel import import_honours as run_import
from .excel import template_bytes


def _require(user):
    if not can(user, Action.EDIT_RESULTS):
        raise PermissionDenied("您没有登记村级荣誉的权限。")


@login_required
def import_template(request):
    _require(request.user)
    villages = OrgUnit.objects.filter(scope_q(request.user, Action.EDIT_RESULTS), level=Level.VILLAGE).order_by("path")[:5000]
    response = HttpResponse(template_bytes(villages), content_type=XLSX)
    response["Content-Disposition"] = attachment("honours-template.xlsx", "村级荣誉导入模板.xlsx")
    return response


@login_required
def import_honours(request):
    _require(request.user)
    outcome = None
    if request.method == "POST":
        upload = request.FILES.get("file")
        if upload is None:
            messages.error(request, "请选择要上传的 Excel（.xlsx）文件。")
        else:
            outcome = run_import(request.user, upload)
            if outcome.ok:
                messages.success(request, f"导入成功：新增荣誉 {outcome.created} 项。")
                return redirect("activities:list", what="honours")
    return render(request, "activities/import.html", {"page_title": "导入村级荣誉", "outcome": outcome})
