"""The whole rating path in Debian Chromium, as the people who do it:

the village secretary, on a 390×844 phone, answers every rule, uploads a photo used as evidence for all
of them and submits; the town reviewer returns it with a comment; the secretary fixes it and resubmits;
town and county approve; the county starts the public notice; anyone (no login) sees the proposal and
files an objection; the county dismisses it and recognises the round; the village's history shows its
new stars. A five-rule framework keeps the typing short: frameworks are data, the path is the same.
"""

import datetime

import pytest
from django.utils import timezone
from PIL import Image
from playwright.sync_api import expect

from fivestar.rating.models import Assessment, Round, Status
from fivestar.rating.services import approve, create_round, open_round, submit
from fivestar.rating.tests.conftest import full_marks
from fivestar.standards.models import FrameworkVersion

from .conftest import PHONE

pytestmark = pytest.mark.browser
STARS = [("zbgy", "支部过硬星"), ("cyxw", "产业兴旺星"), ("stjy", "生态宜居星"), ("paf", "平安法治星"), ("wmxf", "文明幸福星")]


def _tiny_framework():
    stars = []
    for order, (code, name) in enumerate(STARS, start=1):
        rule = {"code": f"{code}-01-01", "text": f"{name}核心指标全部达标", "kind": "check", "max": 10, "required": True,
                "evidence": {"kinds": ["photo"], "min_count": 1, "hint": "现场照片"}}
        stars.append({"code": code, "name": name, "order": order, "pass_ratio": 0.8,
                      "requires": [c for c, _ in STARS if c != "zbgy"] if code == "zbgy" else [],
                      "standards": [{"code": f"{code}-01", "name": f"{name}标准", "rules": [rule]}]})
    data = {"code": "e2e-2023-rural", "name": "端到端测试标准", "branch_type": "rural", "version": "2023", "issuer": "测试", "stars": stars}
    return FrameworkVersion.objects.create(code=data["code"], name=data["name"], branch_type="rural", version="2023",
                                           data=data, status="published", published_at=timezone.now())


def _round(world):
    today = datetime.date.today()
    rnd = create_round(world.users["county_admin"], scope=world.town, name="庆祖镇2023年度评星", kind="annual", year=2023,
                       period_start=today - datetime.timedelta(days=30), period_end=today + datetime.timedelta(days=30),
                       rural_framework=_tiny_framework(), self_deadline=today + datetime.timedelta(days=5),
                       town_deadline=today + datetime.timedelta(days=10), county_deadline=today + datetime.timedelta(days=15), notice_days=5)
    open_round(rnd, world.users["county_admin"])
    return Round.objects.get(pk=rnd.pk)


def _others_through_review(world, rnd, village):
    """The other branches of the town go through the same steps (their pages are tested elsewhere)."""
    admin = world.users["sysadmin"]
    for a in Assessment.objects.filter(round=rnd).exclude(org_unit=village).select_related("framework", "round", "org_unit"):
        from fivestar.rating.services import save_answers

        a = save_answers(a, admin, "village", values={c: False for c in full_marks(a.framework)}, expected_version=a.version)
        approve(approve(submit(a, admin, ["paf"]), admin, "town"), admin, "county")


def _open_star(page, code):
    """Open a star as a user would: tap its header unless it is already open (its rules load when it opens)."""
    button = page.get_by_test_id(f"star-{code}").locator(".accordion-button")
    if button.get_attribute("aria-expanded") != "true":
        button.click()
    expect(page.locator(f"#rule-{code}-01-01")).to_be_visible()


def _answer_everything(page):
    for code, _ in STARS:
        _open_star(page, code)
        page.locator(f"#rule-{code}-01-01").get_by_text("达标", exact=True).click()
        expect(page.locator(f"#st-{code}-01-01")).to_contain_text("已保存")


