"""Reading frameworks (any signed-in user; drafts only within their scope): the version list, the browser,
downloads and the version diff."""

from urllib.parse import quote

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render
from django.urls import reverse

from . import excel_io, selectors, yaml_io
from .diff import diff
from .example import EXAMPLE
from .forms import DiffForm

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _crumbs(*extra):
    return [{"label": "创建标准", "url": reverse("standards:list")}, *extra]


def _download(content, filename: str, content_type: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(filename)}"
    return response


@login_required
def version_list(request):
    versions = list(selectors.visible_versions(request.user))
    context = {
        "page_title": "创建标准",
        "breadcrumbs": [{"label": "创建标准"}],
        "versions": versions,
        "can_import": selectors.can_import(request.user),
    }
    return render(request, "standards/list.html", context)


@login_required
def version_detail(request, pk):
    version = selectors.get_version(request.user, pk)
    can_manage = selectors.can_manage(request.user, version)
    context = {
        "page_title": version.name,
        "breadcrumbs": _crumbs({"label": f"{version.name}（{version.version}）"}),
        "version": version,
        "stars": selectors.browser_tree(version),
        "can_manage": can_manage,
        "is_draft": version.status == version.Status.DRAFT,
        "derived": [v for v in version.derived.select_related("org_unit").order_by("-created_at")[:30] if selectors.may_read(request.user, v)][:10],
    }
    return render(request, "standards/detail.html", context)


@login_required
def download_yaml(request, pk):
    version = selectors.get_version(request.user, pk)
    return _download(yaml_io.dump(version.data, header=True), f"{version.code}.yaml", "application/x-yaml; charset=utf-8")


@login_required
def download_xlsx(request, pk):
    version = selectors.get_version(request.user, pk)
    return _download(excel_io.export(version.data), f"{version.code}.xlsx", XLSX)


@login_required
def template_xlsx(request):
    return _download(excel_io.export(EXAMPLE), "创建标准导入模板.xlsx", XLSX)


@login_required
def template_yaml(request):
    return _download(yaml_io.dump(EXAMPLE, header=True), "创建标准示例.yaml", "application/x-yaml; charset=utf-8")


@login_required
def version_diff(request):
    form = DiffForm(request.GET or None)
    for name in ("a", "b"):  # drafts outside the user's scope are neither listed nor accepted
        form.fields[name].queryset = selectors.visible_versions(request.user)
    context = {"page_title": "版本对比", "breadcrumbs": _crumbs({"label": "版本对比"}), "form": form}
    if form.is_bound and form.is_valid():
        a, b = form.cleaned_data["a"], form.cleaned_data["b"]
        result = diff(a.data, b.data)
        context.update(a=a, b=b, result=result, counts=result.counts(), sections=[
            ("stars", "星", result.stars), ("standards", "创建标准", result.standards), ("rules", "实施细则", result.rules),
        ])
    return render(request, "standards/diff.html", context)
