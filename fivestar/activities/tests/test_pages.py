"""Pages: per-role scope (out of scope 404, no authority 403), junk input never a 500, lists with constant
queries, the honours import all-or-nothing, exports read back."""

import datetime
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from openpyxl import Workbook, load_workbook

from fivestar.activities.models import ActivitySession, Honour, Incident
from fivestar.activities.services import records, safety, sessions

pytestmark = pytest.mark.django_db
D = datetime.date


def _session(act, day=5):
    return sessions.create_session(act.cadre, act.world.village, kind=act.kind("night_school").pk, date=D(2026, 3, day), title=f"夜校{day}", expected=4)


def test_village_page_and_scope(act, login):
    w = act.world
    records.add_honour(act.cadre, w.village, title="全国文明村", level="national", issuer="中央文明委", year=2020)
    s = _session(act)
    c = login(act.cadre)
    page = c.get(f"/activities/villages/{w.village.code}/?year=2026")
    assert page.status_code == 200 and "全国文明村" in page.content.decode() and "夜校5" in page.content.decode()
    assert c.get(f"/activities/villages/{w.sibling.code}/").status_code == 404  # another village
    assert c.get(f"/activities/villages/{w.other_village.code}/new/sessions/").status_code == 404
    assert c.get(f"/activities/sessions/{s.pk}/").status_code == 200
    observer = login(w.users["observer"])
    assert observer.get(f"/activities/villages/{w.village.code}/").status_code == 200  # county sees
    assert observer.get(f"/activities/villages/{w.village.code}/new/honours/").status_code == 403
    assert observer.post(f"/activities/sessions/{s.pk}/", {"person": [act.members[0].pk]}).status_code == 403
    assert observer.get(f"/activities/kinds/{w.town.code}/").status_code == 200
    assert observer.post(f"/activities/kinds/{w.town.code}/", {"name": "x"}).status_code == 403
    far = login(w.users["area_leader"])
    assert far.get(f"/activities/villages/{w.sibling.code}/").status_code == 404  # outside the area


def test_forms_save_and_junk_never_500(act, login):
    w = act.world
    c = login(act.cadre)
    url = f"/activities/villages/{w.village.code}/new/"
    r = c.post(url + "sessions/", {"kind": act.kind("night_school").pk, "date": "2026-11-26", "title": "周四夜校", "expected": "10"})
    s = ActivitySession.objects.get(title="周四夜校")
    assert r.status_code == 302 and r["Location"] == f"/activities/sessions/{s.pk}/"
    for what, junk in [("sessions", {"kind": "x", "date": "yesterday", "expected": "-3"}), ("honours", {"level": "?", "year": "二〇二〇"}),
                       ("awards", {"year": "99999999999999999999"}), ("pairs", {"mentor": "abc", "start": "2026-13-40"}),
                       ("checks", {"date": "", "risks_found": "1e9"}), ("incidents", {"kind": "war", "severity": "x"}),
                       ("projects", {"year": "", "budget": "NaN", "progress": "500"}), ("nothing", {})]:
        r = c.post(url + f"{what}/", junk)
        assert r.status_code in (200, 403), (what, r.status_code)
    assert c.post(f"/activities/sessions/{s.pk}/", {"person": ["abc"]}).status_code == 302
    assert c.get("/activities/list/sessions/?year=abc&page=zz&unit=%00&kind=" + "x" * 500).status_code == 200
    assert c.get("/activities/list/nothing/").status_code == 404
    assert c.get("/activities/check-in/nope/").status_code == 404
    assert c.post("/activities/incidents/999999/").status_code == 404


def test_check_in_page(act, login):
    s = _session(act)
    c = login(act.cadre)
    page = c.get(f"/activities/check-in/{s.qr_token}/")
    assert "李示例 签到" in page.content.decode()
    c.post(f"/activities/check-in/{s.qr_token}/")
    s.refresh_from_db()
    assert s.attended == 1
    other = login(act.town_admin)
    assert "仅限" in other.get(f"/activities/check-in/{s.qr_token}/").content.decode()
    assert c.get(f"/activities/sessions/{s.pk}/qr.png")["Content-Type"] == "image/png"


def test_lists_query_count_constant(act, login):
    c = login(act.county_admin)

    def count():
        with CaptureQueriesContext(connection) as ctx:
            for what in ("sessions", "honours", "incidents", "projects", "pairs", "awards", "checks"):
                assert c.get(f"/activities/list/{what}/").status_code == 200
        return len(ctx.captured_queries)

    _session(act, 1)
    records.add_honour(act.cadre, act.world.village, title="A", level="county", issuer="县委", year=2020)
    first = count()
    for day in range(2, 8):
        _session(act, day)
        records.add_honour(act.cadre, act.world.village, title=f"荣誉{day}", level="city", issuer="市委", year=2021)
        safety.record_incident(act.cadre, act.world.village, date=D(2026, 3, day), kind="petition", severity="minor", description="纠纷")
    assert count() == first + 1  # the incident list is no longer empty: its page counts once


def _xlsx(rows):
    wb = Workbook()
    ws = wb.active
    for r in rows:
        ws.append(r)
    out = io.BytesIO()
    wb.save(out)
    out.seek(0)
    out.name = "荣誉.xlsx"
    return out


HEAD = ["村（社区）代码", "村（社区）名称", "荣誉称号", "级别", "授予单位", "年度", "备注"]


