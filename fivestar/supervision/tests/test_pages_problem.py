"""A problem's page and its steps through the web: the village rectifies with evidence, the team accepts or
returns, deadlines change with a reason; refusals show the service's message (never a 500) and save nothing."""

import datetime
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from fivestar.rating.models import Evidence
from fivestar.supervision.models import Problem, ProblemEvent, ProblemStats, Rectification

from .conftest import png

pytestmark = pytest.mark.django_db


def url(p, step=""):
    return f"/supervision/problems/{p.pk}/" + (f"{step}/" if step else "")


def _buttons(html):
    return set(re.findall(r'data-testid="(rectify-submit|start-submit|accept-submit|reject-submit|deadline-submit)"', html))


def test_detail_shows_the_problem_photos_and_the_history_in_words(sup, world, login):
    p = sup.problem(description="党员活动室卫生差", photos=[sup.photo()], severity="general")
    html = login(sup.secretary_user).get(url(p)).content.decode()
    assert "党员活动室卫生差" in html and "较重" in html and "待整改" in html
    assert "王书记（村党支部书记）" in html  # the responsible person, by name
    assert re.search(r'/rating/evidence/\d+/thumb/', html)
    assert "发现问题" in html and "张督导" in html  # the history names the people, never login names
    assert "supervisor" not in re.sub(r"<[^>]+>", "", html).split("办理记录")[1]


def test_buttons_per_role(sup, world, login):
    p = sup.problem()
    assert _buttons(login(sup.secretary_user).get(url(p)).content.decode()) == {"rectify-submit", "start-submit"}
    assert _buttons(login(sup.supervisor).get(url(p)).content.decode()) == {"deadline-submit"}
    observer = login(sup.observer).get(url(p)).content.decode()
    assert _buttons(observer) == set() and 'data-testid="no-actions"' in observer
    assert _buttons(login(sup.area_user).get(url(p)).content.decode()) == set()


def test_village_submits_rectification_with_evidence_then_team_rejects_then_accepts(sup, world, login):
    p = sup.problem()
    village = login(sup.secretary_user)
    response = village.post(url(p, "rectify"), {"measures": "已组织清运垃圾 3 车", "version": p.version,
                                                "files": [png(name="after.png"), png((10, 200, 10), name="after2.png")]})
    assert response.status_code == 302
    p.refresh_from_db()
    assert p.status == "checking"
    r = Rectification.objects.get(problem=p)
    assert r.measures == "已组织清运垃圾 3 车" and r.evidence.count() == 2
    assert {e.org_unit_id for e in r.evidence.all()} == {world.village.pk}

    team = login(sup.supervisor)
    refused = team.post(url(p, "reject"), {"comment": "", "version": p.version})
    assert refused.status_code == 400 and "退回须填写复查意见" in refused.content.decode()
    assert team.post(url(p, "reject"), {"comment": "东头还有一堆", "version": p.version, "files": [png((0, 0, 200))]}).status_code == 302
    p.refresh_from_db()
    assert p.status == "rectifying"
    r.refresh_from_db()
    assert r.outcome == "rejected" and r.review_comment == "东头还有一堆" and r.review_photos.count() == 1

    village = login(sup.secretary_user)  # one test client: each login switches its user
    assert village.post(url(p, "rectify"), {"measures": "东头也清理了", "version": p.version}).status_code == 302
    p.refresh_from_db()
    team = login(sup.supervisor)
    assert team.post(url(p, "accept"), {"comment": "已整改到位", "version": p.version}).status_code == 302
    p.refresh_from_db()
    assert p.status == "closed" and p.closed_by == sup.supervisor
    html = team.get(url(p)).content.decode()
    assert "复查通过销号" in html and "复查退回" in html and "东头还有一堆" in html
    assert list(ProblemEvent.objects.filter(problem=p).values_list("action", flat=True)) == ["create", "submit", "reject", "submit", "accept"]
    assert ProblemStats.objects.get(unit=world.village).open == 0


def test_refused_transitions_show_the_message_never_a_500(sup, world, login):
    p = sup.problem()
    village = login(sup.secretary_user)
    refused = village.post(url(p, "accept"), {"comment": "自己销号", "version": p.version})
    assert refused.status_code == 400
    assert "村里不能为本村的问题销号" in refused.content.decode()
    team = login(sup.supervisor)
    refused = team.post(url(p, "accept"), {"version": p.version})
    assert refused.status_code == 400 and "该问题尚未提交整改，不能销号" in refused.content.decode()
    observer = login(sup.observer)
    refused = observer.post(url(p, "rectify"), {"measures": "观察员来整改", "version": p.version, "files": [png()]})
    assert refused.status_code == 400 and "村干部或包村干部" in refused.content.decode()
    assert not Evidence.objects.filter(original_name="photo.png", uploaded_by=sup.observer).exists()  # nothing half saved
    p.refresh_from_db()
    assert p.status == "pending"


