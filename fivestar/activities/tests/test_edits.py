"""Correcting and deleting records, certificates for honours already recorded, the honours import over the API:
scope (404), authority and rank (403), junk (400/422 in Chinese, nothing changed), history with the author and reason."""

import datetime
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook

from fivestar.activities.models import ActivitySession, Award, Honour, Incident
from fivestar.activities.services import edits, records, safety, sessions
from fivestar.activities.services.errors import ActivityError

pytestmark = pytest.mark.django_db
D = datetime.date


def _h(token):
    return {"HTTP_AUTHORIZATION": f"Bearer {token}"}


def _jpeg_with_exif():
    from PIL import Image

    image = Image.new("RGB", (40, 30), "red")
    exif = Image.Exif()
    exif[0x010F] = "示例相机"
    out = io.BytesIO()
    image.save(out, "JPEG", exif=exif.tobytes())
    return out.getvalue()


def test_service_edit_checks_rank_and_keeps_history(act):
    w = act.world
    s = sessions.create_session(act.cadre, w.village, kind=act.kind("night_school").pk, date=D(2026, 3, 5), title="夜校", expected=4)
    edits.update_record(act.cadre, "sessions", s, {"title": "周四夜校", "expected": "6"})
    s.refresh_from_db()
    assert (s.title, s.expected, s.kind.code) == ("周四夜校", 6, "night_school")
    assert s.history.first().history_user == act.cadre
    with pytest.raises(ActivityError, match="不能晚于今天"):
        edits.update_record(act.cadre, "sessions", s, {"date": "2999-01-01"})
    award = records.add_award(act.town_admin, w.village, person_name="张三", category="好媳妇", year=2025)
    with pytest.raises(edits.Outranked, match="只有"):
        edits.update_record(act.cadre, "awards", award, {"category": "最美邻里"})
    with pytest.raises(edits.Outranked):
        edits.delete_record(act.cadre, "awards", award, "录错")
    edits.update_record(act.county_admin, "awards", award, {"category": "最美邻里"})
    assert Award.objects.get(pk=award.pk).category == "最美邻里"
    with pytest.raises(ActivityError, match="删除原因"):
        edits.delete_record(act.town_admin, "awards", award, "  ")
    pk = award.pk
    edits.delete_record(act.town_admin, "awards", award, "重复登记")
    last = Award.history.filter(id=pk).first()
    assert last.history_type == "-" and last.history_change_reason == "重复登记" and last.history_user == act.town_admin
    assert not Award.objects.filter(pk=pk).exists()


def test_editing_an_incident_follows_its_veto(act, frameworks):
    w = act.world
    i = safety.record_incident(act.cadre, w.village, date=D(2026, 3, 5), kind="accident", severity="minor", description="小事故")
    assert i.veto_status == ""
    edits.update_record(act.cadre, "incidents", i, {"severity": "major"})
    assert Incident.objects.get(pk=i.pk).veto_status == "proposed"
    safety.confirm_veto(act.town_admin, i, "属实")
    i.refresh_from_db()
    with pytest.raises(ActivityError, match="只能修改情况说明"):
        edits.update_record(act.town_admin, "incidents", i, {"severity": "minor"})
    edits.update_record(act.town_admin, "incidents", i, {"outcome": "已整改"})
    with pytest.raises(ActivityError, match="不能删除"):
        edits.delete_record(act.town_admin, "incidents", i, "误报")


