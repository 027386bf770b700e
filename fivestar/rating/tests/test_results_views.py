"""Round actions (发布公示, 认定), objections, a branch's rating history, its certificate, the inbox and reminders."""

import datetime
import re
import subprocess
from pathlib import Path

import pytest
from django.contrib.messages import get_messages
from django.core.management import call_command
from django.db import connection
from django.template.loader import render_to_string
from django.test.utils import CaptureQueriesContext
from django.test import RequestFactory
from django.utils import timezone

from fivestar.core.roles import Role
from fivestar.inbox.models import Notification
from fivestar.people.models import Person
from fivestar.rating.models import Assessment, Objection, Round, Status
from fivestar.rating.services import file_objection, recognise, record_veto
from tests.factories import user_with_role

from .notice_helpers import WEAK_WMXF, approve_all, round_in_notice

SHOTS = Path("/tmp/shots-public")


def last_message(response):
    """The message this request added (earlier, unshown ones stay queued in the cookie)."""
    return [str(m) for m in get_messages(response.wsgi_request)][-1]


def panel(rnd, user):
    request = RequestFactory().get(f"/rating/rounds/{rnd.pk}/")
    request.user = user
    return render_to_string("rating/rounds/_notice_actions.html", {"round": rnd}, request=request)


@pytest.fixture
def far_admin(world):
    return user_with_role("faradmin", Role.TOWN_ADMIN, world.far_town)


@pytest.mark.django_db
def test_start_notice_button_its_error_and_then_the_public_link(world, make_round, login):
    rnd = make_round()
    county = world.users["county_admin"]
    html = panel(rnd, county)
    assert "发布公示" in html and f'action="/rating/rounds/{rnd.pk}/notice/"' in html
    assert "发布公示</button>" not in panel(rnd, world.users["observer"])

    client = login(county)
    back = f"/rating/rounds/{rnd.pk}/?tab=notice"
    response = client.post(f"/rating/rounds/{rnd.pk}/notice/", {"next": back})
    assert response.status_code == 302 and response["Location"] == back
    assert last_message(response) == ("未能发布公示：还有 4 个支部的申报未完成最终审核，不能进入公示。"
                                      "未完成的可在「截止处理」页按“未按期完成”处理（截止日期过后；截止前须县级说明理由）。")
    assert Round.objects.get(pk=rnd.pk).phase == "open"

    approve_all(world, rnd)
    response = client.post(f"/rating/rounds/{rnd.pk}/notice/", {"next": "https://evil.example/"})
    assert response["Location"] == f"/rating/rounds/{rnd.pk}/"  # never redirect off-site
    rnd.refresh_from_db()
    assert rnd.phase == "notice" and last_message(response).startswith("已发布公示")
    html = panel(rnd, county)
    assert f"http://testserver/public/{rnd.public_token}/" in html and f"/public/{rnd.public_token}/qr.png" in html
    assert "认定</button>" in html
    # Each town's notice page and printable notice sit in its row of the round's figures (one level at a time).
    page = client.get(f"/rating/rounds/{rnd.pk}/").content.decode()
    assert f"/public/{rnd.public_token}/towns/410928103/print/" in page and f"/public/{rnd.public_token}/towns/410928103/" in page
    assert f'href="/rating/rounds/{rnd.pk}/objections/"' in html


@pytest.mark.django_db
def test_recognise_button_and_its_errors(world, make_round, login):
    rnd = round_in_notice(world, make_round)
    client = login(world.users["county_admin"])
    response = client.post(f"/rating/rounds/{rnd.pk}/recognise/")
    assert "公示期满后（次日起）方可认定" in last_message(response)
    a = Assessment.objects.get(round=rnd, org_unit=world.village)
    file_objection(rnd, a, "该村平安建设情况与申报不符", "", "client-x")
    Round.objects.filter(pk=rnd.pk).update(notice_end=timezone.localdate() - datetime.timedelta(days=1))
    assert "1 条待处理" in panel(Round.objects.get(pk=rnd.pk), world.users["county_admin"])
    response = client.post(f"/rating/rounds/{rnd.pk}/recognise/")
    assert last_message(response) == "未能认定：还有 1 条异议未处理，处理完毕后方可认定。"
    Objection.objects.update(status="dismissed", resolution="不属实")
    response = client.post(f"/rating/rounds/{rnd.pk}/recognise/")
    assert last_message(response) == "已认定 4 个支部的评星结果。"
    rnd.refresh_from_db()
    assert rnd.phase == "recognised" and "已于" in panel(rnd, world.users["county_admin"])


