"""The monthly commitment pages (/planning/commitments/, /public/commitments/): who may read and write what,
Chinese errors that save nothing, the month rules, the town's counts, filters and grading, the public page's
privacy and the query counts (constant in the number of villages, cadres and commitments)."""

import io

import pytest
import qrcode
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from fivestar.core.models import AuditEvent
from fivestar.orgs.models import Level
from fivestar.people.models import Duty, Person, Position, Responsibility
from fivestar.planning.models import Commitment
from fivestar.planning.services import add_months, save_planning_settings
from fivestar.rating.models import Evidence

from .conftest import png


def this_month():
    return timezone.localdate().replace(day=1)


def url(code, suffix=""):
    return reverse("planning:commitments_unit", args=[code]) + suffix


def post_url(code):
    return reverse("planning:commitments_post", args=[code])


def make(plan, month, person=None, village=None, content="清理村内主干道垃圾", **kw):
    """A commitment row as the service would have saved it that month (the service refuses past months today)."""
    return Commitment.objects.create(org_unit=village or plan.world.village, month=month, person=person or plan.secretary,
                                     content=content, created_by=plan.secretary_user, **kw)


def body(response) -> str:
    return response.content.decode()


@pytest.fixture
def cm(plan):
    Person.objects.create(org_unit=plan.world.village, name="周主任", gender="F", position=Position.DIRECTOR, phone="13812345678")
    plan.secretary.phone = "13900001111"
    plan.secretary.save()
    return plan


# --- the village page ---------------------------------------------------------------------------------------------

def test_secretary_sees_the_form_with_himself_first_and_who_has_not_posted(cm, login):
    page = body(login(cm.secretary_user).get(url(cm.world.village.code)))
    assert 'data-testid="post-form"' in page
    assert f'<option value="{cm.secretary.pk}" selected>王书记（村党支部书记）</option>' in page
    assert "李包村（包村干部）" in page and "周主任（村委会主任）" in page
    assert page.count('data-testid="silent-person"') >= 3  # this month and last month: nobody has posted


def test_posting_a_commitment_linked_to_a_star_and_a_task(cm, login, world):
    task = cm.task(title="建设村级文化广场")
    client = login(cm.secretary_user)
    response = client.post(post_url(world.village.code), {"person": cm.secretary.pk, "month": this_month().strftime("%Y-%m"),
                                                          "content": "本月完成文化广场硬化", "star": "stjy", "task": task.pk})
    assert response.status_code == 302
    row = Commitment.objects.get()
    assert (row.person, row.month, row.star_code, row.task, row.created_by) == (cm.secretary, this_month(), "stjy", task, cm.secretary_user)
    assert AuditEvent.objects.filter(model="planning.commitment", object_id=str(row.pk), user=cm.secretary_user).exists()
    page = body(client.get(url(world.village.code)))
    assert "本月完成文化广场硬化" in page and "台账任务：建设村级文化广场" in page and "待亮业绩" in page
    assert "{#" not in page and "{% comment" not in page and "One commitment" not in page


def test_liaison_posts_for_the_village_next_month(cm, login, world):
    nxt = add_months(this_month(), 1)
    response = login(cm.liaison_user).post(post_url(world.village.code), {"person": cm.liaison.pk, "month": nxt.strftime("%Y-%m"), "content": "下月走访全部脱贫户"})
    assert response.status_code == 302
    assert Commitment.objects.get().month == nxt
    assert "下月承诺" in body(login(cm.liaison_user).get(url(world.village.code)))


@pytest.mark.parametrize(("data", "message"), [
    ({"content": "   "}, "请填写承诺事项。"),
    ({"content": "字" * 1001}, "承诺事项不能超过 1000 字。"),
    ({"month": "2020-01"}, "2020年1月已过，不能再晒承诺"),
    ({"month": "far"}, "月份格式应为 YYYY-MM。"),
    ({"person": "999999"}, "请选择承诺人。"),
    ({"star": "nosuch"}, "不是该村适用标准中的星"),
    ({"task": "abc"}, "所选台账任务不属于本村。"),
])
def test_bad_posts_are_refused_in_chinese_and_save_nothing(cm, login, world, data, message):
    form = {"person": cm.secretary.pk, "month": this_month().strftime("%Y-%m"), "content": "修缮党群服务中心", **data}
    response = login(cm.secretary_user).post(post_url(world.village.code), form)
    assert response.status_code == 400
    assert message in body(response)
    assert not Commitment.objects.exists()
    if data.get("content", "").strip():
        assert data["content"][:50] in body(response)  # what was typed is kept


