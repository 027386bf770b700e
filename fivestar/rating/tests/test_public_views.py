"""The public notice (公示) pages: no login, a QR code, objections rate-limited per client."""

import datetime
import io
import re

import pytest
from django.test import Client
from PIL import Image

from fivestar.inbox.models import Notification
from fivestar.rating.models import Assessment, Objection
from fivestar.rating.services import recognise, resolve_objection
from fivestar.rating.services.notice import address_hash, objection_limit

from .notice_helpers import WEAK_WMXF, round_in_notice

UA = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) Mobile Safari"
SUCCESS = "异议已提交，我们将依法依规核实处理"


@pytest.fixture
def notice_round(world, make_round):
    return round_in_notice(world, make_round, overrides={world.sibling.code: WEAK_WMXF})


def town_url(rnd, code="410928103"):
    return f"/public/{rnd.public_token}/towns/{code}/"


def object_to(client, rnd, a, reason="该村主题党日活动记录与实际不符，请核实", contact="", **extra):
    headers = {"HTTP_USER_AGENT": UA, "REMOTE_ADDR": "10.1.2.3", **extra}
    return client.post(town_url(rnd), {"branch": a.pk, "reason": reason, "contact": contact}, **headers)


@pytest.mark.django_db
def test_round_page_lists_towns_with_counts_without_login(world, notice_round, client):
    response = client.get(f"/public/{notice_round.public_token}/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "2023年度评星" in html
    assert f"{notice_round.notice_end:%Y}年{notice_round.notice_end.month}月{notice_round.notice_end.day}日" in html
    town = re.search(r'data-testid="town-410928103".*?</a>', html, re.S).group(0)
    assert "庆祖镇" in town and "3 个支部" in town and "五星 2" in town and "三星 1" in town
    assert "八公桥镇" in html and "1 个支部" in html
    assert 'name="viewport"' in html and "cdn" not in html.lower() and 'src="http' not in html


@pytest.mark.django_db
def test_town_page_shows_each_branch_stars_rating_and_notice_end(world, notice_round, client):
    response = client.get(town_url(notice_round))
    assert response.status_code == 200
    html = response.content.decode()
    xxz = re.search(r'data-testid="branch-410928103205".*?对该支部提出异议', html, re.S).group(0)
    assert "西辛庄村" in xxz and "拟认定 五星" in xxz
    assert all(f"★ {name}" in xxz for name in ["支部过硬星", "产业兴旺星", "生态宜居星", "平安法治星", "文明幸福星"])
    qn = re.search(r'data-testid="branch-410928103201".*?对该支部提出异议', html, re.S).group(0)
    assert "庆南村" in qn and "拟认定 三星" in qn and "★ 文明幸福星" not in qn and "★ 支部过硬星" not in qn
    assert f"公示截止 {notice_round.notice_end.month}月{notice_round.notice_end.day}日" in xxz
    assert "八公桥村" not in html  # another town
    assert 'name="csrfmiddlewaretoken"' in html and 'name="reason"' in html and 'name="contact"' in html
    a = Assessment.objects.get(round=notice_round, org_unit=world.village)
    preselected = client.get(town_url(notice_round) + f"?branch={a.pk}").content.decode()
    assert f'<option value="{a.pk}" selected>西辛庄村</option>' in preselected


@pytest.mark.django_db
def test_objection_is_filed_notifies_reviewers_and_is_rate_limited(world, notice_round, client):
    a = Assessment.objects.get(round=notice_round, org_unit=world.village)
    response = object_to(client, notice_round, a, contact="13800000000")
    assert response.status_code == 302 and response["Location"] == town_url(notice_round)
    assert SUCCESS in client.get(response["Location"]).content.decode()
    objection = Objection.objects.get()
    assert (objection.assessment, objection.contact, objection.status) == (a, "13800000000", "open")
    assert objection.client_hash == address_hash("10.1.2.3")
    assert Notification.objects.filter(user=world.users["town_admin"], kind="objection").exists()

    limit = objection_limit()
    for _ in range(limit - 1):
        assert object_to(client, notice_round, a).status_code == 302
    refused = object_to(client, notice_round, a)
    assert refused.status_code == 400
    assert f"同一网络地址在本次公示期内最多可提交 {limit} 条异议" in refused.content.decode()
    assert Objection.objects.count() == limit
    # Changing the User-Agent does not make another client; another address is one.
    assert object_to(client, notice_round, a, HTTP_USER_AGENT="Another browser").status_code == 400
    assert object_to(client, notice_round, a, REMOTE_ADDR="10.1.2.4").status_code == 302


@pytest.mark.django_db
def test_forwarded_for_is_ignored_unless_enabled(world, notice_round, client, settings):
    a = Assessment.objects.get(round=notice_round, org_unit=world.village)
    for i in range(objection_limit()):
        object_to(client, notice_round, a, HTTP_X_FORWARDED_FOR=f"203.0.113.{i}")
    assert object_to(client, notice_round, a, HTTP_X_FORWARDED_FOR="203.0.113.99").status_code == 400  # spoofing does not help
    settings.USE_X_FORWARDED_FOR = True
    assert object_to(client, notice_round, a, HTTP_X_FORWARDED_FOR="1.1.1.1, 198.51.100.7").status_code == 302
    assert Objection.objects.filter(client_hash=address_hash("198.51.100.7")).count() == 1


@pytest.mark.django_db
def test_objection_form_errors_are_in_chinese(world, notice_round, client):
    a = Assessment.objects.get(round=notice_round, org_unit=world.village)
    short = object_to(client, notice_round, a, reason="不对")
    assert short.status_code == 400 and "异议理由至少 5 个字。" in short.content.decode()
    empty = client.post(town_url(notice_round), {"branch": "", "reason": ""})
    html = empty.content.decode()
    assert "请选择被异议的支部。" in html and "请填写异议理由（至少 5 个字）。" in html
    other = Assessment.objects.get(round=notice_round, org_unit=world.other_village)  # 八公桥镇, not this town
    assert "所选支部不在本次公示名单中。" in object_to(client, notice_round, other).content.decode()
    long = object_to(client, notice_round, a, reason="很" * 1001)
    assert "异议理由不能超过 1000 字。" in long.content.decode()
    assert not Objection.objects.exists()


@pytest.mark.django_db
def test_objection_needs_the_csrf_token(world, notice_round):
    a = Assessment.objects.get(round=notice_round, org_unit=world.village)
    strict = Client(enforce_csrf_checks=True)
    assert strict.post(town_url(notice_round), {"branch": a.pk, "reason": "理由足够长的异议"}).status_code == 403
    page = strict.get(town_url(notice_round))
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.content.decode()).group(1)
    assert strict.post(town_url(notice_round), {"branch": a.pk, "reason": "理由足够长的异议", "csrfmiddlewaretoken": token}).status_code == 302


