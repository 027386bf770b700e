"""Exports read back: the town's xlsx (openpyxl, formula-safe), PDF (pdftotext) and PNG (PIL) at once; a county's as a
background job with progress and a download, resumed after a kill with the same rows; the API."""

import io
import subprocess

import openpyxl
import pytest
from django.utils import timezone
from PIL import Image

from fivestar.boards.screens import exports, exports_jobs
from fivestar.boards.screens.models import BoardExport

from .conftest import YEAR

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def body(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


def test_town_xlsx_lists_every_village_and_keeps_formulas_as_text(screens, client):
    s = screens.standard()
    w = s.world
    w.community.name = w.community.display_name = "=HYPERLINK(\"http://x\",\"点我\")"
    w.community.save()
    client.force_login(s.plan.town_admin)
    r = client.get(f"/boards/export/{w.town.pk}/xlsx/", {"year": YEAR})
    assert r.status_code == 200 and r["Content-Type"] == XLSX
    assert "attachment" in r["Content-Disposition"]
    wb = openpyxl.load_workbook(io.BytesIO(body(r)))
    assert wb.sheetnames[:4] == ["村星级矩阵", "本月红黑旗", "最近观摩排名", "较上轮变化"]
    ws = wb["村星级矩阵"]
    rows = list(ws.iter_rows(values_only=True))
    assert rows[0][:3] == ("村（社区）", "片区", "类别") and "产业兴旺星" in rows[0]
    by_name = {row[0]: row for row in rows[1:]}
    assert set(by_name) == {"西辛庄村", "庆南村", "=HYPERLINK(\"http://x\",\"点我\")"}
    col = rows[0].index("产业兴旺星")
    assert by_name["西辛庄村"][col] == "目标·有风险" and by_name["庆南村"][col] == "已获得"
    formula_cell = next(c for c in ws["A"] if c.value and str(c.value).startswith("="))
    assert formula_cell.data_type == "s"  # text, never run


def test_town_xlsx_follows_the_boards_filters(screens, client):
    s = screens.standard()
    client.force_login(s.plan.town_admin)
    r = client.get(f"/boards/export/{s.world.town.pk}/xlsx/", {"year": YEAR, "star": "cyxw", "area": s.world.area.pk})
    rows = list(openpyxl.load_workbook(io.BytesIO(body(r)))["村星级矩阵"].iter_rows(values_only=True))
    assert [row[0] for row in rows[1:]] == ["西辛庄村"]
    assert rows[0][3:] == ("产业兴旺星", "已获星数", "目标星级")


def test_town_pdf_and_png_read_back(screens, client, tmp_path):
    s = screens.standard()
    client.force_login(s.plan.town_admin)
    pdf = client.get(f"/boards/export/{s.world.town.pk}/pdf/", {"year": YEAR})
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    (tmp_path / "t.pdf").write_bytes(pdf.content)
    text = subprocess.run(["pdftotext", "-layout", str(tmp_path / "t.pdf"), "-"], capture_output=True, text=True).stdout
    assert f"庆祖镇 {YEAR} 年度挂图作战" in text and "西辛庄村" in text and "目标·有风险" in text
    png = client.get(f"/boards/export/{s.world.town.pk}/png/", {"year": YEAR})
    assert png.status_code == 200 and png["Content-Type"] == "image/png"
    image = Image.open(io.BytesIO(png.content))
    assert image.format == "PNG" and image.width == 1600 and image.height > 400


@pytest.mark.parametrize("who,unit,fmt,status", [
    ("secretary_user", "town", "xlsx", 404), ("other_town_admin", "town", "xlsx", 404), ("town_admin", "town", "bogus", 404),
    ("town_admin", "village", "xlsx", 404), ("county_admin", "far_town", "pdf", 404),
])
def test_exports_scope(screens, client, who, unit, fmt, status):
    s = screens.standard()
    client.force_login(getattr(s.plan, who))
    assert client.get(f"/boards/export/{getattr(s.world, unit).pk}/{fmt}/", {"year": YEAR}).status_code == status


def run_export(client, unit, fmt, capture):
    with capture(execute=True):
        r = client.post(f"/boards/export/{unit.pk}/{fmt}/", {"year": YEAR})
    assert r.status_code == 302
    return BoardExport.objects.order_by("-pk").first()


def test_county_exports_run_in_the_background_and_download(screens, client, django_capture_on_commit_callbacks, tmp_path):
    s = screens.standard()
    w = s.world
    client.force_login(s.plan.county_admin)
    confirm = client.get(f"/boards/export/{w.county.pk}/xlsx/", {"year": YEAR})
    assert confirm.status_code == 200 and "开始导出" in confirm.content.decode()
    for fmt in ("xlsx", "pdf", "png", "villages"):
        export = run_export(client, w.county, fmt, django_capture_on_commit_callbacks)
        assert export.status == BoardExport.Status.DONE, export.message
        page = client.get(f"/boards/exports/{export.pk}/").content.decode()
        assert "已完成" in page and "100%" in page and f"/boards/exports/{export.pk}/download/" in page
        data = body(client.get(f"/boards/exports/{export.pk}/download/"))
        if fmt == "xlsx":
            rows = list(openpyxl.load_workbook(io.BytesIO(data))["下级单位对比"].iter_rows(values_only=True))
            assert {r[0] for r in rows[1:]} == {"庆祖镇", "八公桥镇"}
        elif fmt == "villages":
            rows = list(openpyxl.load_workbook(io.BytesIO(data))["村（社区）星级明细"].iter_rows(values_only=True))
            assert sorted(r[2] for r in rows[1:]) == sorted(["西辛庄村", "庆南村", "龙鑫苑社区", "八公桥村"])
        elif fmt == "pdf":
            (tmp_path / "c.pdf").write_bytes(data)
            text = subprocess.run(["pdftotext", str(tmp_path / "c.pdf"), "-"], capture_output=True, text=True).stdout
            assert "濮阳县" in text and "各乡镇对比" in text and "示意图" in text
        else:
            assert Image.open(io.BytesIO(data)).format == "PNG"
    # someone else cannot see or download it
    client.force_login(s.plan.town_admin)
    assert client.get(f"/boards/exports/{export.pk}/").status_code == 404
    assert client.get(f"/boards/exports/{export.pk}/download/").status_code == 404


def test_town_admin_cannot_start_a_county_export(screens, client):
    s = screens.standard()
    client.force_login(s.plan.town_admin)
    assert client.post(f"/boards/export/{s.world.county.pk}/villages/", {"year": YEAR}).status_code == 404
    assert not BoardExport.objects.exists()


def test_second_click_returns_the_running_export(screens):
    s = screens.standard()
    first = exports_jobs.start_export(s.plan.county_admin, s.world.county, YEAR, "villages_xlsx")
    again = exports_jobs.start_export(s.plan.county_admin, s.world.county, YEAR, "villages_xlsx")
    assert first.pk == again.pk and BoardExport.objects.count() == 1
    with pytest.raises(exports_jobs.ExportError):
        exports_jobs.start_export(s.plan.county_admin, s.world.county, "20x5", "villages_xlsx")
    with pytest.raises(exports_jobs.ExportError):
        exports_jobs.start_export(s.plan.county_admin, s.world.county, YEAR, "everything")
    with pytest.raises(exports_jobs.ExportError):
        exports_jobs.start_export(s.plan.county_admin, s.world.town, YEAR, "villages_xlsx")


class Killed(BaseException):
    """What a kill -9 looks like from inside: nothing after it runs, no except Exception catches it."""


def test_a_killed_export_resumes_with_the_parts_already_written(screens, monkeypatch, django_capture_on_commit_callbacks, settings):
    from fivestar.core import jobs

    s = screens.standard()
    w = s.world
    monkeypatch.setattr(exports, "VILLAGE_CHUNK", 1)  # one town per step: 庆祖镇, then 八公桥镇
    calls = []
    real_rows = exports.village_rows

    def dying_rows(user, town_ids, year, stars):
        calls.append(list(town_ids))
        if len(calls) == 2:
            raise Killed
        return real_rows(user, town_ids, year, stars)

    monkeypatch.setattr(exports, "village_rows", dying_rows)
    export = exports_jobs.start_export(s.plan.county_admin, w.county, YEAR, "villages_xlsx")
    with pytest.raises(Killed):
        exports_jobs.run(export.pk)
    export.refresh_from_db()
    assert export.status == BoardExport.Status.RUNNING and export.done == 1 and export.total == 3
    assert len(list((exports_jobs.job_dir(export) / "parts").glob("*.jsonl"))) == 1
    assert not exports_jobs.is_stalled(export)
    BoardExport.objects.filter(pk=export.pk).update(heartbeat_at=timezone.now() - timezone.timedelta(hours=1))
    export.refresh_from_db()
    assert exports_jobs.is_stalled(export)
    with django_capture_on_commit_callbacks(execute=True):
        lines = jobs.resume_stalled()
    assert any("挂图作战导出" in line for line in lines)
    export.refresh_from_db()
    assert export.status == BoardExport.Status.DONE and export.done == export.total == 3
    assert calls[2:] == [calls[1]]  # only the town not written before the kill was read again
    with export.file.open("rb") as fh:
        resumed = list(openpyxl.load_workbook(io.BytesIO(fh.read()))["村（社区）星级明细"].iter_rows(values_only=True))
    # an uninterrupted export has the same rows
    monkeypatch.setattr(exports, "village_rows", real_rows)
    other = exports_jobs.start_export(s.plan.county_admin, w.county, YEAR, "villages_xlsx")
    exports_jobs.run(other.pk)
    other.refresh_from_db()
    with other.file.open("rb") as fh:
        straight = list(openpyxl.load_workbook(io.BytesIO(fh.read()))["村（社区）星级明细"].iter_rows(values_only=True))
    assert resumed == straight and len(resumed) == 5


def test_stalled_export_page_offers_to_resume(screens, client):
    s = screens.standard()
    export = exports_jobs.start_export(s.plan.county_admin, s.world.county, YEAR, "board_xlsx")
    BoardExport.objects.filter(pk=export.pk).update(heartbeat_at=timezone.now() - timezone.timedelta(hours=1))
    client.force_login(s.plan.county_admin)
    html = client.get(f"/boards/exports/{export.pk}/").content.decode()
    assert "已停滞" in html and "继续导出" in html


def test_village_export_memory_is_one_chunk(screens, monkeypatch):
    """The rows of one chunk of towns are read at a time, never all villages at once."""
    s = screens.standard()
    monkeypatch.setattr(exports, "VILLAGE_CHUNK", 1)
    seen = []
    real = exports.village_rows

    def spy(user, town_ids, year, stars):
        seen.append(len(town_ids))
        return real(user, town_ids, year, stars)

    monkeypatch.setattr(exports, "village_rows", spy)
    export = exports_jobs.start_export(s.plan.county_admin, s.world.county, YEAR, "villages_xlsx")
    exports_jobs.run(export.pk)
    assert seen == [1, 1]


# -- API --------------------------------------------------------------------------------------------------------


def token(user):
    from fivestar.api.models import ApiToken

    return {"HTTP_AUTHORIZATION": f"Bearer {ApiToken.issue(user, label='test')}"}


def test_api_town_export_files(screens, client):
    s = screens.standard()
    h = token(s.plan.town_admin)
    r = client.get(f"/api/v1/boards/export/{s.world.town.pk}", {"format": "xlsx", "year": YEAR}, **h)
    assert r.status_code == 200 and r["Content-Type"] == XLSX
    assert openpyxl.load_workbook(io.BytesIO(body(r)))["村星级矩阵"].max_row == 4
    assert client.get(f"/api/v1/boards/export/{s.world.town.pk}", {"format": "exe"}, **h).status_code == 400
    assert client.get(f"/api/v1/boards/export/{s.world.other_town.pk}", {"format": "pdf"}, **h).status_code == 404
    county = client.get(f"/api/v1/boards/export/{s.world.county.pk}", {"format": "xlsx"}, **token(s.plan.county_admin))
    assert county.status_code == 400 and "POST /api/v1/boards/exports" in county.json()["detail"]


def test_api_export_job(screens, client, django_capture_on_commit_callbacks):
    s = screens.standard()
    h = token(s.plan.county_admin)
    with django_capture_on_commit_callbacks(execute=True):
        r = client.post("/api/v1/boards/exports", {"unit_id": s.world.county.pk, "year": YEAR, "kind": "villages_xlsx"},
                        content_type="application/json", **h)
    assert r.status_code == 201, r.content
    pk = r.json()["id"]
    status = client.get(f"/api/v1/boards/exports/{pk}", **h).json()
    assert status["status"] == "done" and status["percent"] == 100 and status["download"]
    data = body(client.get(status["download"], **h))
    assert openpyxl.load_workbook(io.BytesIO(data))["村（社区）星级明细"].max_row == 5
    assert client.get("/api/v1/boards/exports", **h).json()["count"] == 1
    assert client.post(f"/api/v1/boards/exports/{pk}/resume", **h).status_code == 400  # finished: nothing to resume
    other = token(s.plan.town_admin)
    assert client.get(f"/api/v1/boards/exports/{pk}", **other).status_code == 404
    bad = client.post("/api/v1/boards/exports", {"unit_id": s.world.county.pk, "year": YEAR, "kind": "all"},
                      content_type="application/json", **h)
    assert bad.status_code == 400 and "导出内容不正确" in bad.json()["detail"]
    assert client.post("/api/v1/boards/exports", {"unit_id": s.world.city.pk, "year": YEAR, "kind": "board_pdf"},
                       content_type="application/json", **h).status_code == 404
    assert client.post("/api/v1/boards/exports", {"unit_id": "x", "year": 1}, content_type="application/json", **h).status_code == 422
