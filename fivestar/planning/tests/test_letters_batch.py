"""The town's letter batch (django-tasks, run at once by the test settings' ImmediateBackend): one zip whose .docx
files, read back, name each village and its targets; letter rows pending with their generation time; a second click
follows the running batch; a batch whose worker died (kill -9) is 已停滞, resumed by `resume_stalled`, keeps the
letters already rendered and ends with the same zip as an uninterrupted run; signing with a scanned copy."""

import datetime
import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from docx import Document

from fivestar.core import jobs
from fivestar.core.models import AuditEvent
from fivestar.planning.models import LetterBatch, ResponsibilityLetter
from fivestar.planning.services import PlanningError, mark_signed, start_letter_batch
from fivestar.planning.services.letters import letter_contexts, letter_for, render_with
from fivestar.planning.services.letters_batch import batch_dir, is_stalled
from fivestar.planning.services.letters_docx import document_text
from fivestar.planning.services.letters_templates import example_template
from fivestar.rating.models import Evidence

from .conftest import png

Y = datetime.date.today().year + 1
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def pdf(name="签字件.pdf"):
    return SimpleUploadedFile(name, PDF, content_type="application/pdf")


@pytest.fixture
def targets(plan, world):
    plan.target(rating=2, stars=("cyxw", "stjy"), year=Y)
    plan.target(village=world.sibling, rating=1, stars=("paf",), year=Y, category="sprint")
    plan.task(year=Y, title="新建村级光伏电站", deadline=datetime.date(Y, 7, 1))
    return plan


def run_batch(user, town, year, capture):
    with capture(execute=True):
        batch = start_letter_batch(user, town, year)
    return LetterBatch.objects.get(pk=batch.pk)


def zip_texts(batch) -> dict[str, str]:
    with batch.file.open("rb") as handle, zipfile.ZipFile(io.BytesIO(handle.read())) as archive:
        return {name: document_text(archive.read(name)) for name in archive.namelist()}


def test_the_batch_writes_every_village_letter_into_one_zip(targets, world, django_capture_on_commit_callbacks):
    batch = run_batch(targets.town_admin, world.town, Y, django_capture_on_commit_callbacks)
    assert batch.status == LetterBatch.Status.DONE and batch.done == batch.total == 3 and batch.percent == 100
    texts = zip_texts(batch)
    assert sorted(texts) == sorted(f"{v.code}_{v.display_name}{Y}年度目标责任书.docx" for v in (world.village, world.sibling, world.community))
    mine = texts[f"{world.village.code}_西辛庄村{Y}年度目标责任书.docx"]
    assert "乙方：西辛庄村党支部" in mine and "创建目标为二星，争创产业兴旺星、生态宜居星" in mine
    assert "新建村级光伏电站" in mine and f"{Y}年7月1日" in mine and "包村干部李包村" in mine
    sibling = texts[f"{world.sibling.code}_庆南村{Y}年度目标责任书.docx"]
    assert "乙方：庆南村党支部" in sibling and "创建目标为一星，争创平安法治星" in sibling
    letters = ResponsibilityLetter.objects.filter(year=Y)
    assert {r.org_unit_id: r.status for r in letters} == {v.pk: "pending" for v in (world.village, world.sibling, world.community)}
    assert all(r.generated_at is not None for r in letters)
    assert not (batch_dir(batch) / "parts").exists()  # only the zip is kept
    assert AuditEvent.objects.filter(model="planning.letterbatch", user=targets.town_admin).exists()


def test_a_second_click_follows_the_running_batch_and_others_may_not_start_one(targets, world):
    first = start_letter_batch(targets.town_admin, world.town, Y)  # on_commit not run: it stays queued
    assert start_letter_batch(targets.town_admin, world.town, Y).pk == first.pk
    assert LetterBatch.objects.count() == 1
    for user in (targets.observer, targets.secretary_user, targets.other_town_admin, targets.liaison_user):
        with pytest.raises(PlanningError, match="无权生成"):
            start_letter_batch(user, world.town, Y)
    with pytest.raises(PlanningError, match="按乡镇"):
        start_letter_batch(targets.county_admin, world.county, Y)


def _killed(plan, world, rendered=()):
    """A batch whose worker was killed after rendering `rendered` villages' letters (and half a zip)."""
    batch = LetterBatch.objects.create(town=world.town, year=Y, total=3, done=len(rendered), status=LetterBatch.Status.RUNNING,
                                       created_by=plan.town_admin, heartbeat_at=timezone.now() - datetime.timedelta(hours=1))
    parts = batch_dir(batch) / "parts"
    parts.mkdir(parents=True)
    (parts / "_template.txt").write_text("example")
    for village, data in rendered:
        (parts / f"{village.code}.docx").write_bytes(data)
    (parts / f"{world.sibling.code}.docx.999.tmp").write_bytes(b"PK\x03\x04half")  # a part cut off mid-write
    (batch_dir(batch) / "letters.999.zip.tmp").write_bytes(b"PK\x03\x04half a zip")
    return batch


