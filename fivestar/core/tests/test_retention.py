"""Exported files are removed after EXPORT_RETENTION_DAYS by `fivestar purge_exports` (the scheduler's pass); the
export rows stay with a note, recent exports and unfinished ones keep their files, and the download says why."""

import datetime
from io import StringIO

import pytest
from django.core.files.base import ContentFile
from django.core.management import call_command
from django.utils import timezone

from fivestar.boards.screens.models import BoardExport
from fivestar.core.roles import Role
from fivestar.reviews.models import ReviewExport

pytestmark = pytest.mark.django_db


def _export(model, unit, user, age_days, status="done", **extra):
    row = model.objects.create(unit=unit, year=2026, status=status, created_by=user,
                               finished_at=timezone.now() - datetime.timedelta(days=age_days), **extra)
    row.file.save(f"export-{row.pk}.xlsx", ContentFile(b"PK-not-really"), save=True)
    return row


def test_old_export_files_go_and_their_rows_say_why(world, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    settings.EXPORT_RETENTION_DAYS = 30
    admin = world.users[Role.COUNTY_ADMIN]
    old = _export(BoardExport, world.county, admin, 31, kind="board_xlsx")
    recent = _export(BoardExport, world.county, admin, 29, kind="board_xlsx")
    running = _export(BoardExport, world.county, admin, 90, status="running", kind="board_xlsx")
    review = _export(ReviewExport, world.town, admin, 45, kind="docx")
    old_path, review_path = tmp_path / old.file.name, tmp_path / review.file.name
    assert old_path.exists() and review_path.exists()

    out = StringIO()
    call_command("purge_exports", stdout=out)
    assert "挂图作战导出 1 个" in out.getvalue() and "保留 30 天" in out.getvalue()
    old.refresh_from_db(); recent.refresh_from_db(); running.refresh_from_db(); review.refresh_from_db()
    assert not old_path.exists() and old.file.name == "" and "超过保留期限（30 天）" in old.message
    assert not review_path.exists() and review.file.name == ""
    assert (tmp_path / recent.file.name).exists() and (tmp_path / running.file.name).exists()

    call_command("purge_exports", stdout=(again := StringIO()))  # idempotent
    assert "没有需要清理的文件" in again.getvalue()


def test_the_scheduler_runs_the_purge():
    from fivestar.rating.management.commands.scheduler import JOBS

    assert "purge_exports" in JOBS
