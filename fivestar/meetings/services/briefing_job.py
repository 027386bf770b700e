"""A meeting's briefing generated in the background (django-tasks) in three steps kept on the Briefing row: the
figures (JSON), the Word file, the PDF. A worker killed half way leaves the steps already done; the resumed run
(queued by `fivestar worker` once the heartbeat is stale, or by 重新生成) does only the rest. Asking again for a
meeting whose briefing is done regenerates it from the figures of that moment."""

import logging
import os
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from fivestar.core import jobs
from fivestar.rating.certificate import CertificateUnavailable

from ..models import Briefing, Meeting
from .access import can_manage
from .errors import MeetingError
from .meetings import log

logger = logging.getLogger(__name__)
S = Briefing.Status
ACTIVE = (S.QUEUED, S.RUNNING)


def is_stalled(briefing) -> bool:
    return briefing.status in ACTIVE and jobs.is_stalled(briefing.heartbeat_at)


def file_name(meeting, ext: str) -> str:
    return f"{meeting.org_unit.display_name}{meeting.title}简报.{ext}"


def _enqueue(pk: int) -> None:
    from ..tasks import render_briefing

    transaction.on_commit(lambda: render_briefing.enqueue(pk))


def start_briefing(user, meeting) -> Briefing:
    """生成简报: queue it (a second click while it runs returns the running one; a stalled one is resumed)."""
    if not can_manage(user, meeting.org_unit):
        raise MeetingError(f"您无权为「{meeting.org_unit.display_name}」的会议生成简报。")
    with transaction.atomic():
        Meeting.objects.select_for_update().filter(pk=meeting.pk).first()
        briefing = Briefing.objects.filter(meeting=meeting).first()
        if briefing is not None and briefing.status in ACTIVE:
            if is_stalled(briefing):
                resume_briefing(briefing)
            return Briefing.objects.get(pk=briefing.pk)
        if briefing is None:
            briefing = Briefing(meeting=meeting)
        briefing.status, briefing.step, briefing.data, briefing.error = S.QUEUED, 0, None, ""
        briefing.requested_by, briefing.heartbeat_at, briefing.finished_at = user, timezone.now(), None
        briefing.save()
        log(meeting, user, "briefing", "生成会议简报")
        _enqueue(briefing.pk)
    return briefing


def resume_briefing(briefing, user=None) -> str:
    claimed = Briefing.objects.filter(pk=briefing.pk, status__in=ACTIVE, heartbeat_at=briefing.heartbeat_at).update(
        status=S.QUEUED, heartbeat_at=timezone.now())
    if not claimed:
        return f"会议简报 {briefing.pk}：已在继续"
    from ..tasks import render_briefing

    jobs.fail_orphaned_results(render_briefing.module_path, briefing.pk)
    _enqueue(briefing.pk)
    return f"会议简报 {briefing.pk}：已重新排队，继续生成（已完成 {briefing.step} / {briefing.steps} 步）"


def stalled_briefings(cutoff) -> list[Briefing]:
    return list(Briefing.objects.filter(status__in=ACTIVE).filter(Q(heartbeat_at__lt=cutoff) | Q(heartbeat_at__isnull=True)))


def _beat(briefing, **fields) -> None:
    Briefing.objects.filter(pk=briefing.pk).update(heartbeat_at=timezone.now(), **fields)
    for name, value in fields.items():
        setattr(briefing, name, value)


def _write(meeting, ext: str, data: bytes) -> str:
    folder = Path(settings.MEDIA_ROOT) / "briefings" / str(meeting.pk)
    folder.mkdir(parents=True, exist_ok=True)
    final = folder / f"briefing.{ext}"
    tmp = final.with_name(f"{final.name}.{os.getpid()}.tmp")
    tmp.write_bytes(data)
    os.replace(tmp, final)
    return str(final.relative_to(settings.MEDIA_ROOT))


def run(briefing_id: int) -> dict:
    """The background task body (called with the briefing's pk)."""
    if not Briefing.objects.filter(pk=briefing_id, status=S.QUEUED).update(status=S.RUNNING, heartbeat_at=timezone.now()):
        return {"skipped": True}
    briefing = Briefing.objects.select_related("meeting__org_unit", "meeting__series").get(pk=briefing_id)
    try:
        return generate(briefing)
    except Exception as exc:  # noqa: BLE001 — recorded on the row, shown on the page
        if jobs.database_lost(exc):
            raise  # not the briefing's failure: it is resumed once its heartbeat is stale
        logger.exception("briefing %s failed", briefing_id)
        message = getattr(exc, "message", "") or "系统内部错误，请联系管理员查看日志"
        _beat(briefing, status=S.FAILED, error=f"生成失败：{message}"[:500], finished_at=timezone.now())
        return {"status": S.FAILED}


def generate(briefing) -> dict:
    from .briefing_data import collect, period
    from .briefing_render import to_docx, to_pdf

    meeting = briefing.meeting
    if briefing.step < 1 or briefing.data is None:
        since, until = period(meeting)
        _beat(briefing, data=collect(meeting), since=since, until=until, step=1)
    if briefing.step < 2:
        _beat(briefing, docx=_write(meeting, "docx", to_docx(briefing.data)), step=2)
    if briefing.step < 3:
        try:
            pdf = to_pdf(briefing.data)
        except CertificateUnavailable:
            raise MeetingError("PDF 生成失败或超时，请稍后点击“重新生成简报”。") from None
        _beat(briefing, pdf=_write(meeting, "pdf", pdf), step=3)
    _beat(briefing, status=S.DONE, finished_at=timezone.now(), error="")
    return {"status": S.DONE}