def test_month_rules_two_months_ahead_and_another_villages_task_and_person(cm, login, world):
    client = login(cm.secretary_user)
    ahead = add_months(this_month(), 2).strftime("%Y-%m")
    response = client.post(post_url(world.village.code), {"person": cm.secretary.pk, "month": ahead, "content": "提前承诺"})
    assert response.status_code == 400 and "只能填写本月或下月的承诺" in body(response)
    other_task = cm.task(village=world.sibling, title="别村任务")
    response = client.post(post_url(world.village.code), {"person": cm.secretary.pk, "content": "x", "task": other_task.pk})
    assert "所选台账任务不属于本村。" in body(response)
    response = client.post(post_url(world.village.code), {"person": cm.sibling_secretary.pk, "content": "x"})
    assert "请选择承诺人。" in body(response) and "孙书记" not in body(response)
    assert not Commitment.objects.exists()


# --- scoping ------------------------------------------------------------------------------------------------------

def test_out_of_scope_is_404_everywhere(cm, login, world):
    mine = make(cm, this_month())
    client = login(cm.sibling_cadre)
    assert client.get(url(world.village.code)).status_code == 404
    assert client.post(post_url(world.village.code), {"person": cm.secretary.pk, "content": "x"}).status_code == 404
    assert client.post(reverse("planning:commitment_result", args=[mine.pk]), {"result": "x"}).status_code == 404
    assert client.post(reverse("planning:commitment_grade", args=[mine.pk]), {"grade": "优秀"}).status_code == 404
    assert client.get(reverse("planning:commitments_qr", args=[world.village.code])).status_code == 404
    assert client.get(reverse("planning:commitments_qr_png", args=[world.village.code])).status_code == 404
    assert client.get(url(world.town.code)).status_code == 404
    other = login(cm.other_town_admin)
    assert other.get(url(world.village.code)).status_code == 404
    assert other.post(reverse("planning:commitment_grade", args=[mine.pk]), {"grade": "优秀"}).status_code == 404
    assert other.get(reverse("planning:commitment_result", args=["junk"])).status_code == 405
    assert other.post(reverse("planning:commitment_result", args=["junk"])).status_code == 404
    mine.refresh_from_db()
    assert mine.result == "" and mine.grade == ""


def test_observer_reads_only(cm, login, world):
    row = make(cm, add_months(this_month(), -1), result="已完成")
    client = login(cm.observer)
    page = body(client.get(url(world.village.code)))
    assert "清理村内主干道垃圾" in page and 'data-testid="read-only"' in page
    assert "post-form" not in page and "result-form" not in page and "grade-form" not in page
    response = client.post(post_url(world.village.code), {"person": cm.secretary.pk, "content": "观察员不能晒"})
    assert response.status_code == 400 and "无权" in body(response)
    response = client.post(reverse("planning:commitment_grade", args=[row.pk]), {"grade": "优秀"})
    assert response.status_code == 400 and "无权" in body(response)
    assert Commitment.objects.count() == 1 and Commitment.objects.get().grade == ""


def test_anonymous_is_sent_to_login(client, cm, world):
    response = client.get(url(world.village.code))
    assert response.status_code == 302 and "/login/" in response["Location"]


def test_index_takes_each_role_to_its_own_page(cm, login, world):
    assert login(cm.secretary_user).get(reverse("planning:commitments"))["Location"] == url(world.village.code)
    assert login(cm.town_admin).get(reverse("planning:commitments"))["Location"] == url(world.town.code)
    assert login(cm.county_admin).get(reverse("planning:commitments"))["Location"] == url(world.county.code)
    area = login(cm.area_user).get(reverse("planning:commitments"))  # an area's leader: the area's villages
    assert area.status_code == 200 and world.village.display_name in body(area) and world.sibling.display_name not in body(area)


# --- results and grades -------------------------------------------------------------------------------------------

