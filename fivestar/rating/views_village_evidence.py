"""Evidence on the self-assessment page: upload (several files, several rules), reuse an uploaded item, detach,
and serving files and thumbnails only after a scoped lookup (never a public media URL)."""

from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404
from django.shortcuts import render
from django.views.decorators.http import require_POST

from . import selectors_village as sel
from .forms_village import parse_upload
from .models import Evidence
from .services import WorkflowError, attach, detach, store_evidence

T = "rating/village/"
INLINE_TYPES = {"image/jpeg", "image/png", "image/webp", "image/gif", "application/pdf"}


def _evidence_parts(a, codes, **extra):
    """The evidence blocks of `codes`, the version and the reusable-evidence list, all out of band."""
    evidence = sel.evidence_map(a)
    framework = a.framework.compiled()
    views = [sel.rule_view(a, framework.rules_by_code[c], {}, {}, evidence, {}) for c in codes]
    library = sorted(evidence.values(), key=lambda e: e.uploaded_at, reverse=True)
    return {"a": a, "rules": views, "library": library, "evidence": evidence, "can_edit": True, "oob": True, **extra}


@login_required
@require_POST
def upload(request, pk):
    a = sel.get_assessment(request.user, pk)
    framework = a.framework.compiled()
    can_edit, why = sel.editability(request.user, a)
    form = parse_upload(framework, request.POST, request.FILES)
    if not can_edit:
        form.errors = [why]
    results = []
    if not form.errors:
        for upload_file in form.files:
            try:
                kind = form.kind
                if kind == Evidence.Kind.PHOTO and not (upload_file.content_type or "").startswith("image/"):
                    kind = Evidence.Kind.DOCUMENT  # a PDF picked while "照片" was selected is filed as a document
                item = store_evidence(a.org_unit, request.user, upload_file, kind, form.description)
                a = attach(a, request.user, item, form.rules)
            except WorkflowError as exc:
                results.append({"name": upload_file.name, "ok": False, "message": exc.message})
            else:
                results.append({"name": upload_file.name, "ok": True, "item": item})
    context = _evidence_parts(a, form.rules if results else [], form=form, results=results,
                              ok_count=sum(r["ok"] for r in results))
    return render(request, T + "_upload_result.html", context)


@login_required
@require_POST
def attach_existing(request, pk):
    """Reuse evidence already uploaded for this branch on more rules (enter once)."""
    a = sel.get_assessment(request.user, pk)
    framework = a.framework.compiled()
    codes = [c for c in dict.fromkeys(request.POST.getlist("rules")) if c in framework.rules_by_code]
    ids = [int(i) for i in request.POST.getlist("evidence") if i.isdigit()]
    items = list(Evidence.objects.filter(pk__in=ids, org_unit_id=a.org_unit_id))
    errors = []
    if not items:
        errors.append("请勾选要使用的已上传佐证。")
    if not codes:
        errors.append("请勾选该佐证对应的细则（至少一条）。")
    if not errors:
        try:
            for item in items:
                a = attach(a, request.user, item, codes)
        except WorkflowError as exc:
            errors.append(exc.message)
    context = _evidence_parts(a, codes if not errors else [], reuse_errors=errors, reused=[] if errors else items)
    return render(request, T + "_upload_result.html", context)


@login_required
@require_POST
def detach_evidence(request, pk, code, evidence_id):
    a = sel.get_assessment(request.user, pk)
    framework = a.framework.compiled()
    if code not in framework.rules_by_code:
        raise Http404("没有该细则")
    error = ""
    try:
        a = detach(a, request.user, evidence_id, code)
    except WorkflowError as exc:
        error = exc.message
    context = _evidence_parts(a, [], detach_error=error)
    context.update(r=sel.rule_view(a, framework.rules_by_code[code], {}, {}, context["evidence"], {}), oob=False)
    return render(request, T + "_detached.html", context)


def _visible_evidence(user, pk) -> Evidence:
    item = Evidence.objects.visible_to(user).filter(pk=pk).first()
    if item is None:
        raise Http404("佐证不存在或不在您的管辖范围内")
    return item


def _stream(field, content_type, filename=None, inline=True):
    try:
        handle = field.open("rb")
    except (FileNotFoundError, ValueError) as exc:
        raise Http404("文件不存在") from exc
    response = FileResponse(handle, content_type=content_type, as_attachment=not inline, filename=filename)
    response["Cache-Control"] = "private, max-age=3600"
    response["X-Content-Type-Options"] = "nosniff"  # the browser must not guess HTML out of a file
    if not inline:  # a downloaded file, should it ever be opened in the browser, runs nothing
        response["Content-Security-Policy"] = "sandbox; default-src 'none'"
    return response


@login_required
def evidence_file(request, pk):
    item = _visible_evidence(request.user, pk)
    return _stream(item.file, item.content_type, item.original_name, inline=item.content_type in INLINE_TYPES)


@login_required
def evidence_thumb(request, pk):
    item = _visible_evidence(request.user, pk)
    if not item.thumbnail:
        raise Http404("该佐证没有缩略图")
    return _stream(item.thumbnail, "image/jpeg")
