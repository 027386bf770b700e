"""Marking towns dirty when their board figures moved, and refreshing them.

A change calls `mark_dirty` (through fivestar/core/board_marks.py for the apps below boards) inside its own
transaction: one upsert of BoardDirty rows, bumping `version`, no lock on any figures row. When the transaction
commits, `refresh_dirty_boards` is queued unless one is already waiting. The task takes the dirty towns in
batches, recomputes them and the rows above (figures.refresh_towns), and removes each dirty row only if its
version is still the one it read — a town marked again meanwhile stays dirty for the next pass. The scheduler's
`boards-refresh` pass does the same when no worker ran, and rebuilds the year once a day (due-soon tasks and this
month's flags move with the calendar, not with a change).

A refresh's heartbeat is `claimed_at` on the rows still waiting, stamped at every batch. A worker killed mid-way
leaves those rows (nothing is lost: they are removed only after their figures are written), the town's board says
the refresh has stalled once no refresh has worked on them for JOB_STALL_SECONDS, and `stalled_refreshes` /
`resume_refresh` (registered with core/jobs.py) let the worker's watchdog, the scheduler or `fivestar resume-jobs`
queue a new one.
"""

import contextlib
import dataclasses
import threading

from django.db import connection, transaction
from django.db.models import F
from django.db.models.functions import Coalesce, Greatest
from django.utils import timezone

from fivestar.core import jobs

from fivestar.orgs.models import Level, OrgUnit

from . import figures
from .models import BoardDirty, BoardStats

CHUNK = 500


def _upsert_sql(select: str) -> str:
    quote = connection.ops.quote_name
    table = quote(BoardDirty._meta.db_table)
    return (f"INSERT INTO {table} ({quote('town_id')}, {quote('version')}, {quote('marked_at')}) {select} "
            f"ON CONFLICT ({quote('town_id')}) DO UPDATE SET {quote('version')} = {table}.{quote('version')} + 1, "
            f"{quote('marked_at')} = excluded.{quote('marked_at')}")


def _select_towns(where: str) -> str:
    quote = connection.ops.quote_name
    return (f"SELECT {quote('id')}, 1, %s FROM {quote(OrgUnit._meta.db_table)} "
            f"WHERE {quote('level')} = {int(Level.TOWN)} AND {where}")


def mark_handler(*, town_ids=None, unit_ids=None, under_path=None) -> None:
    """One statement: the named towns (or the towns among `unit_ids`, or every town under `under_path`) become dirty."""
    now = timezone.now()
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        for ids in (town_ids, unit_ids):
            for first in range(0, len(ids or []), CHUNK):
                chunk = list(ids[first:first + CHUNK])
                where = f"{quote('id')} IN ({', '.join(['%s'] * len(chunk))})"
                cursor.execute(_upsert_sql(_select_towns(where)), [now, *chunk])
        if under_path:
            cursor.execute(_upsert_sql(_select_towns(f"{quote('path')} LIKE %s")), [now, under_path.replace("%", "") + "%"])
    _enqueue_on_commit()


def mark_dirty(town_id) -> None:
    """The board's own name for it: this town's figures moved (inside the caller's transaction)."""
    mark_handler(town_ids=[town_id])


_paused = threading.local()


@contextlib.contextmanager
def refresh_paused():
    """Marks are still written but no refresh is queued (a bulk load such as the demo rebuilds at its end instead)."""
    before = getattr(_paused, "on", False)
    _paused.on = True
    try:
        yield
    finally:
        _paused.on = before


def _enqueue_on_commit() -> None:
    if getattr(_paused, "on", False):
        return
    # One callback per transaction, however many changes it marks.
    if not any(getattr(callback, "__func__", callback) is _enqueue for _, callback, *_ in connection.run_on_commit):
        transaction.on_commit(_enqueue)


def _enqueue() -> None:
    from .tasks import refresh_dirty_boards

    try:
        from django_tasks_db.backend import DatabaseBackend
        from django_tasks_db.models import DBTaskResult
    except ImportError:  # pragma: no cover
        DatabaseBackend = None
    if DatabaseBackend is not None and isinstance(refresh_dirty_boards.get_backend(), DatabaseBackend):
        if DBTaskResult.objects.filter(task_path=refresh_dirty_boards.module_path, status="READY").exists():
            return  # one is already waiting: it will see this town's row
    refresh_dirty_boards.enqueue()