def test_result_with_a_photo_for_last_month(cm, login, world):
    row = make(cm, add_months(this_month(), -1))
    client = login(cm.secretary_user)
    assert "填写完成情况（亮业绩）" in body(client.get(url(world.village.code)))
    photo = png(name="现场.png")
    response = client.post(reverse("planning:commitment_result", args=[row.pk]), {"result": "已清运垃圾 12 车", "files": [photo]})
    assert response.status_code == 302
    row.refresh_from_db()
    assert row.result == "已清运垃圾 12 车" and row.result_at is not None
    evidence = row.result_evidence.get()
    assert evidence.kind == Evidence.Kind.PHOTO and evidence.org_unit == world.village and evidence.thumbnail
    page = body(client.get(url(world.village.code)))
    assert "待点评" in page and reverse("rating:evidence_thumb", args=[evidence.pk]) in page


def test_result_errors(cm, login, world):
    client = login(cm.secretary_user)
    last = make(cm, add_months(this_month(), -1))
    response = client.post(reverse("planning:commitment_result", args=[last.pk]), {"result": "  "})
    assert response.status_code == 400 and "请填写完成情况。" in body(response) and 'data-testid="row-error"' in body(response)
    old = make(cm, add_months(this_month(), -2))
    response = client.post(reverse("planning:commitment_result", args=[old.pk]), {"result": "补填"})
    assert response.status_code == 400 and "已过填报期" in body(response)
    graded = make(cm, add_months(this_month(), -1), result="已完成", grade="优秀")
    response = client.post(reverse("planning:commitment_result", args=[graded.pk]), {"result": "改一下"})
    assert response.status_code == 400 and "镇级已点评该承诺，不能再修改完成情况。" in body(response)
    bad = client.post(reverse("planning:commitment_result", args=[last.pk]),
                      {"result": "附件", "files": [SimpleUploadedFile("a.exe", b"MZ\x90\x00" * 50)]})
    assert bad.status_code == 400 and ("不允许上传" in body(bad) or "无法识别" in body(bad))
    for row in (last, old, graded):
        row.refresh_from_db()
    assert last.result == "" and old.result == "" and graded.result == "已完成"
    assert not Evidence.objects.exists()


def test_town_grades_on_its_own_scale(cm, login, world):
    save_planning_settings(cm.town_admin, world.town, grade_scale=["好", "中", "差"])
    row = make(cm, add_months(this_month(), -1), result="已完成")
    client = login(cm.town_admin)
    page = body(client.get(url(world.village.code)))
    assert 'data-testid="grade-form"' in page and 'value="中"' in page and 'value="优秀"' not in page
    response = client.post(reverse("planning:commitment_grade", args=[row.pk]), {"grade": "优秀", "comment": "不错"})
    assert response.status_code == 400 and "评价等次应为 好、中、差 之一。" in body(response)
    response = client.post(reverse("planning:commitment_grade", args=[row.pk]), {"grade": "好", "comment": "按期完成，群众满意"})
    assert response.status_code == 302
    row.refresh_from_db()
    assert (row.grade, row.town_comment, row.graded_by) == ("好", "按期完成，群众满意", cm.town_admin)
    page = body(login(cm.secretary_user).get(url(world.village.code)))
    assert "镇级点评：好" in page and "已点评" in page


def test_grading_rules(cm, login, world):
    client = login(cm.town_admin)
    current = make(cm, this_month())
    response = client.post(reverse("planning:commitment_grade", args=[current.pk]), {"grade": "优秀"})
    assert response.status_code == 400 and "该承诺尚未亮业绩，月底前不能点评。" in body(response)
    response = login(cm.secretary_user).post(reverse("planning:commitment_grade", args=[current.pk]), {"grade": "优秀"})
    assert response.status_code == 400 and "无权点评" in body(response)
    assert login(cm.town_admin).post(reverse("planning:commitment_grade", args=[current.pk]),
                                     {"grade": "优秀", "comment": "长" * 501}).status_code == 400
    current.refresh_from_db()
    assert current.grade == ""


# --- the town -----------------------------------------------------------------------------------------------------

def test_town_counts_the_villages_and_cadres(cm, login, world):
    month = add_months(this_month(), -1)
    make(cm, month, result="完成", grade="优秀")
    make(cm, month, result="完成")
    make(cm, month, person=cm.liaison)
    make(cm, month, person=cm.sibling_secretary, village=world.sibling)
    page = body(login(cm.town_admin).get(url(world.town.code, f"?month={month:%Y-%m}")))
    assert 'data-testid="figure-posted"><div class="n">4<' in page
    assert 'data-testid="figure-results"><div class="n">2<' in page
    assert 'data-testid="figure-graded"><div class="n">1<' in page
    assert 'data-testid="figure-silent"><div class="n text-danger">1<' in page  # the community posted nothing
    assert f'data-village="{world.village.display_name}" data-person="王书记"' in page and 'data-person="周主任"' in page
    assert world.other_village.display_name not in page