@pytest.mark.django_db
def test_round_actions_are_refused_or_hidden_outside_scope(world, make_round, login, far_admin):
    rnd = round_in_notice(world, make_round)
    town = login(world.users["town_admin"])
    response = town.post(f"/rating/rounds/{rnd.pk}/recognise/")
    assert last_message(response) == "未能认定：您无权认定评星结果。"
    far = login(far_admin)
    assert far.post(f"/rating/rounds/{rnd.pk}/notice/").status_code == 404
    assert far.post(f"/rating/rounds/{rnd.pk}/recognise/").status_code == 404
    assert far.get(f"/rating/rounds/{rnd.pk}/objections/").status_code == 404
    assert town.get(f"/rating/rounds/{rnd.pk}/notice/").status_code == 405


@pytest.mark.django_db
def test_objections_are_dismissed_or_upheld_with_a_reason(world, make_round, login):
    rnd = round_in_notice(world, make_round)
    a = Assessment.objects.get(round=rnd, org_unit=world.village)
    other = Assessment.objects.get(round=rnd, org_unit=world.other_village)
    first = file_objection(rnd, a, "村里去年发生过一起安全事故", "13800000000", "c1")
    second = file_objection(rnd, a, "主题党日照片是摆拍的", "", "c2")
    third = file_objection(rnd, other, "八公桥村集体收入数据有误", "", "c3")
    url = f"/rating/rounds/{rnd.pk}/objections/"

    town = login(world.users["town_admin"])  # 庆祖镇: sees its own villages' objections only
    html = town.get(url).content.decode()
    assert f'data-testid="objection-{first.pk}"' in html and f'data-testid="objection-{third.pk}"' not in html
    assert "13800000000" in html and html.count('data-testid="resolve-form"') == 2
    refused = town.post(url, {"objection": first.pk, "decision": "dismiss", "resolution": "  "})
    assert refused.status_code == 400 and "请填写处理意见。" in refused.content.decode()
    assert town.post(url, {"objection": third.pk, "decision": "dismiss", "resolution": "x"}).status_code == 404

    response = town.post(url, {"objection": first.pk, "decision": "dismiss", "resolution": "经核实，事故不属于责任事故"})
    assert response.status_code == 302 and "不予采纳" in last_message(response)
    first.refresh_from_db()
    assert (first.status, first.resolution, first.resolved_by) == ("dismissed", "经核实，事故不属于责任事故", world.users["town_admin"])
    assert Round.objects.get(pk=rnd.pk).phase == "notice"

    town.post(url, {"objection": second.pk, "decision": "uphold", "resolution": "照片确系补拍，退回复核"})
    second.refresh_from_db()
    assert second.status == "upheld"
    assert Assessment.objects.get(pk=a.pk).status == Status.TOWN_APPROVED  # back to the county's review
    assert Round.objects.get(pk=rnd.pk).phase == "open"
    html = town.get(url).content.decode()
    assert "照片确系补拍，退回复核" in html and 'data-testid="resolve-form"' not in html

    supervisor = login(world.users["supervisor"]).get(url + "?status=open").content.decode()  # may look, not decide
    assert f'data-testid="objection-{third.pk}"' not in supervisor and 'data-testid="resolve-form"' not in supervisor
    # The branch's own cadres never see who objected to it, nor do observers.
    for role in ["village_cadre", "village_liaison", "observer"]:
        assert login(world.users[role]).get(url).status_code == 404
    assert 'data-testid="objections-link"' not in panel(rnd, world.users["village_cadre"])
    assert 'data-testid="objections-link"' in panel(rnd, world.users["supervisor"])


def _history_world(world, make_round):
    """Annual round: 西辛庄 five stars; veto withdraws 平安法治星 (and 支部过硬星); interim: 文明幸福星 lost."""
    Person.objects.create(org_unit=world.town, name="王镇长", gender="M", position="town_cadre", user=world.users["town_admin"])
    annual = round_in_notice(world, make_round)
    recognise(annual, world.users["county_admin"], today=annual.notice_end + datetime.timedelta(days=1))
    veto_rule = next(r.code for r in annual.rural_framework.compiled().stars_by_code["paf"].rules if r.veto)
    record_veto(world.village, world.users["town_admin"], veto_rule, datetime.date.today(), "村内发生一起刑事案件")
    interim = make_round(kind="interim", previous=annual, name="2023年第一次动态评星")
    approve_all(world, interim, overrides={world.village.code: WEAK_WMXF})
    # The veto is carried into this round; 文明幸福星 is also weak, so state the outcome exactly.
    Assessment.objects.filter(round=interim, org_unit=world.village).update(awarded=["cyxw", "stjy"], rating=2)
    from fivestar.rating.services import start_notice

    interim = start_notice(interim, world.users["county_admin"])
    recognise(interim, world.users["county_admin"], today=interim.notice_end + datetime.timedelta(days=1))
    return annual, interim


