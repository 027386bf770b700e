"""A review export whose worker died is resumed (core/jobs.py): the packs read on the first run (data.json) are what the
resumed run prints, even if the packs changed in between; a user who lost the authority gets no file."""

import datetime
import io

import pytest
from django.utils import timezone
from docx import Document

from fivestar.core import jobs
from fivestar.reviews import exports_jobs
from fivestar.reviews.models import ReviewExport
from fivestar.reviews.services import adjust

from .conftest import YEAR

pytestmark = pytest.mark.django_db


def _text(export) -> str:
    with export.file.open("rb") as fh:
        doc = Document(io.BytesIO(fh.read()))
    return "\n".join([p.text for p in doc.paragraphs] + [c.text for t in doc.tables for r in t.rows for c in r.cells])


def test_a_stalled_export_is_resumed_with_what_the_first_run_read(rev, django_capture_on_commit_callbacks, monkeypatch):
    rev.compute()
    export = exports_jobs.start_export(rev.town_admin, rev.w.town, YEAR, "docx")  # not run: the callback is not executed
    # The first run dies after reading the packs (rendering raises as if the worker were killed).
    ReviewExport.objects.filter(pk=export.pk).update(status="running")
    folder = exports_jobs.job_dir(export)
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "data.json").write_text(__import__("json").dumps(exports_jobs.town_document(rev.w.town, YEAR), ensure_ascii=False,
                                                                default=str), encoding="utf-8")
    ReviewExport.objects.filter(pk=export.pk).update(heartbeat_at=timezone.now() - datetime.timedelta(hours=1))
    adjust(rev.town_admin, rev.pack(rev.secretary), "好", reason="读取之后才调整")  # after the first run read the packs
    stalled = exports_jobs.stalled_exports(jobs.cutoff())
    assert [e.pk for e in stalled] == [export.pk]
    with django_capture_on_commit_callbacks(execute=True):
        line = exports_jobs.resume_export(stalled[0])
    assert "已重新排队" in line
    export.refresh_from_db()
    assert export.status == "done" and export.done == export.total == 2
    text = _text(export)
    assert "王书记" in text and "读取之后才调整" not in text  # the resumed run printed what the first run read


def test_an_export_of_a_user_who_lost_the_authority_fails(rev, django_capture_on_commit_callbacks):
    from fivestar.people.models import RoleAssignment

    rev.compute()
    export = exports_jobs.start_export(rev.town_admin, rev.w.town, YEAR, "docx")
    RoleAssignment.objects.filter(user=rev.town_admin).update(active=False)
    rev.town_admin.__dict__.pop("_fivestar_grants", None)
    from django.contrib.auth import get_user_model

    exports_jobs.run(export.pk)
    export.refresh_from_db()
    assert export.status == "failed" and "无权" in export.message and not export.file
    assert get_user_model().objects.filter(pk=rev.town_admin.pk).exists()


def test_no_packs_no_export(world, settings, tmp_path):
    from fivestar.core.roles import Role
    from fivestar.reviews.services import ReviewError

    settings.MEDIA_ROOT = str(tmp_path)
    with pytest.raises(ReviewError, match="还没有述职考核材料"):
        exports_jobs.start_export(world.users[Role.TOWN_ADMIN], world.town, YEAR, "docx")
