"""Managing frameworks (MANAGE_STANDARDS over the version's org unit; others get 404): import, publish, copy, archive."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from . import selectors, services
from .forms import CopyForm, UploadForm
from .problems import ImportFailed
from .views import _crumbs

MAX_SHOWN = 200


@login_required
def import_version(request):
    user = request.user
    if not selectors.can_import(user):
        raise Http404("页面不存在")
    into = None
    if request.GET.get("into") or request.POST.get("into"):
        into = selectors.manageable_version_or_404(user, request.GET.get("into") or request.POST.get("into"))
        if into.status != into.Status.DRAFT:
            raise Http404("只有草稿可以上传修改")
    scopes = selectors.scope_choices(user)
    form = UploadForm(request.POST or None, request.FILES or None, scopes=scopes, allow_global=selectors.may_leave_unscoped(user))
    context = {"page_title": "导入创建标准", "breadcrumbs": _crumbs({"label": "导入"}), "form": form, "into": into,
               "max_mb": services.MAX_UPLOAD_BYTES // (1024 * 1024)}
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            if into is not None:
                version = services.update_draft(into, upload, user)
                messages.success(request, f"已用「{upload.name}」更新草稿「{version.name}」。")
            else:
                version = services.import_framework(upload, user, form.cleaned_data["org_unit"])
                messages.success(request, f"已导入草稿「{version.name}」：{version.star_count} 颗星、"
                                          f"{version.standard_count} 条标准、{version.rule_count} 条细则。请核对后发布。")
        except ImportFailed as exc:
            context.update(problems=exc.problems[:MAX_SHOWN], problem_count=len(exc.problems), file_name=upload.name)
        except PermissionDenied as exc:
            raise Http404("页面不存在") from exc
        else:
            return redirect("standards:detail", pk=version.pk)
    return render(request, "standards/import.html", context)


def _act(request, pk, action, done: str):
    version = selectors.manageable_version_or_404(request.user, pk)
    try:
        action(version, request.user)
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
    except PermissionDenied as exc:
        raise Http404("页面不存在") from exc
    else:
        messages.success(request, done.format(name=version.name))
    return redirect("standards:detail", pk=version.pk)


@login_required
@require_POST
def publish_version(request, pk):
    return _act(request, pk, services.publish, "已发布「{name}」，发布后内容不可再修改。")


@login_required
@require_POST
def archive_version(request, pk):
    return _act(request, pk, services.archive, "已停用「{name}」。")


@login_required
def copy_version(request, pk):
    version = selectors.manageable_version_or_404(request.user, pk)
    form = CopyForm(request.POST or None, initial={"name": version.name})
    if request.method == "POST" and form.is_valid():
        try:
            new = services.new_version_from(version, request.user, form.cleaned_data["code"],
                                            form.cleaned_data["version"], form.cleaned_data["name"])
        except ValidationError as exc:
            for field, errors in exc.message_dict.items():
                for error in errors:
                    form.add_error(field if field in form.fields else None, error)
        else:
            messages.success(request, f"已复制为新版本草稿「{new.code}」，可下载 Excel 修改后上传。")
            return redirect("standards:detail", pk=new.pk)
    context = {"page_title": "复制为新版本", "version": version, "form": form,
               "breadcrumbs": _crumbs({"label": version.name, "url": reverse("standards:detail", args=[version.pk])},
                                      {"label": "复制为新版本"})}
    return render(request, "standards/copy.html", context)