@pytest.mark.django_db
def test_village_history_shows_gained_lost_and_withdrawn_with_reasons(world, make_round, login):
    _history_world(world, make_round)
    client = login(world.users["village_cadre"])
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/rating/villages/410928103205/")
    assert response.status_code == 200
    sql = [q["sql"] for q in queries.captured_queries]
    assert not any('FROM "standards_frameworkversion"' in q or 'FROM "rating_round" ' in q for q in sql), "rounds and frameworks come joined"
    assert len(sql) <= 15  # session, user, grants, unit, 4 history reads, breadcrumbs, navigation: none per round
    html = response.content.decode()
    active = re.search(r'data-testid="active-stars">(.*?)</div>', html, re.S).group(1)
    assert "★ 产业兴旺星" in active and "★ 生态宜居星" in active and "文明幸福星" not in active and "平安法治星" not in active
    assert 'data-testid="current-rating">二星<' in html
    timeline = re.search(r'data-testid="timeline">(.*?)</ul>', html, re.S).group(1)
    assert "2023年度评星：认定为五星" in timeline and "新增：支部过硬星、产业兴旺星、生态宜居星、平安法治星、文明幸福星" in timeline
    assert "2023年第一次动态评星：认定为二星" in timeline and "失去：文明幸福星（2023年第一次动态评星复评未达标）" in timeline
    assert "摘星：支部过硬星、平安法治星" in timeline and "一票否决（摘星）" in timeline and "村内发生一起刑事案件" in timeline
    assert "记录人：王镇长" in timeline and "认定单位：中共濮阳县委组织部" in timeline
    # Newest first: the interim recognition, then the veto, then the annual recognition.
    assert timeline.index("动态评星：认定为二星") < timeline.index("摘星：支部过硬星、平安法治星") < timeline.index("年度评星：认定为五星")
    vetoes = re.search(r'data-testid="veto-events">(.*?)</ul>', html, re.S).group(1)
    assert "平安法治星" in vetoes and "村内发生一起刑事案件" in vetoes and "记录人：王镇长" in vetoes
    holdings = re.search(r'data-testid="holdings">(.*?)</table>', html, re.S).group(1)
    assert holdings.count("已摘星") == 2 and holdings.count("已失去") == 1 and holdings.count("持有中") == 2
    assert 'href="/rating/villages/410928103205/certificate.pdf"' in html

    village_page = client.get("/orgs/410928103205/").content.decode()
    assert 'href="/rating/villages/410928103205/"' in village_page and "评星记录" in village_page
    card = re.search(r'data-testid="village-stars">.*?</div>\s*</div>', village_page, re.S).group(0)
    assert "二星" in card and "摘星：支部过硬星、平安法治星" in card and "村内发生一起刑事案件（记录人 王镇长" in card


@pytest.mark.django_db
def test_certificate_pdf_in_chinese(world, make_round, login):
    annual = round_in_notice(world, make_round, overrides={world.sibling.code: WEAK_WMXF})
    recognise(annual, world.users["county_admin"], today=annual.notice_end + datetime.timedelta(days=1))
    client = login(world.users["village_cadre"])
    response = client.get("/rating/villages/410928103205/certificate.pdf")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF") and "filename*=UTF-8''" in response["Content-Disposition"]
    SHOTS.mkdir(parents=True, exist_ok=True)
    pdf = SHOTS / "certificate.pdf"
    pdf.write_bytes(response.content)
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    compact = re.sub(r"\s+", "", text)
    for expected in ["“五星”支部荣誉证书", "西辛庄村党支部", "2023年度评星", "“五星”支部", "支部过硬星", "产业兴旺星",
                     "生态宜居星", "平安法治星", "文明幸福星", "中共濮阳县委组织部", "证书编号：2023-410928103205"]:
        assert expected in compact, expected
    day = annual.recognised_at.astimezone(datetime.timezone(datetime.timedelta(hours=8)))
    assert f"{day.year}年{day.month}月{day.day}日" in compact
    assert re.search(r"^Pages:\s+1$", subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout, re.M)
    subprocess.run(["pdftoppm", "-png", "-r", "60", "-f", "1", "-l", "1", str(pdf), str(SHOTS / "certificate")], check=True)

    sibling = login(world.users["town_admin"]).get("/rating/villages/410928103201/certificate.pdf")
    sibling_text = re.sub(r"\s+", "", subprocess.run(["pdftotext", "-", "-"], input=sibling.content, capture_output=True, check=True).stdout.decode())
    assert "“三星”支部" in sibling_text and "文明幸福星" not in sibling_text and "支部过硬星" not in sibling_text