def test_import_bad_row_saves_nothing_then_good_file(act, login):
    w = act.world
    c = login(act.town_admin)
    template = load_workbook(io.BytesIO(c.get("/activities/honours/import/template.xlsx").content))
    assert [cell.value for cell in template.active[1]] == HEAD
    bad = _xlsx([HEAD, [w.village.code, "", "全国文明村", "国家级", "中央文明委", 2020, ""], [w.sibling.code, "", "省级森林乡村", "宇宙级", "省林业局", 2021, ""],
                 [w.other_village.code, "", "x", "县级", "y", 2021, ""]])
    page = c.post("/activities/honours/import/", {"file": bad}).content.decode()
    assert "第3行" in page and "宇宙级" in page and "第4行" in page and Honour.objects.count() == 0
    good = _xlsx([HEAD, [w.village.code, "", "全国文明村", "国家级", "中央文明委", 2020, ""], [w.sibling.code, "", "省级森林乡村", "省级", "省林业局", 2021.0, ""]])
    assert c.post("/activities/honours/import/", {"file": good}).status_code == 302
    assert Honour.objects.count() == 2
    not_xlsx = io.BytesIO(b"a,b,c\n")
    not_xlsx.name = "x.xlsx"
    assert "不是 Excel" in c.post("/activities/honours/import/", {"file": not_xlsx}).content.decode()
    assert login(act.world.users["observer"]).get("/activities/honours/import/").status_code == 403


def test_exports_read_back_formula_safe(act, login):
    w = act.world
    records.add_award(act.cadre, w.village, person_name="=HYPERLINK(\"x\")", category="好媳妇", year=2026)
    safety.record_incident(act.cadre, w.village, date=D(2026, 3, 1), kind="petition", severity="minor", description="邻里纠纷")
    c = login(act.county_admin)
    wb = load_workbook(io.BytesIO(b"".join(c.get("/activities/export/awards.xlsx").streaming_content)))
    rows = list(wb.active.iter_rows(values_only=True))
    assert rows[0][:3] == ("村（社区）", "年度", "评选类别") and rows[1][3] == '=HYPERLINK("x")'
    assert wb.active.cell(2, 4).data_type == "s"
    wb = load_workbook(io.BytesIO(b"".join(c.get("/activities/export/incidents.xlsx?year=2026").streaming_content)))
    assert list(wb.active.iter_rows(values_only=True))[1][2] == "信访"
    assert Incident.objects.count() == 1


def test_honour_certificate_is_stored_without_location(act, login):
    from django.core.files.uploadedfile import SimpleUploadedFile
    from PIL import Image

    image = Image.new("RGB", (40, 30), "red")
    exif = Image.Exif()
    exif[0x010F] = "示例相机"
    out = io.BytesIO()
    image.save(out, "JPEG", exif=exif.tobytes())
    c = login(act.cadre)
    r = c.post(f"/activities/villages/{act.world.village.code}/new/honours/",
               {"title": "省级森林乡村", "level": "provincial", "issuer": "河南省林业局", "year": "2021",
                "certificate": SimpleUploadedFile("证书.jpg", out.getvalue(), "image/jpeg")})
    assert r.status_code == 302
    honour = Honour.objects.get()
    with honour.certificate.file.open("rb") as f, Image.open(f) as stored:
        assert not stored.getexif()
    fake = SimpleUploadedFile("证书.jpg", b"MZ\x90\x00 not an image", "image/jpeg")
    r = c.post(f"/activities/villages/{act.world.village.code}/new/honours/",
               {"title": "另一项", "level": "county", "issuer": "县委", "year": "2022", "certificate": fake})
    assert r.status_code == 200 and Honour.objects.count() == 1


def test_village_page_queries_do_not_grow(act, login):
    from fivestar.activities.services import records as rec

    w = act.world
    c = login(act.county_admin)
    url = f"/activities/villages/{w.village.code}/?year=2026"
    _session(act, 1)
    project = rec.add_project(act.cadre, w.village, name="户厕改造", year=2026)
    rec.add_funding(act.cadre, project, source="village", value="10", date=D(2026, 3, 1))
    c.get(url)
    with CaptureQueriesContext(connection) as first:
        assert c.get(url).status_code == 200
    for day in range(2, 9):
        _session(act, day)
        rec.add_award(act.cadre, w.village, person_name=f"人{day}", category="好媳妇", year=2026)
        p = rec.add_project(act.cadre, w.village, name=f"项目{day}", year=2026)
        rec.add_funding(act.cadre, p, source="donation", value="5", date=D(2026, 3, day))
    with CaptureQueriesContext(connection) as second:
        assert c.get(url).status_code == 200
    assert len(second.captured_queries) == len(first.captured_queries)


def test_incident_list_filters_proposed_vetoes(act, login, frameworks):
    safety.record_incident(act.cadre, act.world.village, date=D(2026, 3, 1), kind="case", severity="major", description="盗窃")
    safety.record_incident(act.cadre, act.world.village, date=D(2026, 3, 2), kind="petition", severity="minor", description="纠纷")
    page = login(act.town_admin).get("/activities/list/incidents/?veto=proposed").content.decode()
    assert "盗窃" in page and "纠纷" not in page


def test_list_cells_carry_their_column_name_for_the_phone_cards(act, login):
    """On a phone the table stacks into cards: every cell names its column, or a bare "16" says nothing."""
    _session(act, 1)
    html = login(act.county_admin).get("/activities/list/sessions/").content.decode()
    from fivestar.activities.columns import header
    for name in header("sessions"):
        assert f'data-label="{name}"' in html
