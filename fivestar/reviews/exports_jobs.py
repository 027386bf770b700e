"""A town's review packs as Word or PDF, made in the background (django-tasks) with a heartbeat so a killed worker's
job is resumed (core/jobs.py). Two steps: the packs read into `data.json` (fixed on the first run, so a resumed export
prints exactly what the first run read), then the file rendered from it atomically."""

from __future__ import annotations

import json
import logging
import os
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.http import Http404
from django.utils import timezone

from fivestar.core import jobs
from fivestar.core.models import AuditEvent
from fivestar.rating.certificate import CertificateUnavailable

from . import render
from .access import can_review
from .models import ReviewAdjustment, ReviewExport, ReviewPack
from .services import ReviewError, check_town, check_year

log = logging.getLogger(__name__)
S = ReviewExport.Status
ACTIVE = (S.QUEUED, S.RUNNING)


def job_dir(export) -> Path:
    return Path(settings.MEDIA_ROOT) / "review-exports" / str(export.pk)


def is_stalled(export) -> bool:
    return export.status in ACTIVE and jobs.is_stalled(export.heartbeat_at)


def start_export(user, town, year, kind) -> ReviewExport:
    check_town(town)
    year = check_year(year)
    if kind not in ReviewExport.Kind.values:
        raise ReviewError("导出格式不正确，可选：docx（Word）、pdf。")
    if not can_review(user, town):
        raise ReviewError(f"您无权导出「{town.display_name}」的述职考核材料。", 403)
    if not ReviewPack.objects.filter(town=town, year=year).exists():
        raise ReviewError(f"{town.display_name}{year}年度还没有述职考核材料，请先生成。")
    with transaction.atomic():
        running = ReviewExport.objects.filter(unit=town, year=year, kind=kind, created_by=user, status__in=ACTIVE).order_by("-pk").first()
        if running is not None:
            if is_stalled(running):
                resume_export(running, user)
            return ReviewExport.objects.get(pk=running.pk)
        export = ReviewExport.objects.create(unit=town, year=year, kind=kind, created_by=user, heartbeat_at=timezone.now(), total=2)
        AuditEvent.objects.create(user=user, action=AuditEvent.Action.CREATE, model="reviews.reviewexport", model_label="述职考核材料导出",
                                  object_id=str(export.pk), object_repr=f"{town.display_name}{year}年度述职考核材料（{kind}）",
                                  org_unit=town, summary="导出述职考核材料")
        _enqueue(export.pk)
    return export


def _enqueue(pk: int) -> None:
    from .tasks import run_review_export

    transaction.on_commit(lambda: run_review_export.enqueue(pk))


def resume_export(export, user=None) -> str:
    export = ReviewExport.objects.select_related("unit").get(pk=export.pk)
    if export.status not in ACTIVE:
        raise ReviewError("该导出已结束，无需继续。")
    if not is_stalled(export):
        raise ReviewError("后台任务仍在进行，请稍候。")
    if not ReviewExport.objects.filter(pk=export.pk, status=export.status, heartbeat_at=export.heartbeat_at).update(
            status=S.QUEUED, heartbeat_at=timezone.now(), message="已重新排队，继续导出"):
        raise ReviewError("该导出已在继续。")
    from .tasks import run_review_export

    jobs.fail_orphaned_results(run_review_export.module_path, export.pk)
    _enqueue(export.pk)
    return f"述职考核材料导出 {export.pk}（{export.unit.display_name}{export.year}年度）：已重新排队，继续导出（已完成 {export.done} / {export.total} 步）"


def stalled_exports(cutoff) -> list[ReviewExport]:
    return list(ReviewExport.objects.filter(status__in=ACTIVE).filter(Q(heartbeat_at__lt=cutoff) | Q(heartbeat_at__isnull=True))
                .select_related("unit"))


def _beat(export, **fields) -> None:
    ReviewExport.objects.filter(pk=export.pk).update(heartbeat_at=timezone.now(), **fields)
    for name, value in fields.items():
        setattr(export, name, value)


