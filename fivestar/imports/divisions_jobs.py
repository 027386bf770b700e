"""Division import jobs: preview an upload, then run the import in the background with visible progress.

Progress is written to a small JSON file next to the upload, not to the ImportJob row: the import runs
in one transaction, and a row updated inside it stays invisible to the polling page until commit
(on SQLite a second connection could not even write while the import holds the write lock). The
worker and the web server share MEDIA_ROOT anyway, since the worker reads the uploaded files from it.

The same file carries the heartbeat ("at"), rewritten every few seconds by a thread of the worker while
the job runs. A job RUNNING with no heartbeat for `JOB_STALL_SECONDS` lost its worker (killed): its
transaction was rolled back, so `resume` simply queues it again and it imports from the start.
"""

import datetime
import json
import logging
import os
import threading
import time
from pathlib import Path

from django.conf import settings
from django.utils import timezone

from fivestar.core import jobs
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


def _read_progress_file(job: ImportJob) -> dict:
    try:
        data = json.loads((job_dir(job) / "progress.json").read_text())
        return data if isinstance(data, dict) else {}
    except (OSError, ValueError):
        return {}


def read_progress(job: ImportJob) -> tuple[int, int]:
    data = _read_progress_file(job)
    try:
        return int(data["done"]), int(data["total"])
    except (ValueError, KeyError, TypeError):
        return job.done, job.total


def last_heartbeat(job: ImportJob):
    """When the worker last reported: the row's heartbeat or the progress file's, whichever is later."""
    beats = [job.heartbeat_at] if job.heartbeat_at else []
    try:
        beats.append(datetime.datetime.fromtimestamp(float(_read_progress_file(job)["at"]), tz=datetime.timezone.utc))
    except (ValueError, KeyError, TypeError, OverflowError, OSError):
        pass
    return max(beats) if beats else None


def is_stalled(job: ImportJob) -> bool:
    return job.status == ImportJob.Status.RUNNING and jobs.is_stalled(last_heartbeat(job))


class _ProgressFile:
    """Writes (done, total, heartbeat) atomically, at most a few times a second."""

    def __init__(self, job: ImportJob):
        self.path = job_dir(job) / "progress.json"
        self.last = 0.0
        self.done, self.total = 0, job.total
        self.lock = threading.Lock()

    def __call__(self, done: int, total: int) -> None:
        now = time.monotonic()
        if now - self.last < 0.25 and done < total:
            return
        self.last = now
        self.done, self.total = done, total
        self.write()

    def write(self) -> None:
        with self.lock:
            tmp = self.path.with_suffix(f".{threading.get_ident()}.tmp")
            tmp.write_text(json.dumps({"done": self.done, "total": self.total, "at": time.time()}))
            os.replace(tmp, self.path)


class _Heartbeat(threading.Thread):
    """Rewrites the progress file every few seconds while the import runs (plan and write alike)."""

    def __init__(self, progress: _ProgressFile):
        super().__init__(daemon=True, name="import-heartbeat")
        self.progress = progress
        self.stopped = threading.Event()
        self.every = max(0.2, min(30.0, jobs.stall_seconds() / 4))

    def run(self) -> None:
        while not self.stopped.wait(self.every):
            try:
                self.progress.write()
            except OSError:  # a full disk must not kill the import
                log.warning("import heartbeat could not be written", exc_info=True)

    def stop(self) -> None:
        self.stopped.set()


def stalled_jobs(cutoff=None) -> list[ImportJob]:
    running = ImportJob.objects.filter(kind=ImportJob.Kind.DIVISIONS, status=ImportJob.Status.RUNNING)
    return [job for job in running if is_stalled(job)]


class ResumeRefused(Exception):
    pass


def resume(job: ImportJob, user=None) -> str:
    """继续: queue a division import whose worker died. Its transaction was rolled back, so it runs again whole."""
    from .tasks import run_divisions_import

    if user is not None and not can_import_divisions(user):
        raise ResumeRefused("您无权继续该导入任务。")
    job = ImportJob.objects.get(pk=job.pk)
    if not is_stalled(job):
        raise ResumeRefused("该导入任务没有停滞，无需继续。")
    if not ImportJob.objects.filter(pk=job.pk, status=ImportJob.Status.RUNNING).update(
            status=ImportJob.Status.QUEUED, heartbeat_at=timezone.now(), message="已重新排队，继续导入"):
        raise ResumeRefused("该导入任务已在继续。")
    (job_dir(job) / "progress.json").unlink(missing_ok=True)
    jobs.fail_orphaned_results(run_divisions_import.module_path, job.pk)
    run_divisions_import.enqueue(job.pk)
    return f"行政区划导入任务 {job.pk}：已重新排队，将从头重新导入（上次中断的写入已全部回滚）"


def run(job_id: int) -> dict:
    """The background task body: validate again (files or database may have changed), then import."""
    if not ImportJob.objects.filter(pk=job_id, status=ImportJob.Status.QUEUED).update(
            status=ImportJob.Status.RUNNING, heartbeat_at=timezone.now(), done=0):
        return {"skipped": True}
    job = ImportJob.objects.select_related("created_by").get(pk=job_id)
    progress = _ProgressFile(job)
    heartbeat = _Heartbeat(progress)
    heartbeat.start()
    try:
        return _run(job, progress)
    finally:
        heartbeat.stop()


def _run(job: ImportJob, progress: _ProgressFile) -> dict:
    job_id = job.pk
    try:
        plan = plan_import(job_dir(job), under=job.under_code)
        if not plan.ok:
            job.errors = [e.as_dict() for e in plan.errors[:MAX_STORED_ERRORS]]
            return _finish(job, ImportJob.Status.FAILED, f"导入前校验未通过：共 {plan.error_count:,} 个错误，未写入任何数据")
        job.total = len(plan.rows)
        ImportJob.objects.filter(pk=job.pk).update(total=job.total)
        progress.total = job.total
        result = apply_import(plan, user=job.created_by, progress=progress)
    except DivisionImportError as exc:
        return _finish(job, ImportJob.Status.FAILED, f"导入失败，未写入任何数据：{exc}")
    except Exception as exc:
        if jobs.database_lost(exc):
            raise  # not the import's failure (nothing was written): it is resumed once its heartbeat is stale
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
