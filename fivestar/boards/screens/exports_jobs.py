"""Exports of county, city and province boards, made in the background with progress and a heartbeat.

A board of a county or above (its comparison table, PDF or picture) is one step. The list of every village
under it is many: the towns (fixed once in `towns.json` when the job first runs) are taken in chunks, and
each chunk's rows are written to their own file (`parts/<n>.jsonl`, atomically) before the next chunk is
read, so memory holds one chunk whatever the province's size. A worker killed half way leaves the parts
already written; the resumed run (`resume_export`, queued by `fivestar worker`'s watchdog, the scheduler or
`fivestar resume-jobs` once the heartbeat is older than JOB_STALL_SECONDS) skips them, and the workbook is
then streamed from the parts into a write-only sheet: a resumed export ends with the same rows an
uninterrupted one makes.
"""

from __future__ import annotations

import json
import logging
import os
import shutil
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.http import Http404
from django.utils import timezone

from fivestar.core import jobs, xlsx
from fivestar.core.models import AuditEvent
from fivestar.core.scoping import covers
from fivestar.orgs.models import Level

from . import exports
from .models import BoardExport

log = logging.getLogger(__name__)
S = BoardExport.Status
K = BoardExport.Kind
ACTIVE = (S.QUEUED, S.RUNNING)


class ExportError(Exception):
    """The export cannot be started; the message is Chinese and says why."""


def job_dir(export) -> Path:
    return Path(settings.MEDIA_ROOT) / "board-exports" / str(export.pk)


def is_stalled(export) -> bool:
    return export.status in ACTIVE and jobs.is_stalled(export.heartbeat_at)


def check_year(year) -> int:
    try:
        year = int(year)
    except (TypeError, ValueError):
        raise ExportError("年度格式不正确，请填写四位数字年份，例如 2025。") from None
    if not 2000 <= year <= 2100:
        raise ExportError("年度应在 2000 至 2100 之间。")
    return year


def start_export(user, unit, year, kind) -> BoardExport:
    """Queue an export of `unit`'s board (a county or above, in the user's scope). The same export already
    queued or running for this user is returned instead of a second one; a stalled one is resumed."""
    year = check_year(year)
    if kind not in K.values:
        raise ExportError("导出内容不正确，可选：" + "、".join(label for _, label in K.choices) + "。")
    if unit is None or not covers(user, unit):
        raise Http404("未找到该单位，或不在您的管辖范围内。")
    if unit.level > Level.COUNTY:
        raise ExportError("乡镇的挂图作战表可直接下载，无需后台导出。")
    with transaction.atomic():
        running = (BoardExport.objects.filter(unit=unit, year=year, kind=kind, created_by=user, status__in=ACTIVE)
                   .order_by("-pk").first())
        if running is not None:
            if is_stalled(running):
                resume_export(running, user)
            return BoardExport.objects.get(pk=running.pk)
        export = BoardExport.objects.create(unit=unit, year=year, kind=kind, created_by=user, heartbeat_at=timezone.now())
        AuditEvent.objects.create(
            user=user, action=AuditEvent.Action.CREATE, model=export._meta.label_lower, model_label="挂图作战导出",
            object_id=str(export.pk), object_repr=f"{unit.display_name}{year}年度{export.get_kind_display()}"[:200],
            org_unit=unit, summary=f"导出{export.get_kind_display()}")
        _enqueue(export.pk)
    return export


def _enqueue(pk: int) -> None:
    from .tasks import run_board_export

    transaction.on_commit(lambda: run_board_export.enqueue(pk))