def _write_atomic(path: Path, data: bytes) -> None:
    tmp = path.with_name(f"{path.name}.{os.getpid()}.tmp")
    tmp.write_bytes(data)
    os.replace(tmp, path)


def town_document(town, year: int) -> dict:
    """The export's content (3 queries): packs in ranking order, each with its latest adjustment's reason."""
    packs = list(ReviewPack.objects.filter(town=town, year=year).select_related("person", "org_unit").order_by("kind", "rank", "pk"))
    reasons = {}
    for pack_id, reason in (ReviewAdjustment.objects.filter(pack__in=packs).exclude(reason="").order_by("pack_id", "-at", "-pk")
                            .values_list("pack_id", "reason")):
        reasons.setdefault(pack_id, reason)
    for p in packs:
        p.last_reason = reasons.get(p.pk, "") if p.adjusted else ""
    return render.document(town, year, packs)


def run(export_id: int) -> dict:
    if not ReviewExport.objects.filter(pk=export_id, status=S.QUEUED).update(status=S.RUNNING, heartbeat_at=timezone.now()):
        return {"skipped": True}
    export = ReviewExport.objects.select_related("unit", "created_by").get(pk=export_id)
    try:
        if export.created_by is None or not export.created_by.is_active or not can_review(export.created_by, export.unit):
            return _finish(export, S.FAILED, "提交人已无权导出该乡镇的述职考核材料，导出已取消。")
        folder = job_dir(export)
        folder.mkdir(parents=True, exist_ok=True)
        data_file = folder / "data.json"
        if not data_file.exists():
            _write_atomic(data_file, json.dumps(town_document(export.unit, export.year), ensure_ascii=False, default=str).encode("utf-8"))
        _beat(export, done=1)
        data = json.loads(data_file.read_text(encoding="utf-8"))
        final = folder / f"{export.unit.display_name}{export.year}年度述职考核材料.{export.kind}"
        _write_atomic(final, render.to_docx(data) if export.kind == ReviewExport.Kind.DOCX else render.to_pdf(data))
        export.file.name = str(final.relative_to(settings.MEDIA_ROOT))
        export.done = 2
        count = sum(len(k["packs"]) for k in data["kinds"])
        return _finish(export, S.DONE, f"导出完成：{count} 份述职考核材料。")
    except CertificateUnavailable as exc:
        # The PDF renderer's own bound (its time limit, its slots) is no internal error: say which, in its words.
        log.warning("review export %s: %s", export_id, exc)
        return _finish(export, S.FAILED, f"导出失败：{str(exc).replace('证书', 'PDF')}可重新导出。")
    except Exception as exc:
        if jobs.database_lost(exc):
            raise  # not the export's failure: it is resumed once its heartbeat is stale
        log.exception("review export %s failed", export_id)
        return _finish(export, S.FAILED, "导出失败：系统内部错误，请联系管理员查看日志；可重新导出。")


def _finish(export, status, message) -> dict:
    export.status, export.message = status, message[:300]
    export.finished_at = export.heartbeat_at = timezone.now()
    export.save(update_fields=["status", "message", "finished_at", "heartbeat_at", "file", "done", "total"])
    return {"status": status, "message": export.message}


def visible_export(user, pk) -> ReviewExport:
    try:
        pk = int(str(pk))
    except (TypeError, ValueError):
        raise Http404("未找到该导出。") from None
    export = ReviewExport.objects.visible_to(user).select_related("unit").filter(pk=pk, created_by=user).first()
    if export is None:
        raise Http404("未找到该导出。")
    return export


def as_dict(export) -> dict:
    from django.urls import reverse

    stalled = is_stalled(export)
    return {"id": export.pk, "town": export.unit.code, "town_name": export.unit.display_name, "year": export.year, "kind": export.kind,
            "status": export.status, "status_label": "已停滞" if stalled else export.get_status_display(), "stalled": stalled,
            "done": export.done, "total": export.total, "percent": export.percent, "message": export.message,
            "download_url": reverse("reviews:export_download", args=[export.pk]) if export.status == S.DONE and export.file else "",
            "created_at": export.created_at, "finished_at": export.finished_at}
