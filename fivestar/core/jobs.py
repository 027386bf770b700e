"""Background jobs that survive a killed worker.

A long job (opening a province's round, importing divisions) keeps a heartbeat: the time its worker
last reported. One whose heartbeat is older than `settings.JOB_STALL_SECONDS` is *stalled*: its page
says 已停滞, and `resume_stalled()` (run by `fivestar worker` on start and every few seconds after, by
`fivestar resume-jobs` and by the scheduler) queues it again. Every job is idempotent, so a resumed
run finishes with exactly the rows an uninterrupted one would have made.

The apps register their kinds of job here (core imports no app): `register(Resumable(...))` in `ready()`.
"""

from __future__ import annotations

import datetime
import logging
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.conf import settings
from django.utils import timezone

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Resumable:
    label: str  # e.g. "评星周期开启"
    stalled: Callable[[datetime.datetime], Iterable]  # jobs whose heartbeat is older than the cutoff
    resume: Callable[[object], str]  # queue one again; returns a line for the log / command output
    task_path: str  # the django-tasks task that runs it, called with the job's pk


_REGISTRY: dict[str, Resumable] = {}


def register(kind: Resumable) -> None:
    _REGISTRY[kind.task_path] = kind


def stall_seconds() -> int:
    return max(1, int(getattr(settings, "JOB_STALL_SECONDS", 300)))


def cutoff() -> datetime.datetime:
    return timezone.now() - datetime.timedelta(seconds=stall_seconds())


def is_stalled(heartbeat: datetime.datetime | None) -> bool:
    return heartbeat is None or heartbeat < cutoff()


def database_lost(exc: BaseException) -> bool:
    """The database went away under a job (a restart, a failover): not the job's failure. A job's task re-raises such
    an error instead of recording 失败, so its row keeps its last heartbeat and is resumed once that is stale."""
    from .db_unavailable import is_database_error

    return is_database_error(exc)


def fail_orphaned_results(task_path: str, pk: int) -> int:
    """Task results left RUNNING by a killed worker for this job are marked failed (nothing will finish them)."""
    try:
        from django_tasks_db.models import DBTaskResult
    except ImportError:  # pragma: no cover — the database backend is always installed here
        return 0
    stale = [r.pk for r in DBTaskResult.objects.filter(status="RUNNING", task_path=task_path).only("pk", "args_kwargs")
             if list((r.args_kwargs or {}).get("args") or [])[:1] == [pk]]
    if not stale:
        return 0
    return DBTaskResult.objects.filter(pk__in=stale, status="RUNNING").update(
        status="FAILED", finished_at=timezone.now(), exception_class_path="fivestar.core.jobs.WorkerLost",
        traceback="后台任务进程在运行中停止（可能被强制结束），任务已重新排队。",
    )


def resume_stalled() -> list[str]:
    """Queue every stalled job again; returns one line per job resumed."""
    done = []
    limit = cutoff()
    for kind in _REGISTRY.values():
        for job in kind.stalled(limit):
            try:
                done.append(kind.resume(job))
            except Exception:  # one broken job must not stop the others
                log.exception("resuming %s %s failed", kind.label, getattr(job, "pk", job))
    return done


def start_watchdog() -> threading.Thread:
    """For `fivestar worker`: resume stalled jobs now, then check again every few seconds in a thread."""
    _resume_logged()
    every = max(1.0, min(60.0, stall_seconds() / 2))

    def loop():
        while True:
            time.sleep(every)
            _resume_logged()

    thread = threading.Thread(target=loop, daemon=True, name="job-watchdog")
    thread.start()
    return thread


def _resume_logged() -> None:
    from django.db import connections

    try:
        for line in resume_stalled():
            log.warning("%s", line)
            print(f"[继续已停滞的任务] {line}", flush=True)
    except Exception:  # noqa: BLE001 — e.g. the database is not migrated yet: try again later
        log.exception("checking for stalled jobs failed")
    finally:
        connections.close_all()  # this thread's connections only
