"""月初晒承诺、月底亮业绩 in a real browser on a 390×844 phone: a village secretary posts two commitments at the
end of March (one linked to a star); on 2 April (the clock of the app pinned with fivestar.demo.clock.pinned, so
the month really ends) he posts their results, one with a photo; the town administrator grades one from the
"待点评" list; the public page, without login, shows the commitments, results and grade, and no phone number;
the printable QR page carries the public address."""

import datetime

import pytest
from django.utils import timezone
from PIL import Image
from playwright.sync_api import expect

from fivestar.demo.clock import pinned
from fivestar.people.models import Person, Position
from fivestar.planning.models import Commitment
from fivestar.planning.tests.conftest import Plan
from fivestar.rating.tests.conftest import published_framework

from .conftest import PHONE

pytestmark = pytest.mark.browser

END_OF_MARCH = datetime.datetime(2026, 3, 27, 10, 0)
START_OF_APRIL = datetime.datetime(2026, 4, 2, 10, 0)
PHONES = ("13900001111", "13812345678")


def moment(naive):
    return timezone.make_aware(naive)


@pytest.fixture
def plan(live_world, settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    published_framework("puyang-2023-rural")
    published_framework("puyang-2023-community")
    plan = Plan(live_world)
    plan.secretary.phone = PHONES[0]
    plan.secretary.save()
    Person.objects.create(org_unit=live_world.village, name="周主任", gender="F", position=Position.DIRECTOR, phone=PHONES[1])
    return plan


def _phone(browser, sign_in=None, username=None):
    context = browser.new_context(viewport=PHONE, locale="zh-CN", timezone_id="Asia/Shanghai", is_mobile=True, has_touch=True)
    page = context.new_page()
    if username:
        sign_in(page, username)
    return context, page


def _fits(page):
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]


def _photo(tmp_path):
    path = tmp_path / "现场照片.jpg"
    Image.new("RGB", (640, 480), (40, 140, 60)).save(path, "JPEG")
    return path


