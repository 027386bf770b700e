"""kill -9 of the worker in the middle of a town's letter batch (目标责任书批量生成): the town's letters page says 已停滞,
a restarted `fivestar worker` resumes it by itself, keeps the letters already written, and the zip holds exactly the
letters an uninterrupted batch makes, once each. Real processes on the suite's database (see core/tests/faults.py)."""

import datetime
import io
import time
import zipfile

import pytest

from fivestar.core.tests.faults import MARKS, NEVER, STALL, faults, page, settled, wait  # noqa: F401
from fivestar.orgs.models import Level
from fivestar.planning.models import LetterBatch, ResponsibilityLetter
from fivestar.planning.services import start_letter_batch
from fivestar.planning.services.letters_batch import batch_dir
from fivestar.planning.services.letters_docx import document_text
from fivestar.planning.tasks import render_letter_batch
from tests.factories import unit

pytestmark = MARKS
Y = datetime.date.today().year + 1
EXTRA_VILLAGES = 9  # 12 villages in the town, each letter 0.5 s late in the killed worker


def zip_texts(batch) -> dict[str, str]:
    with batch.file.open("rb") as handle, zipfile.ZipFile(io.BytesIO(handle.read())) as archive:
        return {name: document_text(archive.read(name)) for name in archive.namelist()}


def test_a_killed_letter_batch_resumes_and_makes_the_zip_of_an_uninterrupted_one(plan, world, faults):  # noqa: F811
    for n in range(EXTRA_VILLAGES):
        unit(f"410928103{300 + n}", f"测试{n}村委会", Level.VILLAGE, world.town)
    plan.target(rating=2, stars=("cyxw", "stjy"), year=Y)
    plan.task(year=Y, title="新建村级光伏电站", deadline=datetime.date(Y, 7, 1))

    faults.queue_in_database()
    batch = start_letter_batch(plan.town_admin, world.town, Y)
    worker = faults.worker("killed", stall=NEVER, patch="fivestar.planning.services.letters:render_with~0.5")
    progress = lambda: LetterBatch.objects.get(pk=batch.pk)  # noqa: E731
    wait(lambda: progress().done >= 3, 120, "the worker to write three letters")
    worker.kill9()

    killed = progress()
    assert killed.status == LetterBatch.Status.RUNNING and 3 <= killed.done < killed.total == 12, (killed.done, killed.total)
    parts = sorted(p.name for p in (batch_dir(batch) / "parts").glob("*.docx"))
    assert len(parts) >= killed.done and not killed.file
    time.sleep(0.5)
    assert progress().done == killed.done  # nothing runs any more

    time.sleep(STALL + 0.5)
    status, html = page(plan.town_admin, f"/planning/letters/{world.town.code}/?year={Y}")
    assert status == 200 and "已停滞" in html and f"已生成 {killed.done} / 12" in html

    restarted = faults.worker("restarted")  # its watchdog resumes the batch by itself
    wait(lambda: progress().status == LetterBatch.Status.DONE, 120, "the resumed batch to finish", every=0.3)
    wait(lambda: settled(render_letter_batch.module_path), 60, "the killed and the resumed task results to settle")
    restarted.stop()
    assert "继续已停滞的任务" in restarted.output() and f"已生成 {killed.done}" in restarted.output()

    resumed = progress()
    assert resumed.done == resumed.total == 12
    got = zip_texts(resumed)
    assert [p.name for p in batch_dir(batch).iterdir()] == [f"庆祖镇{Y}年度目标责任书.zip"]  # no parts, no half zip left
    assert ResponsibilityLetter.objects.filter(year=Y).count() == 12

    faults.run_here()  # the reference: the same batch again, uninterrupted, in this process
    clean = LetterBatch.objects.get(pk=start_letter_batch(plan.town_admin, world.town, Y).pk)
    assert clean.pk != batch.pk and clean.status == LetterBatch.Status.DONE
    assert got == zip_texts(clean) and len(got) == 12
    assert "乙方：西辛庄村党支部" in got[f"{world.village.code}_西辛庄村{Y}年度目标责任书.docx"]
    assert ResponsibilityLetter.objects.filter(year=Y).count() == 12