def resume_export(export, user=None) -> str:
    """继续: queue a stalled export again (`user=None`: the system — the worker's watchdog, resume-jobs)."""
    export = BoardExport.objects.select_related("unit").get(pk=export.pk)
    if user is not None and not covers(user, export.unit):
        raise Http404("未找到该导出。")
    if export.status not in ACTIVE:
        raise ExportError("该导出已结束，无需继续。")
    if not is_stalled(export):
        raise ExportError("后台任务仍在进行，请稍候；如长时间没有进展，页面会显示“已停滞”，届时可点击“继续”。")
    claimed = BoardExport.objects.filter(pk=export.pk, status=export.status, heartbeat_at=export.heartbeat_at).update(
        status=S.QUEUED, heartbeat_at=timezone.now(), message="已重新排队，继续导出")
    if not claimed:
        raise ExportError("该导出已在继续。")
    from .tasks import run_board_export

    jobs.fail_orphaned_results(run_board_export.module_path, export.pk)
    _enqueue(export.pk)
    return (f"挂图作战导出 {export.pk}（{export.unit.display_name}{export.year}年度{export.get_kind_display()}）："
            f"已重新排队，继续导出（已完成 {export.done:,} / {export.total:,} 步）")


def stalled_exports(cutoff) -> list[BoardExport]:
    return list(BoardExport.objects.filter(status__in=ACTIVE)
                .filter(Q(heartbeat_at__lt=cutoff) | Q(heartbeat_at__isnull=True)).select_related("unit"))


def _beat(export, **fields) -> None:
    BoardExport.objects.filter(pk=export.pk).update(heartbeat_at=timezone.now(), **fields)
    for name, value in fields.items():
        setattr(export, name, value)


def _write_atomic(path: Path, data: bytes) -> None:
    tmp = path.with_name(f"{path.name}.{os.getpid()}.tmp")
    tmp.write_bytes(data)
    os.replace(tmp, path)


def run(export_id: int) -> dict:
    """The background task body (called with the export's pk)."""
    if not BoardExport.objects.filter(pk=export_id, status=S.QUEUED).update(status=S.RUNNING, heartbeat_at=timezone.now()):
        return {"skipped": True}
    export = BoardExport.objects.select_related("unit", "created_by").get(pk=export_id)
    try:
        if export.created_by is None or not export.created_by.is_active or not covers(export.created_by, export.unit):
            return _finish(export, S.FAILED, "提交人已无权查看该单位，导出已取消。")
        if export.kind == K.VILLAGES_XLSX:
            return _villages(export)
        return _board(export)
    except Exception as exc:
        if jobs.database_lost(exc):
            raise  # not the export's failure: it is resumed once its heartbeat is stale
        log.exception("board export %s failed", export_id)
        return _finish(export, S.FAILED, "导出失败：系统内部错误，请联系管理员查看日志；可重新导出。")


def _final_path(export, ext: str, what: str) -> Path:
    folder = job_dir(export)
    folder.mkdir(parents=True, exist_ok=True)
    return folder / exports.filename(export.unit, export.year, what, ext)


def _board(export) -> dict:
    """The board of a county or above as Excel, PDF or PNG: one step."""
    from fivestar.boards.selectors import unit_board

    from .. import render

    _beat(export, total=1, done=0)
    data = unit_board(export.created_by, export.unit, export.year, per_page=exports.ALL_CHILDREN)
    if export.kind == K.BOARD_XLSX:
        final = _final_path(export, "xlsx", "挂图作战表")
        tmp = exports.unit_workbook(data)
        try:
            with open(final.with_name(final.name + ".tmp"), "wb") as out:
                shutil.copyfileobj(tmp, out)
        finally:
            tmp.close()
        os.replace(final.with_name(final.name + ".tmp"), final)
    else:
        doc = exports.unit_doc(data)
        if export.kind == K.BOARD_PDF:
            final = _final_path(export, "pdf", "挂图作战表")
            _write_atomic(final, render.board_pdf(doc))
        else:
            final = _final_path(export, "png", "挂图作战图")
            _write_atomic(final, render.board_png(doc))
    export.file.name = str(final.relative_to(settings.MEDIA_ROOT))
    export.done = 1
    return _finish(export, S.DONE, "导出完成。")