def test_whole_rating_path(live_world, browser, sign_in, live_server, shot, tmp_path):
    rnd = _round(live_world)
    village = live_world.village
    a = Assessment.objects.get(round=rnd, org_unit=village)

    # 1. The secretary fills in everything on a phone, with one photo for all five rules, and submits.
    phone = browser.new_context(viewport=PHONE, locale="zh-CN")
    secretary = phone.new_page()
    secretary.on("dialog", lambda dialog: dialog.accept())
    sign_in(secretary, "secretary")
    secretary.goto(f"{live_server.url}/rating/my/")
    secretary.get_by_test_id(f"my-assessment-{a.pk}").get_by_role("link", name="填报").click()
    expect(secretary.get_by_test_id("fill-title")).to_have_text("西辛庄村 · 庆祖镇2023年度评星自评")
    _answer_everything(secretary)
    expect(secretary.get_by_test_id("live-rating")).to_have_text("5")
    photo = tmp_path / "党群服务中心.jpg"
    Image.new("RGB", (1600, 1200), (180, 30, 30)).save(photo, "JPEG")
    _open_star(secretary, "zbgy")
    secretary.locator("#rule-zbgy-01-01").get_by_role("button", name="上传佐证").click()
    modal = secretary.get_by_test_id("upload-modal")
    for code, _ in STARS[1:]:  # the picker groups rules by star, each group folded
        modal.locator("details").filter(has=secretary.locator(f"#up-{code}-01-01")).locator("summary").click()
        modal.locator(f"#up-{code}-01-01").check()
    modal.get_by_test_id("file-input").set_input_files(str(photo))
    modal.get_by_test_id("upload-submit").click()
    expect(modal.get_by_test_id("upload-ok")).to_contain_text("用于 5 条细则")
    modal.get_by_role("button", name="关闭").click()
    secretary.get_by_test_id("submit").click()
    expect(secretary.get_by_test_id("status").first).to_have_text("已提交")
    shot(secretary, "path-1-submitted-phone")

    # 2. The town reviewer returns it with a comment.
    desk = browser.new_context(locale="zh-CN")
    town = desk.new_page()
    sign_in(town, "town")
    town.goto(f"{live_server.url}/rating/rounds/{rnd.pk}/towns/{live_world.town.code}/")
    expect(town.get_by_test_id(f"status-{village.code}")).to_have_text("已提交")
    town.get_by_role("link", name="西辛庄村").first.click()
    town.get_by_test_id("return-toggle").click()
    town.locator("#return-comment").fill("请补充文明幸福星的活动照片说明")
    town.get_by_test_id("return-submit").click()
    expect(town.get_by_test_id("assessment-status")).to_have_text("已退回")

    # 3. The secretary sees exactly what to fix, re-confirms the rule and resubmits.
    secretary.reload()
    expect(secretary.get_by_test_id("return-comments")).to_contain_text("请补充文明幸福星的活动照片说明")
    _open_star(secretary, "wmxf")
    rule = secretary.locator("#rule-wmxf-01-01")
    rule.get_by_text("不达标", exact=True).click()
    expect(secretary.locator("#st-wmxf-01-01")).to_contain_text("已保存")
    rule.get_by_text("达标", exact=True).click()
    expect(secretary.get_by_test_id("live-rating")).to_have_text("5")
    secretary.get_by_test_id("submit").click()
    expect(secretary.get_by_test_id("status").first).to_have_text("已提交")

    # 4. Town and county approve.
    town.reload()
    town.get_by_test_id("approve").click()
    expect(town.get_by_test_id("assessment-status")).to_have_text("镇级初审通过")
    county_context = browser.new_context(locale="zh-CN")
    county = county_context.new_page()
    sign_in(county, "county")
    county.goto(f"{live_server.url}/rating/assessments/{a.pk}/review/")
    county.get_by_test_id("approve").click()
    expect(county.get_by_test_id("assessment-status")).to_have_text("县级审核通过")
    expect(county.get_by_test_id("proposed-rating")).to_contain_text("5 星")

    # 5. The county starts the public notice.
    _others_through_review(live_world, rnd, village)
    county.goto(f"{live_server.url}/rating/rounds/{rnd.pk}/")
    county.get_by_test_id("start-notice-form").get_by_role("button", name="发布公示").click()
    expect(county.get_by_test_id("notice-period")).to_be_visible()
    public_url = county.get_by_test_id("public-url").input_value()
    assert public_url.startswith(live_server.url + "/public/")

    # 6. Anyone, without logging in, sees the proposal and files an objection.
    public_context = browser.new_context(viewport=PHONE, locale="zh-CN")
    public = public_context.new_page()
    public.goto(f"{live_server.url}/public/{rnd.public_token}/towns/{live_world.town.code}/")
    branch = public.get_by_test_id(f"branch-{village.code}")
    expect(branch.get_by_test_id("branch-rating")).to_have_text("拟认定 五星")
    branch.get_by_test_id("object-link").click()
    form = public.get_by_test_id("objection-form")
    form.locator("textarea").fill("该村党群服务中心周末不开放，支部过硬星请再核实。")
    form.get_by_role("button", name="提交异议").click()
    expect(public.get_by_text("异议已提交")).to_be_visible()
    shot(public, "path-6-objection-phone")

    # 7. The county dismisses the objection with a reason, then (the notice period over) recognises.
    county.goto(f"{live_server.url}/rating/rounds/{rnd.pk}/objections/")
    card = county.locator("[data-testid^='objection-']").filter(has_text="周末不开放").first
    card.get_by_label("不予采纳").check()
    card.locator("textarea[name=resolution]").fill("经核实，党群服务中心周末有值班人员，异议不成立。")
    card.get_by_role("button", name="提交处理结果").click()
    expect(county.get_by_test_id("open-count")).to_have_text("待处理 0 条")
    Round.objects.filter(pk=rnd.pk).update(notice_end=datetime.date.today() - datetime.timedelta(days=1))  # the notice period is over
    county.goto(f"{live_server.url}/rating/rounds/{rnd.pk}/")
    county.get_by_test_id("recognise-form").get_by_role("button", name="认定").click()
    expect(county.get_by_test_id("recognised-at")).to_be_visible()
    assert Assessment.objects.get(pk=a.pk).status == Status.RECOGNISED

    # 8. The village's history shows the new stars.
    secretary.goto(f"{live_server.url}/rating/villages/{village.code}/")
    expect(secretary.get_by_test_id("current-rating")).to_have_text("五星")
    expect(secretary.get_by_test_id("timeline")).to_contain_text("庆祖镇2023年度评星：认定为五星")
    for _, name in STARS:
        expect(secretary.get_by_test_id("active-stars")).to_contain_text(name)
    shot(secretary, "path-8-history-phone")
    for context in (phone, desk, county_context, public_context):
        context.close()