def test_a_stale_page_is_refused_and_shows_the_current_state(sup, world, login):
    p = sup.problem()
    stale = p.version
    village = login(sup.secretary_user)
    assert village.post(url(p, "start"), {"note": "开始", "version": stale}).status_code == 302
    refused = village.post(url(p, "rectify"), {"measures": "旧页面提交", "version": stale})
    assert refused.status_code == 400
    html = refused.content.decode()
    assert "已被他人修改" in html and "旧页面提交" in html  # the typed text is kept
    assert not Rectification.objects.filter(problem=p).exists()


def test_hostile_uploads_are_refused_cleanly_and_nothing_is_saved(sup, world, login):
    p = sup.problem()
    village = login(sup.secretary_user)
    fake = SimpleUploadedFile("photo.jpg", b"<html><script>alert(1)</script></html>", content_type="image/jpeg")
    response = village.post(url(p, "rectify"), {"measures": "整改了", "version": p.version, "files": [png(), fake]})
    assert response.status_code == 400
    assert "不允许上传" in response.content.decode() or "无法识别" in response.content.decode()
    p.refresh_from_db()
    assert p.status == "pending" and not Rectification.objects.exists()
    assert not Evidence.objects.filter(org_unit=world.village).exists()
    too_many = [png((i, i, i), name=f"p{i}.png") for i in range(10)]
    response = village.post(url(p, "rectify"), {"measures": "整改了", "version": p.version, "files": too_many})
    assert response.status_code == 400 and "一次最多上传 9 个文件" in response.content.decode()


def test_deadline_change_needs_a_reason_and_is_recorded(sup, world, login):
    p = sup.problem()
    team = login(sup.supervisor)
    new = timezone.localdate() + datetime.timedelta(days=40)
    refused = team.post(url(p, "deadline"), {"deadline": new.isoformat(), "reason": "", "version": p.version})
    assert refused.status_code == 400 and "须填写理由" in refused.content.decode()
    assert team.post(url(p, "deadline"), {"deadline": "2024-02-30", "reason": "x", "version": p.version}).status_code == 400
    assert team.post(url(p, "deadline"), {"deadline": new.isoformat(), "reason": "等施工队", "version": p.version}).status_code == 302
    p.refresh_from_db()
    assert p.deadline == new
    html = team.get(url(p)).content.decode()
    assert "调整期限" in html and "等施工队" in html
    village = login(sup.secretary_user)
    refused = village.post(url(p, "deadline"), {"deadline": new.isoformat(), "reason": "村里想延期", "version": p.version})
    assert refused.status_code == 400 and Problem.objects.get(pk=p.pk).deadline == new


def test_get_on_a_step_is_refused_and_unknown_ids_are_404(sup, world, login):
    p = sup.problem()
    client = login(sup.supervisor)
    assert client.get(url(p, "accept")).status_code == 405
    assert client.get("/supervision/problems/999999/").status_code == 404
    assert client.post("/supervision/problems/999999/accept/", {}).status_code == 404


def test_rectification_and_review_photos_are_stored_without_location(sup, world, login):
    """A phone's photo of the rectified site carries where it was taken: stored (and served) without it, the time kept."""
    from fivestar.rating.tests.images import assert_stored_without_location, photo_with_gps

    p = sup.problem()
    response = login(sup.secretary_user).post(url(p, "rectify"), {
        "measures": "已清运", "version": p.version, "files": [SimpleUploadedFile("整改后.jpg", photo_with_gps(), content_type="image/jpeg")]})
    assert response.status_code == 302
    assert_stored_without_location(Rectification.objects.get(problem=p).evidence.get())
    p.refresh_from_db()
    response = login(sup.supervisor).post(url(p, "reject"), {
        "comment": "东头还有", "version": p.version, "files": [SimpleUploadedFile("复查.png", photo_with_gps("PNG"))]})
    assert response.status_code == 302
    assert_stored_without_location(Rectification.objects.get(problem=p).review_photos.get())


def test_invisible_characters_are_cleaned_from_the_rectification_form(sup, world, login):
    p = sup.problem()
    response = login(sup.secretary_user).post(url(p, "rectify"), {"measures": "已\u200b清运\x00垃圾\u202e", "version": p.version})
    assert response.status_code == 302
    assert Rectification.objects.get(problem=p).measures == "已清运垃圾"
