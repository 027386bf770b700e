"""Division import jobs: preview an upload, then run the import in the background with visible progress.

Progress is written to a small JSON file next to the upload, not to the ImportJob row: the import runs
in one transaction, and a row updated inside it stays invisible to the polling page until commit
(on SQLite a second connection could not even write while the import holds the write lock). The
worker and the web server share MEDIA_ROOT anyway, since the worker reads the uploaded files from it.
"""

import json
import logging
import os
import time
from pathlib import Path

from django.conf import settings
from django.utils import timezone

from fivestar.core.roles import Action
from fivestar.core.scoping import is_global, user_grants
from fivestar.orgs.divisions import apply_import, plan_import
from fivestar.orgs.divisions.importer import DivisionImportError
from fivestar.orgs.models import OrgUnit

from .models import ImportJob

log = logging.getLogger(__name__)
MAX_STORED_ERRORS = 1000


def can_import_divisions(user) -> bool:
    # A system-wide action: only 系统管理员 holds it, whatever unit the role is bound to.
    return bool(user.is_authenticated and (is_global(user) or user_grants(user, Action.IMPORT_DIVISIONS)))


def job_dir(job: ImportJob) -> Path:
    return Path(settings.MEDIA_ROOT) / "imports" / str(job.pk)


def _anchor(under: str) -> OrgUnit | None:
    """The unit a job belongs to (for scoping): the `under` unit, else the first province, when they exist."""
    qs = OrgUnit.objects.filter(code=under) if under else OrgUnit.objects.filter(level=1).order_by("code")
    return qs.first()


def create_preview(user, found: dict[str, bytes], under: str) -> ImportJob:
    """Store the uploaded files and validate them; the job is 待确认 or 校验未通过."""
    job = ImportJob.objects.create(kind=ImportJob.Kind.DIVISIONS, created_by=user, under_code=under, file_names=sorted(found))
    directory = job_dir(job)
    directory.mkdir(parents=True, exist_ok=True)
    for name, data in found.items():
        (directory / name).write_bytes(data)
    plan = plan_import(directory, under=under, found=found)
    job.upload_dir = str(directory.relative_to(settings.MEDIA_ROOT))
    job.preview = plan.preview()
    job.errors = [e.as_dict() for e in plan.errors[:MAX_STORED_ERRORS]]
    job.total = len(plan.rows)
    job.org_unit = _anchor(under)
    if plan.ok:
        t = plan.totals
        job.status = ImportJob.Status.PREVIEWED
        job.message = f"校验通过：将新增 {t['create']:,}，更新 {t['update']:,}，未变 {t['unchanged']:,}"
    else:
        job.status = ImportJob.Status.INVALID
        job.message = f"校验未通过：共 {plan.error_count:,} 个错误，请修改文件后重新上传"
    job.save()
    return job


def confirm(job: ImportJob) -> bool:
    """Queue a previewed job once; a second click (or a stale page) does nothing."""
    queued = ImportJob.objects.filter(pk=job.pk, status=ImportJob.Status.PREVIEWED).update(status=ImportJob.Status.QUEUED)
    if queued:
        from .tasks import run_divisions_import

        run_divisions_import.enqueue(job.pk)
    return bool(queued)


def read_progress(job: ImportJob) -> tuple[int, int]:
    try:
        data = json.loads((job_dir(job) / "progress.json").read_text())
        return int(data["done"]), int(data["total"])
    except (OSError, ValueError, KeyError, TypeError):
        return job.done, job.total


class _ProgressFile:
    """Writes (done, total) atomically, at most a few times a second."""

    def __init__(self, job: ImportJob):
        self.path = job_dir(job) / "progress.json"
        self.last = 0.0

    def __call__(self, done: int, total: int) -> None:
        now = time.monotonic()
        if now - self.last < 0.25 and done < total:
            return
        self.last = now
        tmp = self.path.with_suffix(".tmp")
        tmp.write_text(json.dumps({"done": done, "total": total}))
        os.replace(tmp, self.path)


def run(job_id: int) -> dict:
    """The background task body: validate again (files or database may have changed), then import."""
    if not ImportJob.objects.filter(pk=job_id, status=ImportJob.Status.QUEUED).update(status=ImportJob.Status.RUNNING):
        return {"skipped": True}
    job = ImportJob.objects.select_related("created_by").get(pk=job_id)
    try:
        plan = plan_import(job_dir(job), under=job.under_code)
        if not plan.ok:
            job.errors = [e.as_dict() for e in plan.errors[:MAX_STORED_ERRORS]]
            return _finish(job, ImportJob.Status.FAILED, f"导入前校验未通过：共 {plan.error_count:,} 个错误，未写入任何数据")
        job.total = len(plan.rows)
        ImportJob.objects.filter(pk=job.pk).update(total=job.total)
        result = apply_import(plan, user=job.created_by, progress=_ProgressFile(job))
    except DivisionImportError as exc:
        return _finish(job, ImportJob.Status.FAILED, f"导入失败，未写入任何数据：{exc}")
    except Exception:
        log.exception("division import job %s failed", job_id)
        return _finish(job, ImportJob.Status.FAILED, "导入失败，未写入任何数据：系统内部错误，请联系管理员查看日志")
    job.done = job.total
    job.org_unit = _anchor(job.under_code)
    job.result = {
        "seconds": round(result.seconds, 2),
        "totals": result.totals,
        "levels": [{"level": lv, **c} for lv, c in sorted(result.counts.items())],
    }
    return _finish(job, ImportJob.Status.DONE, result.summary)


def _finish(job: ImportJob, status: str, message: str) -> dict:
    job.status = status
    job.message = message[:300]
    job.finished_at = timezone.now()
    job.save()
    return {"status": status, "message": job.message}
