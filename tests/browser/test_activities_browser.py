"""Party-building activities in a real browser: a secretary records a night-school session and its attendance on a
phone (by list and by the session's check-in page); a rule bound to 本年度志愿劳动次数 shows the recorded value in
the self-assessment and follows a new session; honours imported from Excel with a bad row (nothing saved, 第N行),
then without; an incident proposes a veto that the town confirms."""

import copy
import datetime

import pytest
import yaml
from django.utils import timezone
from openpyxl import Workbook
from playwright.sync_api import expect

from fivestar.activities.models import ActivitySession, Honour, Incident
from fivestar.activities.services import sessions
from fivestar.activities.tests.conftest import Act
from fivestar.core.roles import Role
from fivestar.rating.models import Assessment, VetoEvent
from fivestar.rating.services import create_round, open_round
from fivestar.rating.tests.conftest import SHIPPED, published_framework

from .conftest import PHONE

pytestmark = pytest.mark.browser


def test_night_school_session_and_attendance_on_a_phone(live_world, browser, sign_in, live_server, shot):
    act = Act(live_world)
    w = live_world
    context = browser.new_context(viewport=PHONE, locale="zh-CN")
    page = sign_in(context.new_page(), "secretary")
    page.goto(f"{live_server.url}/activities/villages/{w.village.code}/")
    page.get_by_test_id("new-session").click()
    page.get_by_label("活动类型").select_option(label="夜校")
    page.get_by_label("活动内容").fill("周四夜校：学习五星支部创建标准")
    page.get_by_label("应到人数").fill("5")
    page.get_by_test_id("save").click()
    expect(page.get_by_test_id("session-title")).to_have_text("周四夜校：学习五星支部创建标准")
    for p in act.members[:2]:
        page.get_by_test_id(f"person-{p.pk}").check()
    page.get_by_test_id("save-attendance").click()
    expect(page.get_by_test_id("session-count")).to_contain_text("实到 2 人")
    shot(page, "activities-session-phone")
    s = ActivitySession.objects.get()
    page.goto(f"{live_server.url}/activities/check-in/{s.qr_token}/")  # what the session's QR code opens
    page.get_by_test_id("check-in").click()
    expect(page.get_by_test_id("checked-in")).to_contain_text("李示例")
    page.goto(f"{live_server.url}/activities/sessions/{s.pk}/")
    expect(page.get_by_test_id("session-count")).to_contain_text("实到 3 人，参学率 60.0%")
    context.close()


def _framework_binding_labour():
    """The shipped rural framework with zbgy-03-05 (每周义务劳动) read from 本年度志愿劳动次数."""
    from fivestar.standards.models import FrameworkVersion

    data = yaml.safe_load((SHIPPED / "puyang-2023-rural.yaml").read_text(encoding="utf-8"))
    data = copy.deepcopy(data)
    for star in data["stars"]:
        for standard in star["standards"]:
            for rule in standard["rules"]:
                if rule["code"] == "zbgy-03-05":
                    rule.update(kind="metric", unit="次", indicator="labour_sessions_year",
                                thresholds=[{"min": 2, "points": 1}, {"min": 3, "points": 2}])
    data["code"], data["version"] = data["code"] + "-activities", data["version"]
    return FrameworkVersion.objects.create(code=data["code"], name=data["name"], branch_type="rural", version=data["version"],
                                           data=data, status="published", published_at=timezone.now())


def test_bound_rule_value_shows_in_the_self_assessment(live_world, browser, sign_in, live_server, shot):
    act = Act(live_world)
    w = live_world
    today = timezone.localdate()
    labour = act.kind("labour")
    for days in (14, 7):
        sessions.create_session(act.cadre, w.village, kind=labour.pk, date=today - datetime.timedelta(days=days) if (today - datetime.timedelta(days=days)).year == today.year else today,
                                title="义务劳动")
    rural, community = _framework_binding_labour(), published_framework("puyang-2023-community")
    county = w.users[Role.COUNTY_ADMIN]
    rnd = create_round(county, scope=w.county, name="本年度动态评星", kind="annual", year=today.year,
                       period_start=today - datetime.timedelta(days=30), period_end=today + datetime.timedelta(days=30),
                       rural_framework=rural, community_framework=community, self_deadline=today + datetime.timedelta(days=5),
                       town_deadline=today + datetime.timedelta(days=10), county_deadline=today + datetime.timedelta(days=15), indicator_year=today.year)
    open_round(rnd, county)
    a = Assessment.objects.get(round=rnd, org_unit=w.village)
    context = browser.new_context(viewport=PHONE, locale="zh-CN")
    page = sign_in(context.new_page(), "secretary")
    page.goto(f"{live_server.url}/rating/my/")
    page.get_by_test_id(f"my-assessment-{a.pk}").get_by_role("link", name="填报").click()
    value = page.get_by_test_id("indicator-zbgy-03-05")
    expect(value).to_contain_text(f"{today.year} 年本年度志愿劳动次数：2 次")
    expect(page.get_by_test_id("indicator-source-zbgy-03-05")).to_have_attribute("href", f"/activities/villages/{w.village.code}/#sessions")
    fill_url = page.url
    page.goto(f"{live_server.url}/activities/villages/{w.village.code}/new/sessions/")
    page.get_by_label("活动类型").select_option(label="志愿劳动")
    page.get_by_label("活动内容").fill("清理街巷")
    page.get_by_test_id("save").click()
    expect(page.get_by_test_id("session-title")).to_have_text("清理街巷")
    page.goto(fill_url)
    expect(page.get_by_test_id("indicator-zbgy-03-05")).to_contain_text("本年度志愿劳动次数：3 次")
    shot(page, "activities-bound-rule-phone")
    context.close()