def test_a_killed_batch_is_stalled_and_its_resumed_run_makes_the_same_zip(targets, world, django_capture_on_commit_callbacks):
    clean = zip_texts(run_batch(targets.town_admin, world.town, Y, django_capture_on_commit_callbacks))
    context = letter_contexts([world.village], Y)[world.village.pk]
    batch = _killed(targets, world, [(world.village, render_with(example_template(), context))])
    assert is_stalled(batch)
    with django_capture_on_commit_callbacks(execute=True):
        lines = jobs.resume_stalled()
    assert any(line.startswith(f"责任书批量生成 {batch.pk}") and "已生成 1 / 3" in line for line in lines)
    batch.refresh_from_db()
    assert batch.status == LetterBatch.Status.DONE and batch.done == 3
    assert zip_texts(batch) == clean
    assert [p.name for p in batch_dir(batch).iterdir()] == [f"庆祖镇{Y}年度目标责任书.zip"]
    with django_capture_on_commit_callbacks(execute=True):
        assert jobs.resume_stalled() == []  # done: nothing left to resume


def test_the_resumed_run_keeps_the_letters_already_rendered(targets, world, django_capture_on_commit_callbacks):
    kept = Document()
    kept.add_paragraph("上次已生成的责任书")
    out = io.BytesIO()
    kept.save(out)
    batch = _killed(targets, world, [(world.village, out.getvalue())])
    with django_capture_on_commit_callbacks(execute=True):
        start_letter_batch(targets.town_admin, world.town, Y)  # 批量生成 again: resumes the stalled batch
    assert LetterBatch.objects.count() == 1
    texts = zip_texts(LetterBatch.objects.get(pk=batch.pk))
    assert texts[f"{world.village.code}_西辛庄村{Y}年度目标责任书.docx"] == "上次已生成的责任书"
    assert "乙方：庆南村党支部" in texts[f"{world.sibling.code}_庆南村{Y}年度目标责任书.docx"]


def test_a_running_batch_with_a_fresh_heartbeat_is_not_resumed(targets, world, django_capture_on_commit_callbacks):
    batch = _killed(targets, world)
    LetterBatch.objects.filter(pk=batch.pk).update(heartbeat_at=timezone.now())
    batch.refresh_from_db()
    assert not is_stalled(batch)
    with django_capture_on_commit_callbacks(execute=True):
        assert jobs.resume_stalled() == []
    assert LetterBatch.objects.get(pk=batch.pk).status == LetterBatch.Status.RUNNING


def test_signing_stores_the_scan_and_is_kept_in_the_history(targets, world):
    letter = letter_for(world.village, Y)
    signed_on = timezone.localdate() - datetime.timedelta(days=3)
    signed = mark_signed(letter, targets.town_admin, signed_on, pdf())
    assert signed.status == "signed" and signed.signed_on == signed_on and signed.updated_by == targets.town_admin
    scan = signed.signed_copy
    assert scan.content_type == "application/pdf" and scan.org_unit == world.village
    with scan.file.open("rb") as handle:
        assert handle.read() == PDF
    event = AuditEvent.objects.get(model="planning.responsibilityletter", object_id=str(letter.pk))
    assert event.user == targets.town_admin and {c["label"] for c in event.changes} >= {"状态", "签订日期", "签字扫描件"}
    # A JPG/PNG photo of the signed copy is fine too; the date may be corrected without a new scan.
    again = mark_signed(signed, targets.county_admin, signed_on - datetime.timedelta(days=1), None)
    assert again.signed_copy_id == scan.pk and again.signed_on == signed_on - datetime.timedelta(days=1)
    assert mark_signed(again, targets.town_admin, signed_on, png(name="签字件.png")).signed_copy.content_type == "image/png"


@pytest.mark.parametrize("who, scan, day, words", [
    ("town_admin", "docx", 0, "只能是 PDF 或 JPG"),
    ("town_admin", None, 0, "请上传签字盖章后的责任书扫描件"),
    ("town_admin", "pdf", -5, "不能晚于今天"),
    ("town_admin", "other", 0, "不属于"),
    ("secretary_user", "pdf", 0, "无权登记"),
    ("observer", "pdf", 0, "无权登记"),
    ("other_town_admin", "pdf", 0, "无权登记"),
])
def test_signing_is_refused_with_a_chinese_reason_and_nothing_saved(targets, world, who, scan, day, words):
    letter = letter_for(world.village, Y)
    upload = {"pdf": pdf(), "docx": SimpleUploadedFile("件.docx", example_template()), None: None,
              "other": Evidence.objects.get(pk=targets.evidence(unit=world.sibling, user=targets.sibling_cadre).pk)}[scan]
    with pytest.raises(PlanningError, match=words):
        mark_signed(letter, getattr(targets, who), timezone.localdate() - datetime.timedelta(days=day), upload)
    letter.refresh_from_db()
    assert letter.status == "pending" and letter.signed_on is None and letter.signed_copy_id is None
    assert not Evidence.objects.filter(org_unit=world.village).exists()
