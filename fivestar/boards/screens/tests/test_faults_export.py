"""kill -9 of the worker in the middle of a county's list of every village (挂图作战导出, one step per chunk of towns):
the export's page says 已停滞, a restarted `fivestar worker` resumes it by itself from the parts already written, and
the workbook holds exactly the rows of an uninterrupted export, each village once. Real processes (core/tests/faults.py)."""

import io
import time

from openpyxl import load_workbook

from fivestar.boards.screens import exports_jobs
from fivestar.boards.screens.models import BoardExport
from fivestar.boards.screens.tasks import run_board_export
from fivestar.core.tests.faults import MARKS, NEVER, STALL, faults, page, settled, wait  # noqa: F401
from fivestar.orgs.models import Level
from tests.factories import unit

from .conftest import YEAR

pytestmark = MARKS
SLOW = "fivestar.boards.screens.exports:VILLAGE_CHUNK=1;fivestar.boards.screens.exports:village_rows~1"


def sheets(export) -> dict[str, list]:
    with export.file.open("rb") as fh:
        wb = load_workbook(io.BytesIO(fh.read()), read_only=True)
    out = {ws.title: [list(row) for row in ws.iter_rows(values_only=True)] for ws in wb.worksheets}
    out["说明"] = [row for row in out["说明"] if row[0] != "导出时间"]
    return out


def test_a_killed_village_list_export_resumes_from_its_parts_with_every_row_once(screens, faults):  # noqa: F811
    w = screens.world
    for t in range(6):  # 8 towns under the county: 8 steps of one town, then the workbook
        town = unit(f"410928{110 + t}", f"测试{t}镇", Level.TOWN, w.county)
        for v in range(3):
            unit(f"{town.code}{201 + v}", f"测试{t}镇{v}村委会", Level.VILLAGE, town)
    screens.standard()
    admin = screens.plan.county_admin

    faults.queue_in_database()
    export = exports_jobs.start_export(admin, w.county, YEAR, BoardExport.Kind.VILLAGES_XLSX)
    parts = exports_jobs.job_dir(export) / "parts"
    worker = faults.worker("killed", stall=NEVER, patch=SLOW)
    progress = lambda: BoardExport.objects.get(pk=export.pk)  # noqa: E731
    wait(lambda: progress().done >= 3, 120, "three chunks of towns to be written")
    worker.kill9()

    killed = progress()
    assert killed.status == BoardExport.Status.RUNNING and 3 <= killed.done < killed.total == 9 and not killed.file
    written = {p.name: p.stat().st_mtime_ns for p in parts.glob("*.jsonl")}
    assert len(written) >= killed.done

    time.sleep(STALL + 0.5)
    status, html = page(admin, f"/boards/exports/{export.pk}/")
    assert status == 200 and '<strong data-testid="export-status">已停滞</strong>' in html and 'data-testid="export-resume"' in html

    restarted = faults.worker("restarted")  # its watchdog resumes the export by itself
    wait(lambda: progress().status == BoardExport.Status.DONE, 120, "the resumed export to finish", every=0.3)
    wait(lambda: settled(run_board_export.module_path), 60, "the killed and the resumed task results to settle")
    restarted.stop()
    assert "继续已停滞的任务" in restarted.output()

    resumed = progress()
    assert resumed.done == resumed.total == 9
    got = sheets(resumed)
    folder = exports_jobs.job_dir(export)
    assert sorted(p.name for p in folder.iterdir()) == sorted(["towns.json", resumed.file.name.rsplit("/", 1)[-1]])

    faults.run_here()  # the reference: the same export, uninterrupted, in this process
    clean = BoardExport.objects.get(pk=exports_jobs.start_export(admin, w.county, YEAR, BoardExport.Kind.VILLAGES_XLSX).pk)
    assert clean.pk != export.pk and clean.status == BoardExport.Status.DONE
    assert got == sheets(clean)
    codes = [row[3] for row in got["村（社区）星级明细"][1:]]
    assert len(codes) == len(set(codes)) == 6 * 3 + 4  # every village of the county's 8 towns, once
    assert "已停滞" not in page(admin, f"/boards/exports/{export.pk}/")[1]
