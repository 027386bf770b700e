"""A town's letters for a year rendered in the background into one zip, with progress (done / total) and a heartbeat.

Each village's letter is first written to its own file (`parts/<code>.docx`, atomically), then the zip is built
from those files: memory holds one letter at a time whatever the town's size. A worker killed (kill -9) half way
leaves the parts already written; the resumed run (`resume_batch`, queued by `fivestar worker` or the 继续 button
once the page says 已停滞) keeps them and renders only the rest, and a half-written zip is simply built again, so
a resumed batch ends with exactly the zip an uninterrupted one makes.
"""

import datetime
import logging
import os
import shutil
import zipfile
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from fivestar.core import jobs
from fivestar.orgs.models import Level, OrgUnit

from ..models import LetterBatch, ResponsibilityLetter
from .access import can_manage
from .errors import PlanningError
from .targets import check_year

log = logging.getLogger(__name__)
S = LetterBatch.Status
ACTIVE = (S.QUEUED, S.RUNNING)
CHUNK = 50


def batch_dir(batch) -> Path:
    return Path(settings.MEDIA_ROOT) / "letter-batches" / str(batch.pk)


def zip_name(batch) -> str:
    return f"{batch.town.display_name}{batch.year}年度目标责任书.zip"


def entry_name(village, year) -> str:
    return f"{village.code}_{village.display_name}{year}年度目标责任书.docx"


def is_stalled(batch) -> bool:
    return batch.status in ACTIVE and jobs.is_stalled(batch.heartbeat_at)


def _villages(town):
    return OrgUnit.objects.filter(path__startswith=town.path, level=Level.VILLAGE, active=True)


def start_letter_batch(user, town, year) -> LetterBatch:
    """Queue the rendering of every village's letter of `town` for `year`. A second click while a batch of the same
    town and year runs returns that batch; a stalled one is resumed instead of starting another."""
    year = check_year(year)
    if town is None or town.level != Level.TOWN:
        raise PlanningError("目标责任书按乡镇批量生成。")
    if not can_manage(user, town):
        raise PlanningError(f"您无权生成「{town.display_name}」的目标责任书。")
    from .letters_templates import audit

    with transaction.atomic():
        OrgUnit.objects.select_for_update().filter(pk=town.pk).first()  # one start at a time per town
        running = LetterBatch.objects.filter(town=town, year=year, status__in=ACTIVE).order_by("-pk").first()
        if running is not None:
            if is_stalled(running):
                resume_batch(running, user)
            return LetterBatch.objects.get(pk=running.pk)
        batch = LetterBatch.objects.create(town=town, year=year, total=_villages(town).count(), created_by=user,
                                           heartbeat_at=timezone.now())
        audit(user, batch, town, "责任书批量生成", f"{town.display_name}{year}年度目标责任书", created=True,
              summary=f"批量生成 {batch.total} 个村（社区）的目标责任书")
        _enqueue(batch.pk)
    return batch


def _enqueue(pk: int) -> None:
    from ..tasks import render_letter_batch

    transaction.on_commit(lambda: render_letter_batch.enqueue(pk))


def resume_batch(batch, user=None) -> str:
    """继续: queue a stalled batch again (`user=None` is the system: the worker, `fivestar resume-jobs`)."""
    if user is not None and not can_manage(user, batch.town):
        raise PlanningError("您无权继续该批量生成。")
    batch = LetterBatch.objects.select_related("town").get(pk=batch.pk)
    if batch.status not in ACTIVE:
        raise PlanningError("该批量生成已结束，无需继续。")
    if not is_stalled(batch):
        raise PlanningError("后台任务仍在进行，请稍候；如长时间没有进展，页面会显示“已停滞”，届时可点击“继续”。")
    claimed = LetterBatch.objects.filter(pk=batch.pk, status=batch.status, heartbeat_at=batch.heartbeat_at).update(
        status=S.QUEUED, heartbeat_at=timezone.now(), message="已重新排队，继续生成")
    if not claimed:
        raise PlanningError("该批量生成已在继续。")
    from ..tasks import render_letter_batch

    jobs.fail_orphaned_results(render_letter_batch.module_path, batch.pk)
    _enqueue(batch.pk)
    return (f"责任书批量生成 {batch.pk}（{batch.town.display_name}{batch.year}年度）：已重新排队，"
            f"继续生成（已生成 {batch.done:,} / {batch.total:,}）")


def stalled_batches(cutoff) -> list[LetterBatch]:
    return list(LetterBatch.objects.filter(status__in=ACTIVE).filter(Q(heartbeat_at__lt=cutoff) | Q(heartbeat_at__isnull=True))
                .select_related("town"))