def test_pages_edit_delete_and_certificate(act, login):
    w = act.world
    honour = records.add_honour(act.town_admin, w.village, title="全国文明村", level="national", issuer="中央文明委", year=2020)
    mine = records.add_risk_check(act.cadre, w.village, date=D(2026, 3, 1), checker="李示例", risks_found=1)
    other = records.add_risk_check(act.town_admin, w.sibling, date=D(2026, 3, 1), checker="王", risks_found=0)
    c = login(act.cadre)
    assert c.get(f"/activities/edit/checks/{mine.pk}/").status_code == 200
    assert c.get(f"/activities/edit/checks/{other.pk}/").status_code == 404
    assert c.get(f"/activities/edit/nothing/{mine.pk}/").status_code == 404
    assert c.get(f"/activities/edit/honours/{honour.pk}/").status_code == 403  # the town's entry
    r = c.post(f"/activities/edit/checks/{mine.pk}/", {"date": "2026-13-40", "checker": "", "risks_found": "1e9"})
    assert r.status_code == 200 and "格式" in r.content.decode()
    assert c.post(f"/activities/edit/checks/{mine.pk}/", {"date": "2026-03-02", "checker": "李示例", "risks_found": "2"}).status_code == 302
    mine.refresh_from_db()
    assert (mine.date, mine.risks_found) == (D(2026, 3, 2), 2)
    assert c.post(f"/activities/delete/checks/{mine.pk}/", {"reason": ""}).status_code == 302 and type(mine).objects.filter(pk=mine.pk).exists()
    assert c.post(f"/activities/delete/checks/{mine.pk}/", {"reason": "录入错误"}).status_code == 302
    assert not type(mine).objects.filter(pk=mine.pk).exists()
    observer = login(w.users["observer"])
    assert observer.get(f"/activities/edit/honours/{honour.pk}/").status_code == 403
    assert observer.post(f"/activities/delete/honours/{honour.pk}/", {"reason": "x"}).status_code == 403
    town = login(act.town_admin)
    assert "补传证书" in town.get(f"/activities/villages/{w.village.code}/").content.decode()
    fake = SimpleUploadedFile("证书.jpg", b"MZ\x90\x00 not an image", "image/jpeg")
    r = town.post(f"/activities/edit/honours/{honour.pk}/", {"title": "改了名", "level": "national", "issuer": "中央文明委", "year": "2020", "certificate": fake})
    assert r.status_code == 200 and Honour.objects.get(pk=honour.pk).title == "全国文明村"  # nothing half-saved
    scan = SimpleUploadedFile("证书.jpg", _jpeg_with_exif(), "image/jpeg")
    r = town.post(f"/activities/edit/honours/{honour.pk}/", {"title": "全国文明村", "level": "national", "issuer": "中央文明委", "year": "2020", "certificate": scan})
    assert r.status_code == 302
    honour.refresh_from_db()
    from PIL import Image

    with honour.certificate.file.open("rb") as f, Image.open(f) as stored:
        assert not stored.getexif()


def test_api_update_void_per_role(act, client, api_token):
    w = act.world
    cadre, town = _h(api_token(act.cadre)), _h(api_token(act.town_admin))
    observer = _h(api_token(w.users["observer"]))
    s = sessions.create_session(act.cadre, w.village, kind=act.kind("labour").pk, date=D(2026, 3, 5), title="义务劳动", expected=4)
    far = records.add_project(act.town_admin, w.sibling, name="户厕改造", year=2026, budget=1000)
    url = f"/api/v1/activities/records/sessions/{s.pk}"
    r = client.put(url, {"title": "周六义务劳动", "expected": 8}, content_type="application/json", **cadre)
    assert r.status_code == 200 and r.json()["cells"]["活动内容"] == "周六义务劳动", r.content
    bad = client.put(url, {"expected": -1}, content_type="application/json", **cadre)
    assert bad.status_code == 400 and "应到人数" in bad.json()["detail"]
    assert client.put(url, {"date": "yesterday"}, content_type="application/json", **cadre).status_code == 422
    assert client.put(url, {"kind": 999999}, content_type="application/json", **cadre).status_code == 400
    assert ActivitySession.objects.get(pk=s.pk).title == "周六义务劳动"
    assert client.put(url, {"title": "x"}, content_type="application/json", **observer).status_code == 403
    assert client.put(f"/api/v1/activities/records/projects/{far.pk}", {"progress": 50}, content_type="application/json", **cadre).status_code == 404
    assert client.put(f"/api/v1/activities/records/bogus/{s.pk}", {}, content_type="application/json", **cadre).status_code == 404
    r = client.put(f"/api/v1/activities/records/projects/{far.pk}", {"progress": 500}, content_type="application/json", **town)
    assert r.status_code == 400 and "完成进度" in r.json()["detail"]
    assert client.post(f"{url}/void", {"reason": "x"}, content_type="application/json", **observer).status_code == 403
    assert client.post(f"{url}/void", {}, content_type="application/json", **cadre).status_code == 422
    assert client.post(f"{url}/void", {"reason": " "}, content_type="application/json", **cadre).status_code == 400
    r = client.post(f"{url}/void", {"reason": "重复登记"}, content_type="application/json", **town)
    assert r.status_code == 200 and not ActivitySession.objects.filter(pk=s.pk).exists()
    schema = client.get("/api/v1/openapi.json").json()
    assert "/api/v1/activities/records/{what}/{record_id}/void" in schema["paths"] and "/api/v1/activities/honours/import" in schema["paths"]