def test_commitments_and_results_on_a_phone_then_graded_and_public(plan, live_world, browser, sign_in, live_server, shot, tmp_path):
    w = live_world
    village_url = f"{live_server.url}/planning/commitments/{w.village.code}/"

    with pinned(moment(END_OF_MARCH)):
        context, page = _phone(browser, sign_in, "secretary")
        page.goto(f"{live_server.url}/planning/commitments/")
        expect(page).to_have_url(village_url)
        expect(page.get_by_test_id("village-title")).to_have_text(w.village.display_name)
        expect(page.get_by_test_id("section-current").get_by_test_id("silent")).to_contain_text("王书记")
        expect(page.get_by_label("承诺人")).to_have_value(str(plan.secretary.pk))
        expect(page.get_by_text("本月（3月）")).to_be_visible()
        page.get_by_label("承诺事项").fill("本月完成村内主干道两侧垃圾清运，建立保洁台账")
        page.get_by_text("关联星或台账任务（可不选）").click()
        page.get_by_label("所涉星").select_option(label="生态宜居星")
        shot(page, "commitments-phone-post-form")
        submit = page.get_by_test_id("post-submit")
        box = submit.bounding_box()
        assert box["height"] >= 44 and box["width"] >= PHONE["width"] * 0.7  # a big target for a thumb
        submit.click()
        expect(page.get_by_text("已晒出王书记2026年3月的承诺。")).to_be_visible()

        page.get_by_label("承诺事项").fill("组织党员志愿服务两次")
        page.get_by_test_id("post-submit").click()
        expect(page.get_by_text("已晒出王书记2026年3月的承诺。")).to_be_visible()
        cards = page.get_by_test_id("section-current").get_by_test_id("commitment")
        expect(cards).to_have_count(2)
        expect(cards.filter(has_text="垃圾清运").get_by_test_id("commitment-link")).to_contain_text("生态宜居星")
        expect(cards.get_by_test_id("commitment-state").first).to_have_text("待亮业绩")
        expect(page.get_by_test_id("section-current").get_by_test_id("silent")).not_to_contain_text("王书记")
        _fits(page)
        shot(page, "commitments-phone-posted")

        page.get_by_label("承诺事项").fill("   ")
        page.get_by_label("承诺事项").evaluate("el => el.removeAttribute('required')")
        page.get_by_test_id("post-submit").click()
        expect(page.get_by_test_id("form-error")).to_have_text("请填写承诺事项。")
        assert Commitment.objects.count() == 2
        context.close()

    with pinned(moment(START_OF_APRIL)):
        context, page = _phone(browser, sign_in, "secretary")
        page.goto(village_url)
        expect(page.get_by_test_id("pending-results")).to_contain_text("上月还有 2 条承诺待亮业绩")
        page.get_by_test_id("pending-results").click()
        last = page.get_by_test_id("section-previous")
        expect(last).to_be_in_viewport()
        expect(last).to_contain_text("2026年3月")
        expect(last.get_by_test_id("commitment")).to_have_count(2)
        first = last.get_by_test_id("commitment").filter(has_text="垃圾清运")
        expect(first.get_by_test_id("result-form")).to_be_visible()  # open by default once the month is over
        first.get_by_label("完成情况").fill("已清运垃圾 12 车，保洁台账建立并上墙")
        first.get_by_test_id("result-files").set_input_files(str(_photo(tmp_path)))
        shot(page, "commitments-phone-result-form")
        first.get_by_test_id("result-submit").click()
        expect(page.get_by_text("已亮出王书记的业绩，附 1 个佐证。")).to_be_visible()
        first = page.get_by_test_id("section-previous").get_by_test_id("commitment").filter(has_text="垃圾清运")
        expect(first.get_by_test_id("commitment-state")).to_have_text("待点评")
        expect(first.get_by_test_id("result-evidence").locator("img")).to_have_count(1)
        assert first.get_by_test_id("result-evidence").locator("img").evaluate("img => img.complete && img.naturalWidth > 0")

        second = page.get_by_test_id("section-previous").get_by_test_id("commitment").filter(has_text="志愿服务")
        second.get_by_label("完成情况").fill("组织志愿服务 2 次，参与党员 23 人次")
        second.get_by_test_id("result-submit").click()
        expect(page.get_by_text("已亮出王书记的业绩。")).to_be_visible()
        expect(page.get_by_test_id("pending-results")).to_have_count(0)
        _fits(page)
        shot(page, "commitments-phone-results")

        page.get_by_label("承诺事项").fill("四月完成村史馆布展")
        page.get_by_test_id("post-submit").click()
        expect(page.get_by_text("已晒出王书记2026年4月的承诺。")).to_be_visible()
        context.close()

        town_context, town = _phone(browser, sign_in, "town")
        town.goto(f"{live_server.url}/planning/commitments/")
        expect(town.get_by_test_id("overview-title")).to_contain_text(w.town.display_name)
        expect(town.get_by_test_id("month-label")).to_have_text("2026年4月")
        town.get_by_label("上个月").click()
        expect(town.get_by_test_id("month-label")).to_have_text("2026年3月")
        expect(town.get_by_test_id("figure-posted")).to_contain_text("2")
        expect(town.get_by_test_id("figure-results")).to_contain_text("2")
        silent = town.get_by_test_id("cadre-row").filter(has_text="周主任")
        expect(silent.get_by_test_id("cadre-posted")).to_have_text("未晒承诺")  # March is over
        shot(town, "commitments-phone-town")
        town.get_by_test_id("show-ungraded").click()
        waiting = town.get_by_test_id("ungraded-list").get_by_test_id("commitment")
        expect(waiting).to_have_count(2)
        card = waiting.filter(has_text="垃圾清运")
        expect(card.get_by_test_id("result-evidence").locator("img")).to_have_count(1)
        card.get_by_text("优秀").click()
        card.get_by_label("点评意见").fill("按期完成，群众满意")
        shot(town, "commitments-phone-grade")
        card.get_by_test_id("grade-submit").click()
        expect(town.get_by_text(f"已点评{w.village.display_name} 王书记的承诺：优秀。")).to_be_visible()
        expect(town.get_by_test_id("ungraded-list").get_by_test_id("commitment")).to_have_count(1)
        expect(town.get_by_test_id("figure-graded")).to_contain_text("1")
        graded = Commitment.objects.get(content__contains="垃圾清运")
        assert (graded.grade, graded.town_comment, graded.graded_by.username) == ("优秀", "按期完成，群众满意", "town")
        town_context.close()

        secretary_context, page = _phone(browser, sign_in, "secretary")
        page.goto(village_url)
        page.get_by_test_id("qr-link").click()
        expect(page.get_by_test_id("qr-title")).to_have_text(w.village.display_name)
        expect(page.get_by_test_id("qr-url")).to_have_text(f"{live_server.url}/public/commitments/{w.village.code}/")
        # The QR image is a separate request: wait for it to load rather than reading it the moment the title shows.
        page.wait_for_function("() => { const img = document.querySelector('[data-testid=qr-image]'); return img && img.complete && img.naturalWidth > 100; }")
        shot(page, "commitments-phone-qr")
        secretary_context.close()

        public_context, public = _phone(browser)
        response = public.goto(f"{live_server.url}/public/commitments/{w.village.code}/")
        assert response.status == 200 and "/login/" not in public.url
        expect(public.get_by_test_id("public-title")).to_have_text(w.village.display_name)
        now = public.get_by_test_id("public-current")
        expect(now).to_contain_text("2026年4月")
        expect(now.get_by_test_id("public-commitment")).to_have_count(1)
        expect(now).to_contain_text("四月完成村史馆布展")
        before = public.get_by_test_id("public-previous")
        expect(before.get_by_test_id("public-commitment")).to_have_count(2)
        expect(before).to_contain_text("已清运垃圾 12 车")
        expect(before).to_contain_text("组织志愿服务 2 次")
        expect(before.get_by_test_id("public-grade")).to_have_text("镇级点评：优秀 按期完成，群众满意")
        expect(before.get_by_test_id("public-post").first).to_have_text("村党支部书记")
        expect(before).to_contain_text("附佐证材料 1 件")
        html = public.content()
        assert not any(number in html for number in PHONES)
        assert "周主任" not in html  # a cadre who posted nothing is not listed publicly
        _fits(public)
        shot(public, "commitments-phone-public")
        public_context.close()