def _beat(batch, **fields) -> None:
    LetterBatch.objects.filter(pk=batch.pk).update(heartbeat_at=timezone.now(), **fields)


def run(batch_id: int) -> dict:
    """The background task body (called with the batch's pk)."""
    if not LetterBatch.objects.filter(pk=batch_id, status=S.QUEUED).update(status=S.RUNNING, heartbeat_at=timezone.now()):
        return {"skipped": True}
    batch = LetterBatch.objects.select_related("town", "created_by").get(pk=batch_id)
    try:
        return render_batch(batch)
    except Exception as exc:
        if jobs.database_lost(exc):
            raise  # not the batch's failure: it is resumed once its heartbeat is stale
        log.exception("letter batch %s failed", batch_id)
        return _finish(batch, S.FAILED, "生成失败：系统内部错误，请联系管理员查看日志；可再次点击“批量生成”。")


def _write_atomic(path: Path, data: bytes) -> None:
    tmp = path.with_name(f"{path.name}.{os.getpid()}.tmp")
    tmp.write_bytes(data)
    os.replace(tmp, path)


def _parts(batch, template_key: str) -> Path:
    """The directory of rendered letters; emptied when they were made from another template than this run's."""
    parts = batch_dir(batch) / "parts"
    marker = parts / "_template.txt"
    if parts.exists() and (not marker.exists() or marker.read_text() != template_key):
        shutil.rmtree(parts)
    parts.mkdir(parents=True, exist_ok=True)
    _write_atomic(marker, template_key.encode())
    return parts


def render_batch(batch) -> dict:
    """Render the letters not rendered yet, then build the zip from all of them."""
    from .letters import letter_contexts, render_with
    from .letters_templates import active_template, template_bytes

    town, year = batch.town, batch.year
    villages = list(_villages(town).select_related("parent").order_by("code"))
    template = active_template(town)
    data = template_bytes(template)
    parts = _parts(batch, f"template:{template.pk}" if template is not None else "example")
    ready = {p.name.removesuffix(".docx") for p in parts.glob("*.docx")}
    todo = [v for v in villages if v.code not in ready]
    done = len(villages) - len(todo)
    _beat(batch, total=len(villages), done=done)
    for start in range(0, len(todo), CHUNK):
        chunk = todo[start:start + CHUNK]
        contexts = letter_contexts(chunk, year)
        for village in chunk:
            _write_atomic(parts / f"{village.code}.docx", render_with(data, contexts[village.pk]))
            done += 1
            _beat(batch, done=done)
    _record_letters(villages, year)
    final = batch_dir(batch) / zip_name(batch)
    tmp = final.with_name(f"letters.{os.getpid()}.zip.tmp")
    with zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as archive:
        for number, village in enumerate(villages, start=1):
            archive.write(parts / f"{village.code}.docx", arcname=entry_name(village, year))
            if number % CHUNK == 0:
                _beat(batch)
    os.replace(tmp, final)
    shutil.rmtree(parts, ignore_errors=True)
    for leftover in batch_dir(batch).glob("*.tmp"):  # half a zip of a killed run
        leftover.unlink(missing_ok=True)
    batch.file.name = str(final.relative_to(settings.MEDIA_ROOT))
    batch.done = batch.total = len(villages)
    return _finish(batch, S.DONE, f"已生成 {len(villages)} 个村（社区）的目标责任书。")


def _record_letters(villages, year) -> None:
    """Every village has its letter row for the year (pending when new), marked generated now."""
    now = timezone.now()
    ids = [v.pk for v in villages]
    for start in range(0, len(ids), 900):
        chunk = ids[start:start + 900]
        ResponsibilityLetter.objects.bulk_create([ResponsibilityLetter(year=year, org_unit_id=i) for i in chunk],
                                                 ignore_conflicts=True)
        ResponsibilityLetter.objects.filter(year=year, org_unit_id__in=chunk).update(generated_at=now)


def _finish(batch, status: str, message: str) -> dict:
    batch.status = status
    batch.message = message[:300]
    batch.finished_at = timezone.now()
    batch.heartbeat_at = batch.finished_at
    batch.save(update_fields=["status", "message", "finished_at", "heartbeat_at", "file", "done", "total"])
    return {"status": status, "message": batch.message, "done": batch.done, "total": batch.total}


def batch_age(batch) -> datetime.timedelta | None:
    return timezone.now() - batch.heartbeat_at if batch.heartbeat_at else None
