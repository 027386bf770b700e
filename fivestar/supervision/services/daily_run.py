"""The bookkeeping of the daily job (督导每日处理): one DailyRun row per day, a heartbeat at every batch, and the hooks
core/jobs.py uses to resume a pass whose process was killed (the worker's watchdog, `fivestar resume-jobs`, the
scheduler). The job itself is idempotent (scheduled.py): a resumed pass finds the batches already committed and sends
nothing twice."""

from __future__ import annotations

import contextlib
import contextvars

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from fivestar.core import jobs

from ..models import DailyRun

S = DailyRun.Status
ACTIVE = (S.QUEUED, S.RUNNING)
COUNTS = ("reminded", "overdue", "escalated", "notifications")
_current: contextvars.ContextVar[DailyRun | None] = contextvars.ContextVar("supervision_daily_run", default=None)


def is_stalled(run) -> bool:
    return run.status in ACTIVE and jobs.is_stalled(run.heartbeat_at)


def status_label(run) -> str:
    return "已停滞" if is_stalled(run) else run.get_status_display()


def begin(today) -> DailyRun | None:
    """Claim the day's row for this pass; None while another process is on it (its heartbeat is fresh)."""
    now = timezone.now()
    run, _ = DailyRun.objects.get_or_create(date=today)
    if run.status == S.RUNNING and not is_stalled(run):
        return None
    claimed = DailyRun.objects.filter(pk=run.pk, status=run.status, heartbeat_at=run.heartbeat_at).update(
        status=S.RUNNING, step=0, started_at=now, heartbeat_at=now, finished_at=None, message="")
    if not claimed:
        return None
    run.refresh_from_db()
    return run


@contextlib.contextmanager
def beating(run):
    token = _current.set(run)
    try:
        yield
    finally:
        _current.reset(token)


def beat() -> None:
    """After every committed batch: the pass is alive (nothing when no pass is being recorded)."""
    run = _current.get()
    if run is not None:
        DailyRun.objects.filter(pk=run.pk).update(heartbeat_at=timezone.now())


def step_done(run, step: int, **counts) -> None:
    """A step finished: the day's counts grow by what it did."""
    totals = {k: int(run.counts.get(k, 0)) + int(counts.get(k, 0)) for k in COUNTS}
    run.counts, run.step = totals, step
    DailyRun.objects.filter(pk=run.pk).update(counts=totals, step=step, heartbeat_at=timezone.now())


def finish(run, status, message: str = "") -> None:
    now = timezone.now()
    DailyRun.objects.filter(pk=run.pk).update(status=status, message=message[:300], finished_at=now, heartbeat_at=now)


# -- core/jobs.py hooks ---------------------------------------------------------------------------------------------


def stalled_runs(cutoff) -> list[DailyRun]:
    return list(DailyRun.objects.filter(status__in=ACTIVE).filter(Q(heartbeat_at__lt=cutoff) | Q(heartbeat_at__isnull=True)))


def resume_run(run, user=None) -> str:
    """Queue the day's pass again for the worker (the rows already committed are found done and skipped)."""
    if not DailyRun.objects.filter(pk=run.pk, status=run.status, heartbeat_at=run.heartbeat_at).update(
            status=S.QUEUED, heartbeat_at=timezone.now(), message="已重新排队，继续处理"):
        return f"督导每日处理 {run.date:%Y-%m-%d}：已在继续"
    from ..tasks import run_supervision_daily

    jobs.fail_orphaned_results(run_supervision_daily.module_path, run.pk)
    transaction.on_commit(lambda: run_supervision_daily.enqueue(run.pk))
    return f"督导每日处理 {run.date:%Y-%m-%d}：已重新排队，继续处理（已完成 {run.step} / {run.steps} 步）"