def _xlsx(path, rows):
    wb = Workbook()
    for r in rows:
        wb.active.append(r)
    wb.save(path)
    return path


HEAD = ["村（社区）代码", "村（社区）名称", "荣誉称号", "级别", "授予单位", "年度", "备注"]


def test_honours_import_with_a_bad_row(live_world, browser, sign_in, live_server, shot, tmp_path):
    w = live_world
    context = browser.new_context(locale="zh-CN")
    page = sign_in(context.new_page(), "town")
    page.goto(f"{live_server.url}/activities/list/honours/")
    page.get_by_test_id("import-honours").click()
    bad = _xlsx(tmp_path / "荣誉.xlsx", [HEAD, [w.village.code, "西辛庄村", "全国文明村", "国家级", "中央文明委", 2020, ""],
                                          [w.sibling.code, "庆南村", "省级森林乡村", "省部级", "河南省林业局", 2021, ""]])
    page.locator("input[name=file]").set_input_files(str(bad))
    page.get_by_role("button", name="校验并导入").click()
    expect(page.get_by_test_id("import-failed")).to_contain_text("未导入任何数据")
    expect(page.get_by_test_id("import-problems")).to_contain_text("第3行：级别「省部级」无效")
    assert Honour.objects.count() == 0
    shot(page, "activities-import-bad-row")
    good = _xlsx(tmp_path / "荣誉2.xlsx", [HEAD, [w.village.code, "西辛庄村", "全国文明村", "国家级", "中央文明委", 2020, ""],
                                           [w.sibling.code, "庆南村", "省级森林乡村", "省级", "河南省林业局", 2021, ""]])
    page.locator("input[name=file]").set_input_files(str(good))
    page.get_by_role("button", name="校验并导入").click()
    expect(page.get_by_text("导入成功：新增荣誉 2 项。")).to_be_visible()
    expect(page.get_by_test_id("records")).to_contain_text("省级森林乡村")
    context.close()


def test_incident_proposes_a_veto_the_town_confirms(live_world, browser, sign_in, live_server, shot):
    Act(live_world)
    w = live_world
    published_framework("puyang-2023-rural")
    published_framework("puyang-2023-community")
    context = browser.new_context(viewport=PHONE, locale="zh-CN")
    page = sign_in(context.new_page(), "secretary")
    page.goto(f"{live_server.url}/activities/villages/{w.village.code}/")
    page.get_by_test_id("new-incident").click()
    page.get_by_label("类别").select_option(label="案件")
    page.get_by_label("严重程度").select_option(label="较大")
    page.get_by_label("情况说明").fill("盗窃案件一起")
    page.get_by_test_id("save").click()
    expect(page.get_by_text("已提交乡镇确认")).to_be_visible()
    incident = Incident.objects.get()
    assert incident.veto_status == "proposed"
    context.close()

    context = browser.new_context(viewport=PHONE, locale="zh-CN")
    page = sign_in(context.new_page(), "town")
    page.goto(f"{live_server.url}/activities/incidents/{incident.pk}/")
    expect(page.get_by_test_id("veto-status")).to_contain_text("待镇级确认否决（细则 paf-01-01）")
    page.get_by_test_id("confirm-veto").click()
    expect(page.get_by_test_id("veto-status")).to_contain_text("已确认否决")
    shot(page, "activities-veto-confirmed")
    assert VetoEvent.objects.get().rule_code == "paf-01-01"
    context.close()