def _villages(export) -> dict:
    """Every village under the unit, chunk by chunk into part files, then streamed into one workbook."""
    folder = job_dir(export)
    parts = folder / "parts"
    parts.mkdir(parents=True, exist_ok=True)
    manifest = folder / "towns.json"
    if manifest.exists():
        plan = json.loads(manifest.read_text(encoding="utf-8"))
    else:
        towns = [pk for pk, _ in exports.towns_under(export.created_by, export.unit)]
        plan = {"towns": towns, "stars": exports.star_names_for(export.unit), "chunk": exports.VILLAGE_CHUNK}
        _write_atomic(manifest, json.dumps(plan, ensure_ascii=False).encode("utf-8"))
    towns, stars = plan["towns"], plan["stars"]
    # Part n holds the n-th chunk as the first run cut them: a resumed run (perhaps a newer version) cuts the same way.
    size = plan.get("chunk") or exports.VILLAGE_CHUNK
    chunks = [towns[i:i + size] for i in range(0, len(towns), size)]
    total = len(chunks) + 1  # the last step: the workbook
    done = sum(1 for i in range(len(chunks)) if (parts / f"{i:06d}.jsonl").exists())
    _beat(export, total=total, done=done)
    for i, chunk in enumerate(chunks):
        part = parts / f"{i:06d}.jsonl"
        if part.exists():
            continue
        lines = [json.dumps(row, ensure_ascii=False, default=str)
                 for row in exports.village_rows(export.created_by, chunk, export.year, stars)]
        _write_atomic(part, ("\n".join(lines) + ("\n" if lines else "")).encode("utf-8"))
        done += 1
        _beat(export, done=done)
    final = _final_path(export, "xlsx", "村（社区）星级明细")
    tmp = final.with_name(f"villages.{os.getpid()}.xlsx.tmp")
    wb = xlsx.write_only_workbook()
    ws = wb.create_sheet("村（社区）星级明细")
    xlsx.append_row(ws, exports.village_columns(stars))
    rows = 0
    for i in range(len(chunks)):
        with open(parts / f"{i:06d}.jsonl", encoding="utf-8") as fh:
            for line in fh:
                if line.strip():
                    xlsx.append_row(ws, json.loads(line))
                    rows += 1
        _beat(export)
    info = wb.create_sheet("说明")
    for row in (["单位", export.unit.display_name], ["年度", export.year], ["村（社区）数", rows],
                ["导出时间", f"{timezone.localtime():%Y-%m-%d %H:%M}"]):
        xlsx.append_row(info, row)
    wb.save(tmp)  # a write-only sheet: every row went through xlsx.append_row, formula-like text already made text
    os.replace(tmp, final)
    shutil.rmtree(parts, ignore_errors=True)
    for leftover in folder.glob("*.tmp"):  # half a workbook of a killed run
        leftover.unlink(missing_ok=True)
    export.file.name = str(final.relative_to(settings.MEDIA_ROOT))
    export.done = total
    return _finish(export, S.DONE, f"导出完成：{rows:,} 个村（社区）。")


def _finish(export, status: str, message: str) -> dict:
    export.status = status
    export.message = message[:300]
    export.finished_at = timezone.now()
    export.heartbeat_at = export.finished_at
    export.save(update_fields=["status", "message", "finished_at", "heartbeat_at", "file", "done", "total"])
    return {"status": status, "message": export.message, "done": export.done, "total": export.total}


def visible_export(user, pk) -> BoardExport:
    export = BoardExport.objects.visible_to(user).select_related("unit").filter(pk=pk, created_by=user).first()
    if export is None:
        raise Http404("未找到该导出。")
    return export


def as_dict(export) -> dict:
    """An export's state for the progress page and the API."""
    from django.urls import reverse

    stalled = is_stalled(export)
    return {
        "id": export.pk, "unit_id": export.unit_id, "unit": export.unit.display_name, "year": export.year,
        "kind": export.kind, "kind_label": export.get_kind_display(), "status": export.status,
        "status_label": "已停滞" if stalled else export.get_status_display(), "stalled": stalled,
        "done": export.done, "total": export.total, "percent": export.percent, "message": export.message,
        "download_url": reverse("boards:export_download", args=[export.pk]) if export.status == S.DONE and export.file else "",
        "created_at": export.created_at, "finished_at": export.finished_at,
    }
