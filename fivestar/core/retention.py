"""Exported files are kept for a while, then removed: a county's exports would otherwise fill the disk.

An export is a copy of data that stays in the database, so after `EXPORT_RETENTION_DAYS` (default 30) the file of a
finished export goes; its row stays with a note, and its page says to export again. The apps register their export
models here in `ready()` (core imports no app); `fivestar purge_exports`, run by the scheduler, does the work.
"""

from __future__ import annotations

import datetime
import logging

from django.conf import settings
from django.db import models
from django.utils import timezone

log = logging.getLogger(__name__)

_MODELS: list[type[models.Model]] = []
BATCH = 500


def register(model: type[models.Model]) -> None:
    """`model` has `status` ("done" when finished), `finished_at`, `file` and `message`."""
    if model not in _MODELS:
        _MODELS.append(model)


def retention_days() -> int:
    return max(1, int(getattr(settings, "EXPORT_RETENTION_DAYS", 30)))


def purge(now: datetime.datetime | None = None) -> dict[str, int]:
    """Remove the files of exports finished more than the retention period ago; {model's name: files removed}."""
    days = retention_days()
    cutoff = (now or timezone.now()) - datetime.timedelta(days=days)
    note = f"文件已超过保留期限（{days} 天）自动清理，如需请重新导出。"
    removed: dict[str, int] = {}
    for model in _MODELS:
        count = 0
        old = model.objects.filter(status="done", finished_at__lt=cutoff).exclude(file="").order_by("pk")
        while batch := list(old.values_list("pk", "file")[:BATCH]):
            for _, name in batch:
                try:
                    model._meta.get_field("file").storage.delete(name)
                except OSError as error:  # already gone or unreadable: the row is cleared all the same
                    log.warning("could not remove %s: %s", name, error)
            count += model.objects.filter(pk__in=[pk for pk, _ in batch]).update(file="", message=note)
        removed[str(model._meta.verbose_name)] = count
    return removed