def _xlsx(rows):
    wb = Workbook()
    for r in rows:
        wb.active.append(r)
    out = io.BytesIO()
    wb.save(out)
    return SimpleUploadedFile("荣誉.xlsx", out.getvalue())


def test_api_certificate_and_import(act, client, api_token):
    w = act.world
    cadre, town = _h(api_token(act.cadre)), _h(api_token(act.town_admin))
    head = ["村（社区）代码", "村（社区）名称", "荣誉称号", "级别", "授予单位", "年度", "备注"]
    bad = _xlsx([head, [w.village.code, "", "全国文明村", "国家级", "中央文明委", 2020, ""], [w.sibling.code, "", "省级森林乡村", "宇宙级", "省林业局", 2021, ""]])
    r = client.post("/api/v1/activities/honours/import", {"file": bad}, **town)
    assert r.status_code == 422 and "第3行" in r.json()["errors"][0]["message"] and Honour.objects.count() == 0
    assert client.post("/api/v1/activities/honours/import", {"file": _xlsx([head])}, **_h(api_token(w.users["observer"]))).status_code == 403
    good = _xlsx([head, [w.village.code, "", "全国文明村", "国家级", "中央文明委", 2020, ""]])
    r = client.post("/api/v1/activities/honours/import", {"file": good}, **cadre)
    assert r.status_code == 201 and r.json()["created"] == 1
    honour = Honour.objects.get()
    url = f"/api/v1/activities/honours/{honour.pk}/certificate"
    fake = SimpleUploadedFile("证书.jpg", b"MZ\x90\x00 not an image", "image/jpeg")
    r = client.post(url, {"file": fake}, **cadre)
    assert r.status_code == 400 and r.json()["detail"] and Honour.objects.get().certificate_id is None
    assert client.post(url, {"file": SimpleUploadedFile("证书.jpg", _jpeg_with_exif(), "image/jpeg")}, **_h(api_token(w.users["observer"]))).status_code == 403
    r = client.post(url, {"file": SimpleUploadedFile("证书.jpg", _jpeg_with_exif(), "image/jpeg")}, **cadre)
    assert r.status_code == 200 and Honour.objects.get().certificate_id
    other = records.add_honour(act.town_admin, w.sibling, title="省级森林乡村", level="provincial", issuer="省林业局", year=2021)
    assert client.post(f"/api/v1/activities/honours/{other.pk}/certificate", {"file": fake}, **cadre).status_code == 404


def test_village_org_page_links_to_its_activities(act, login):
    from django.urls import reverse

    code = act.world.village.code
    page = login(act.cadre).get(reverse("orgs:unit", args=[code])).content.decode()
    assert f'href="/activities/villages/{code}/"' in page


def test_pair_and_incident_edits(act, client, api_token, frameworks):
    w = act.world
    pair = records.add_pair(act.cadre, w.village, mentor=act.mentor.pk, mentee=act.secretary.pk, kind="secretary", start=D(2026, 1, 5))
    edits.update_record(act.cadre, "pairs", pair, {"meetings_held": "3", "end": "2026-12-31"})
    pair.refresh_from_db()
    assert (pair.meetings_held, pair.end, pair.mentor_id) == (3, D(2026, 12, 31), act.mentor.pk)
    with pytest.raises(ActivityError, match="同一人"):
        edits.update_record(act.cadre, "pairs", pair, {"mentor": act.secretary.pk})
    i = safety.record_incident(act.town_admin, w.village, date=D(2026, 3, 5), kind="petition", severity="minor", description="邻里纠纷")
    url = f"/api/v1/activities/records/incidents/{i.pk}"
    r = client.put(url, {"outcome": "已调解"}, content_type="application/json", **_h(api_token(act.cadre)))
    assert r.status_code == 403 and "只有" in r.json()["detail"]  # the town entered it
    r = client.put(url, {"severity": "major"}, content_type="application/json", **_h(api_token(act.town_admin)))
    assert r.status_code == 200 and Incident.objects.get(pk=i.pk).veto_status == "proposed"
    r = client.put(url, {"severity": "huge"}, content_type="application/json", **_h(api_token(act.town_admin)))
    assert r.status_code == 400 and "严重程度" in r.json()["detail"]