@pytest.mark.django_db
def test_history_and_certificate_scoping(world, make_round, login, far_admin):
    client = login(world.users["village_cadre"])
    assert client.get("/rating/villages/410928103201/").status_code == 404  # a sibling village
    assert client.get("/rating/villages/410928103201/certificate.pdf").status_code == 404
    assert login(world.users["town_admin"]).get("/rating/villages/410928103/").status_code == 404  # a town
    assert login(far_admin).get("/rating/villages/410928103205/").status_code == 404
    admin = login(world.users["sysadmin"])
    assert admin.get("/rating/villages/410928103205/").status_code == 200
    assert admin.get("/rating/villages/410928103205/certificate.pdf").status_code == 404  # holds no star
    client.logout()
    assert client.get("/rating/villages/410928103205/")["Location"].startswith("/login/")


@pytest.mark.django_db
def test_inbox_lists_own_notifications_unread_first_and_marks_them_read(world, login):
    secretary, town = world.users["village_cadre"], world.users["town_admin"]
    old = Notification.objects.create(user=secretary, kind="reminder", title="旧的提醒", url="/orgs/410928103205/")
    Notification.objects.filter(pk=old.pk).update(read_at="2024-01-01T00:00:00+08:00")
    Notification.objects.create(user=secretary, kind="returned", title="申报被退回", body="请补充照片", url="/orgs/410928103205/")
    Notification.objects.create(user=secretary, kind="withdrawn", title="平安法治星被摘除", url="https://evil.example/")
    Notification.objects.create(user=town, kind="objection", title="别人的异议消息")
    client = login(secretary)
    html = client.get("/inbox/").content.decode()
    assert "别人的异议消息" not in html
    titles = re.findall(r'data-unread="(\d)">.*?<span>([^<]+)</span>', html, re.S)
    assert titles == [("1", "平安法治星被摘除"), ("1", "申报被退回"), ("0", "旧的提醒")]
    assert 'data-testid="inbox-unread">2<' in html and "fw-semibold" in html

    returned = Notification.objects.get(title="申报被退回")
    response = client.get(f"/inbox/{returned.pk}/")
    assert response.status_code == 302 and response["Location"] == "/orgs/410928103205/"
    assert Notification.objects.get(pk=returned.pk).read_at is not None
    unsafe = Notification.objects.get(title="平安法治星被摘除")
    assert client.get(f"/inbox/{unsafe.pk}/")["Location"] == "/inbox/"
    other = Notification.objects.get(title="别人的异议消息")
    assert client.get(f"/inbox/{other.pk}/").status_code == 404 and Notification.objects.get(pk=other.pk).read_at is None

    Notification.objects.create(user=secretary, kind="info", title="新通知")
    assert 'data-testid="inbox-unread">1<' in client.get("/").content.decode()
    client.post("/inbox/read-all/")
    assert not Notification.objects.filter(user=secretary, read_at__isnull=True).exists()
    assert Notification.objects.get(pk=other.pk).read_at is None
    assert 'data-testid="inbox-unread"' not in client.get("/").content.decode()


@pytest.mark.django_db
def test_inbox_is_paginated(world, login):
    secretary = world.users["village_cadre"]
    Notification.objects.bulk_create([Notification(user=secretary, title=f"消息{i:02d}") for i in range(25)])
    client = login(secretary)
    first = client.get("/inbox/").content.decode()
    assert first.count('data-testid="notification"') == 20 and "第 1 / 2 页，共 25 条" in first
    assert client.get("/inbox/?page=2").content.decode().count('data-testid="notification"') == 5


@pytest.mark.django_db
def test_send_reminders_is_idempotent_per_day_and_marks_overdue(world, make_round, capsys):
    rnd = make_round()
    near = (rnd.self_deadline - datetime.timedelta(days=2)).isoformat()
    call_command("send_reminders", "--date", near)
    assert "已发送提醒" in capsys.readouterr().out
    secretary = world.users["village_cadre"]
    reminders = Notification.objects.filter(user=secretary, kind="reminder")
    assert reminders.count() == 1 and "还有 2 天截止" in reminders.get().title
    total = Notification.objects.count()
    call_command("send_reminders", "--date", near)
    assert capsys.readouterr().out.strip() == "已发送提醒 0 条"
    assert Notification.objects.count() == total

    late = (rnd.self_deadline + datetime.timedelta(days=1)).isoformat()
    call_command("send_reminders", "--date", late)
    overdue = Notification.objects.get(user=secretary, kind="overdue")
    assert "已逾期 1 天" in overdue.title and overdue.url.startswith("/rating/assessments/")
    assert Notification.objects.filter(user=world.users["village_liaison"], kind="overdue").count() == 1


@pytest.mark.django_db
def test_scheduler_once_runs_the_reminders(world, make_round, capsys):
    make_round()
    call_command("scheduler", "--once")
    out = capsys.readouterr().out
    assert re.search(r"已发送提醒 \d+ 条", out)
