"""kill -9 of the worker while it renders a town's review packs as PDF (述职考核材料导出): the export's page says 已停滞,
`fivestar resume-jobs` queues it again, the next worker renders only what was left (the packs read before the kill are
kept) and the file says exactly what an uninterrupted export says. Real processes (see core/tests/faults.py)."""

import json
import subprocess
import time

import pytest

from fivestar.core.tests.faults import MARKS, NEVER, STALL, faults, page, settled, wait  # noqa: F401
from fivestar.reviews import exports_jobs
from fivestar.reviews.models import ReviewExport
from fivestar.reviews.tasks import run_review_export

from .conftest import YEAR

pytestmark = MARKS


def pdf_text(export) -> str:
    with export.file.open("rb") as fh:
        return subprocess.run(["pdftotext", "-layout", "-", "-"], input=fh.read(), capture_output=True, check=True).stdout.decode()


def test_a_killed_review_export_resumes_and_prints_what_an_uninterrupted_one_prints(rev, faults):  # noqa: F811
    rev.compute()
    faults.queue_in_database()
    export = exports_jobs.start_export(rev.town_admin, rev.w.town, YEAR, "pdf")
    folder = exports_jobs.job_dir(export)
    worker = faults.worker("killed", stall=NEVER, patch="fivestar.reviews.render:to_pdf~60")
    progress = lambda: ReviewExport.objects.get(pk=export.pk)  # noqa: E731
    wait(lambda: progress().done == 1 and (folder / "data.json").exists(), 120, "the packs to be read (step 1 of 2)")
    worker.kill9()

    killed = progress()
    assert killed.status == ReviewExport.Status.RUNNING and killed.done == 1 and not killed.file
    read_before = (folder / "data.json").read_bytes()
    assert [p.name for p in folder.iterdir()] == ["data.json"]

    time.sleep(STALL + 0.5)
    status, html = page(rev.town_admin, f"/reviews/exports/{export.pk}/")
    assert status == 200 and "状态：已停滞（50%）" in html

    resumed_line = faults.fivestar("resume-jobs").stdout
    assert f"述职考核材料导出 {export.pk}" in resumed_line and "已重新排队" in resumed_line
    worker = faults.worker("resumed", stall=NEVER)
    wait(lambda: progress().status == ReviewExport.Status.DONE, 180, "the resumed export to finish", every=0.3)
    wait(lambda: settled(run_review_export.module_path), 60, "the killed and the resumed task results to settle")
    worker.stop()

    resumed = progress()
    assert resumed.done == resumed.total == 2 and "份述职考核材料" in resumed.message
    assert (folder / "data.json").read_bytes() == read_before  # step 1 was not done again
    assert sorted(p.name for p in folder.iterdir()) == ["data.json", f"庆祖镇{YEAR}年度述职考核材料.pdf"]
    status, html = page(rev.town_admin, f"/reviews/exports/{export.pk}/")
    assert "状态：已完成" in html and "下载文件" in html

    faults.run_here()  # the reference: the same export, uninterrupted, in this process
    clean = ReviewExport.objects.get(pk=exports_jobs.start_export(rev.town_admin, rev.w.town, YEAR, "pdf").pk)
    assert clean.pk != export.pk and clean.status == ReviewExport.Status.DONE
    assert json.loads((exports_jobs.job_dir(clean) / "data.json").read_bytes()) == json.loads(read_before)
    text = pdf_text(resumed)
    assert text == pdf_text(clean) and "王书记" in text