@pytest.mark.django_db
def test_qr_codes_are_pngs(world, notice_round, client):
    for url in [town_url(notice_round) + "qr.png", f"/public/{notice_round.public_token}/qr.png"]:
        response = client.get(url)
        assert response.status_code == 200 and response["Content-Type"] == "image/png"
        image = Image.open(io.BytesIO(response.content))
        assert image.format == "PNG" and image.size[0] > 0 and image.size[0] == image.size[1]


@pytest.mark.django_db
def test_printable_notice(world, notice_round, client):
    html = client.get(town_url(notice_round) + "print/").content.decode()
    assert "庆祖镇“五星”支部评星结果公示" in html and "如有异议请扫码反映" in html
    assert f'src="{town_url(notice_round)}qr.png"' in html and "http://testserver" + town_url(notice_round) in html
    assert "@page { size: A4" in html and "中共濮阳县委组织部" in html
    assert re.search(r"<td>西辛庄村</td><td>五星</td>", html) and re.search(r"<td>庆南村</td><td>三星</td>", html)
    start, end = notice_round.notice_start, notice_round.notice_end
    assert f"公示时间：{start.year}年{start.month}月{start.day}日至{end.year}年{end.month}月{end.day}日" in html


@pytest.mark.django_db
def test_outside_the_notice_there_is_no_form(world, make_round, client):
    rnd = make_round()
    response = client.get(town_url(rnd))
    html = response.content.decode()
    assert response.status_code == 200 and "当前不在公示期" in html and 'name="reason"' not in html
    a = Assessment.objects.get(round=rnd, org_unit=world.village)
    assert object_to(client, rnd, a).status_code == 400
    assert not Objection.objects.exists()
    assert "当前不在公示期" in client.get(town_url(rnd) + "print/").content.decode()
    overview = client.get(f"/public/{rnd.public_token}/").content.decode()
    assert "当前不在公示期" in overview and "3 个支部" in overview and 'class="badge fs-rating"' not in overview  # no ratings before the notice


@pytest.mark.django_db
def test_an_upheld_objection_ends_the_notice_for_the_public(world, notice_round, client):
    a = Assessment.objects.get(round=notice_round, org_unit=world.village)
    object_to(client, notice_round, a)
    resolve_objection(Objection.objects.get(), world.users["county_admin"], upheld=True, resolution="经核实情况属实")
    html = client.get(town_url(notice_round)).content.decode()
    assert "当前不在公示期" in html and 'name="reason"' not in html


@pytest.mark.django_db
def test_after_recognition_the_recognised_results_are_shown(world, notice_round, client):
    recognise(notice_round, world.users["county_admin"], today=notice_round.notice_end + datetime.timedelta(days=1))
    html = client.get(town_url(notice_round)).content.decode()
    assert 'name="reason"' not in html and "认定的评星结果" in html
    xxz = re.search(r'data-testid="branch-410928103205".*?data-testid="branch-stars">.*?</div>', html, re.S).group(0)
    assert "五星" in xxz and "拟认定" not in xxz and "★ 文明幸福星" in xxz


@pytest.mark.django_db
def test_unknown_token_and_towns_outside_the_round_are_404(world, notice_round, make_round, client):
    assert client.get("/public/0000000000000000/").status_code == 404
    assert client.get("/public/0000000000000000/towns/410928103/").status_code == 404
    assert client.get(town_url(notice_round, "410922100")).status_code == 404  # another county's town
    assert client.get(town_url(notice_round, "410928103205")).status_code == 404  # a village, not a town
    assert client.get(town_url(notice_round, "410922100") + "qr.png").status_code == 404
    town_round = make_round(scope=world.town, name="庆祖镇动态评星")
    assert client.get(town_url(town_round, "410928104")).status_code == 404  # outside a town-scoped round