def test_town_filters_who_has_posted_nothing(cm, login, world):
    month = this_month()
    make(cm, month)
    make(cm, month, person=cm.liaison)
    make(cm, month, person=cm.sibling_secretary, village=world.sibling)
    page = body(login(cm.town_admin).get(url(world.town.code, "?show=silent")))
    assert f'data-village="{world.village.display_name}" data-person="周主任"' in page  # the director has not posted
    assert 'data-person="王书记"' not in page and 'data-person="李包村"' not in page
    assert world.sibling.display_name not in page  # everyone there has posted
    Commitment.objects.create(org_unit=world.village, month=month, person=Person.objects.get(name="周主任"), content="x")
    page = body(login(cm.town_admin).get(url(world.town.code, "?show=silent")))
    assert world.village.display_name not in page


def test_town_grades_from_the_waiting_list(cm, login, world):
    month = add_months(this_month(), -1)
    waiting = make(cm, month, result="完成")
    make(cm, month, result="完成", grade="良好")
    make(cm, month, person=cm.liaison)
    client = login(cm.town_admin)
    listing = url(world.town.code, f"?month={month:%Y-%m}&show=ungraded")
    page = body(client.get(listing))
    assert page.count('data-testid="grade-form"') == 2  # the waiting one and the one with nothing (month over)
    response = client.post(reverse("planning:commitment_grade", args=[waiting.pk]), {"grade": "一般", "next": listing})
    assert response.status_code == 302 and response["Location"] == listing
    bad = client.post(reverse("planning:commitment_grade", args=[waiting.pk]), {"grade": "满分", "next": "https://evil.example/"})
    assert bad.status_code == 400  # a foreign next is ignored: the village page with the error
    waiting.refresh_from_db()
    assert waiting.grade == "一般"


def test_county_lists_its_towns(cm, login, world):
    make(cm, this_month())
    page = body(login(cm.county_admin).get(url(world.county.code)))
    assert world.town.display_name in page and world.other_town.display_name in page and world.far_town.display_name not in page


# --- query counts -------------------------------------------------------------------------------------------------

def _queries(client, path) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(path).status_code == 200
    return len(ctx.captured_queries)


def test_village_page_queries_do_not_grow_with_rows(cm, login, world):
    client = login(cm.town_admin)
    make(cm, this_month(), result="完成")
    client.get(url(world.village.code))
    few = _queries(client, url(world.village.code))
    for i in range(12):
        person = Person.objects.create(org_unit=world.village, name=f"干部{i}", gender="M", position=Position.VILLAGE_CADRE)
        make(cm, this_month(), person=person, result="完成").result_evidence.add(cm.evidence(color=(i * 10, 5, 5)))
        make(cm, add_months(this_month(), -1), person=person, star_code="cyxw", task=cm.task(title=f"任务{i}"))
    assert _queries(client, url(world.village.code)) == few


@pytest.mark.parametrize("show", ["", "?show=silent", "?show=ungraded"])
def test_town_page_queries_do_not_grow_with_villages(cm, login, world, show):
    from tests.factories import unit

    client = login(cm.town_admin)
    month = add_months(this_month(), -1) if "ungraded" in show else this_month()
    make(cm, month, result="完成")
    client.get(url(world.town.code, show + ("&" if show else "?") + f"month={month:%Y-%m}"))
    path = url(world.town.code, show + ("&" if show else "?") + f"month={month:%Y-%m}")
    few = _queries(client, path)
    for i in range(6):
        village = unit(f"4109281033{i:02d}", f"新村{i}", Level.VILLAGE, world.town)
        Person.objects.create(org_unit=village, name=f"主任{i}", gender="F", position=Position.DIRECTOR)
        person = Person.objects.create(org_unit=village, name=f"书记{i}", gender="M", position=Position.SECRETARY)
        Responsibility.objects.create(duty=Duty.VILLAGE, person=cm.liaison, org_unit=village)
        make(cm, month, person=person, village=village, result="完成", task=cm.task(village=village, title=f"任务{i}"))
    assert _queries(client, path) == few
    assert "新村5" in body(client.get(path))


