"""kill -9 of the worker while it renders a meeting's briefing (会议简报: figures, Word, PDF): the meeting's page says
已停滞, a restarted `fivestar worker` resumes it by itself and does only the step left (the Word file written before
the kill is kept), and the briefing says exactly what an uninterrupted one says. Real processes (core/tests/faults.py)."""

import datetime
import io
import subprocess
import time

from django.utils import timezone
from docx import Document

from fivestar.core.tests.faults import MARKS, NEVER, STALL, faults, page, settled, wait  # noqa: F401
from fivestar.meetings.models import Briefing
from fivestar.meetings.services import create_meeting, start_briefing
from fivestar.meetings.tasks import render_briefing
from fivestar.supervision.models import Problem

pytestmark = MARKS


def contents(briefing) -> dict:
    """What the briefing says (its figures, the Word and PDF text), without the minute it was generated at."""
    stamp = briefing.data["generated_at"]
    doc = Document(io.BytesIO(open(briefing.docx.path, "rb").read()))
    docx = "\n".join([p.text for p in doc.paragraphs] + [c.text for t in doc.tables for r in t.rows for c in r.cells])
    pdf = subprocess.run(["pdftotext", "-layout", briefing.pdf.path, "-"], capture_output=True, text=True, check=True).stdout
    return {"data": {k: v for k, v in briefing.data.items() if k != "generated_at"},
            "docx": docx.replace(stamp, ""), "pdf": pdf.replace(stamp, "")}


def test_a_killed_briefing_resumes_from_its_last_step_and_says_what_an_uninterrupted_one_says(plan, series, faults):  # noqa: F811
    w = plan.world
    today = timezone.localdate()
    for n in range(3):
        Problem.objects.create(org_unit=w.village, description=f"垃圾堆放{n}", deadline=today - datetime.timedelta(days=1),
                               found_on=today - datetime.timedelta(days=2), overdue=n == 0)
    meeting = create_meeting(plan.town_admin, series=series, date=today)

    faults.queue_in_database()
    briefing = start_briefing(plan.town_admin, meeting)
    worker = faults.worker("killed", stall=NEVER, patch="fivestar.meetings.services.briefing_render:to_pdf~60")
    progress = lambda: Briefing.objects.get(pk=briefing.pk)  # noqa: E731
    wait(lambda: progress().step == 2, 120, "the figures and the Word file (steps 1 and 2 of 3)")
    worker.kill9()

    killed = progress()
    assert killed.status == Briefing.Status.RUNNING and killed.step == 2 and killed.docx and not killed.pdf
    word_written = (killed.docx.path, open(killed.docx.path, "rb").read())

    time.sleep(STALL + 0.5)
    status, html = page(plan.town_admin, f"/meetings/{meeting.pk}/")
    assert status == 200 and 'data-status="running">状态：生成中（已停滞）' in html

    restarted = faults.worker("restarted")  # its watchdog resumes the briefing by itself
    wait(lambda: progress().status in (Briefing.Status.DONE, Briefing.Status.FAILED), 180, "the resumed briefing", every=0.3)
    wait(lambda: settled(render_briefing.module_path), 60, "the killed and the resumed task results to settle")
    restarted.stop()
    assert "继续已停滞的任务" in restarted.output() and "已完成 2 / 3 步" in restarted.output()

    resumed = progress()
    assert resumed.status == Briefing.Status.DONE and resumed.step == 3, resumed.error
    assert (resumed.docx.path, open(resumed.docx.path, "rb").read()) == word_written  # step 2 was not done again
    got = contents(resumed)
    assert "本期新发现问题 3 个" in got["docx"] and "本期新发现问题3个" in got["pdf"].replace(" ", "")
    status, html = page(plan.town_admin, f"/meetings/{meeting.pk}/")
    assert 'data-status="done">状态：已生成' in html and "已停滞" not in html

    faults.run_here()  # the reference: the briefing generated again, uninterrupted, in this process
    start_briefing(plan.town_admin, meeting)
    again = progress()
    assert again.status == Briefing.Status.DONE and again.pk == resumed.pk
    assert contents(again) == got