def years_for(town_ids) -> list[int]:
    """The current year and any other year these towns already have rows for."""
    years = {timezone.localdate().year}
    years |= set(BoardStats.objects.filter(unit_id__in=list(town_ids)).values_list("year", flat=True).distinct())
    return sorted(years)


def refresh_dirty(limit: int | None = None) -> int:
    """Refresh every dirty town (in batches); returns how many were refreshed."""
    done = 0
    while True:
        _beat()
        batch = list(BoardDirty.objects.order_by("town_id").values_list("town_id", "version")[:figures.BATCH])
        if not batch:
            return done
        ids = [t for t, _ in batch]
        for year in years_for(ids):
            figures.refresh_towns(ids, year)
        with transaction.atomic():
            for town_id, version in batch:
                BoardDirty.objects.filter(town_id=town_id, version=version).delete()
        done += len(batch)
        if limit is not None and done >= limit:
            return done


def _beat() -> None:
    """The heartbeat: a refresh is working on the towns that wait. Rows a change is marking right now are skipped, not
    waited for (their mark is fresh anyway): the heartbeat never holds up, nor deadlocks with, a user's change."""
    with transaction.atomic():
        free = BoardDirty.objects.select_for_update(skip_locked=True).values("pk")
        BoardDirty.objects.filter(pk__in=free).update(claimed_at=timezone.now())


def rebuild_board_stats(year: int | None = None) -> int:
    """Every row of a year (the current one by default) from the villages; the dirty marks taken before are dropped."""
    year = year or timezone.localdate().year
    marks = list(BoardDirty.objects.values_list("town_id", "version"))
    rows = figures.rebuild(year)
    if year == timezone.localdate().year:
        with transaction.atomic():
            for town_id, version in marks:
                BoardDirty.objects.filter(town_id=town_id, version=version).delete()
    return rows


def refresh_seen():
    """The last sign of life for a waiting town: its mark, or a refresh's heartbeat since (an expression on BoardDirty)."""
    return Greatest(Coalesce(F("claimed_at"), F("marked_at")), F("marked_at"))


def refresh_state(seen) -> dict:
    """For the town's board: its figures wait for a refresh, which has stalled when nothing worked on it for a while."""
    return {"since": seen, "stalled": jobs.is_stalled(seen), "stall_minutes": max(1, jobs.stall_seconds() // 60)}


@dataclasses.dataclass(frozen=True)
class StalledRefresh:
    towns: int

    @property
    def pk(self) -> str:  # how `fivestar resume-jobs --list` names it
        return f"{self.towns} 个乡镇"


def _stalled_rows(cutoff):
    return BoardDirty.objects.alias(seen=refresh_seen()).filter(seen__lt=cutoff)


def stalled_refreshes(cutoff) -> list[StalledRefresh]:
    """One job when towns wait for a refresh that nothing has worked on since `cutoff` (its worker died)."""
    towns = _stalled_rows(cutoff).count()
    return [StalledRefresh(towns)] if towns else []


def resume_refresh(job) -> str:
    """Queue a refresh for the waiting towns (unless one is already queued); the killed one's task result is failed."""
    from django_tasks_db.models import DBTaskResult

    from .tasks import refresh_dirty_boards

    cutoff = jobs.cutoff()
    claimed = _stalled_rows(cutoff).update(claimed_at=timezone.now())  # one resume per stall, not one per watchdog tick
    if not claimed:
        return "挂图作战统计刷新：已在继续"
    DBTaskResult.objects.filter(task_path=refresh_dirty_boards.module_path, status="RUNNING", started_at__lt=cutoff).update(
        status="FAILED", finished_at=timezone.now(), exception_class_path="fivestar.core.jobs.WorkerLost",
        traceback="后台任务进程在运行中停止（可能被强制结束），任务已重新排队。")
    transaction.on_commit(_enqueue)
    return f"挂图作战统计刷新：{claimed} 个乡镇的统计数待刷新，已重新排队"