def test_county_page_queries_do_not_grow_with_towns(cm, login, world):
    from tests.factories import unit

    client = login(cm.county_admin)
    make(cm, this_month())
    client.get(url(world.county.code))
    few = _queries(client, url(world.county.code))
    for i in range(5):
        town = unit(f"41092810{i + 5}", f"新镇{i}", Level.TOWN, world.county)
        village = unit(f"41092810{i + 5}201", f"新镇村{i}", Level.VILLAGE, town)
        person = Person.objects.create(org_unit=village, name=f"镇村书记{i}", gender="M", position=Position.SECRETARY)
        make(cm, this_month(), person=person, village=village)
    assert _queries(client, url(world.county.code)) == few
    assert "新镇4" in body(client.get(url(world.county.code)))


# --- public page and QR -------------------------------------------------------------------------------------------

def test_public_page_without_login_shows_names_and_posts_only(client, cm, world):
    make(cm, this_month(), content="本月修好村西头的路灯", star_code="cyxw")
    last = make(cm, add_months(this_month(), -1), person=cm.liaison, content="上月组织党员志愿服务", result="开展 3 次", grade="优秀",
                town_comment="群众反映好")
    last.result_evidence.add(cm.evidence())
    make(cm, add_months(this_month(), -2), content="很久以前的承诺")
    make(cm, this_month(), village=world.sibling, person=cm.sibling_secretary, content="别村的承诺")
    client.get(reverse("planning_public:commitments", args=[world.village.code]))  # the compiled framework is cached after one read
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(reverse("planning_public:commitments", args=[world.village.code]))
    assert response.status_code == 200
    page = body(response)
    assert "本月修好村西头的路灯" in page and "王书记" in page and "村党支部书记" in page and "产业兴旺" in page
    assert "上月组织党员志愿服务" in page and "开展 3 次" in page and "镇级点评：优秀" in page and "群众反映好" in page
    assert "李包村" in page and "包村干部" in page and "附佐证材料 1 件" in page
    assert "很久以前的承诺" not in page and "别村的承诺" not in page
    assert "13900001111" not in page and "13812345678" not in page and "evidence" not in page
    assert "public" in response["Cache-Control"] and "max-age=60" in response["Cache-Control"]
    assert len(ctx.captured_queries) <= 4
    for _ in range(10):
        make(cm, this_month(), content="又一条")
    with CaptureQueriesContext(connection) as again:
        client.get(reverse("planning_public:commitments", args=[world.village.code]))
    assert len(again.captured_queries) == len(ctx.captured_queries)


def test_public_page_refuses_what_is_not_an_active_village(client, world, cm):
    for code in ("999999999999", world.town.code, world.group.code, "abc", "1" * 40):
        assert client.get(f"/public/commitments/{code}/").status_code == 404
    world.village.active = False
    world.village.save()
    assert client.get(f"/public/commitments/{world.village.code}/").status_code == 404
    assert client.post(f"/public/commitments/{world.sibling.code}/").status_code in (403, 405)


def qr_png(text) -> bytes:
    """The QR code of `text` drawn as the page draws it: the served picture encodes exactly the public address."""
    code = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, box_size=10, border=2)
    code.add_data(text)
    code.make(fit=True)
    out = io.BytesIO()
    code.make_image().save(out, format="PNG")
    return out.getvalue()


def test_qr_for_the_notice_board(cm, login, world):
    for user in (cm.town_admin, cm.secretary_user):
        client = login(user)
        page = body(client.get(reverse("planning:commitments_qr", args=[world.village.code])))
        assert f"http://testserver/public/commitments/{world.village.code}/" in page and world.village.display_name in page
        image = client.get(reverse("planning:commitments_qr_png", args=[world.village.code]))
        assert image["Content-Type"] == "image/png" and image.content == qr_png(f"http://testserver/public/commitments/{world.village.code}/")
    assert login(cm.town_admin).get(reverse("planning:commitments_qr", args=[world.town.code])).status_code == 404


def test_junk_month_is_ignored(cm, login, world):
    client = login(cm.secretary_user)
    for junk in ("2025-13", "abcd-ef", "1999-01", "2025-1"):
        assert client.get(url(world.village.code, f"?month={junk}")).status_code == 200
