"""季观摩与红黑旗 in a real browser: two observers score the visited villages on a phone, the town administrator sees the
live ranking and publishes it (first place and its averaged score read on the page); then the town proposes this
month's red and black flags, confirms and publishes them, and the town's village list shows the badges."""

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from fivestar.observation.models import FlagRound, ObservationEvent
from fivestar.observation.services.events import create_event
from fivestar.observation.services.town_settings import save_settings
from fivestar.observation.tests.conftest import Obs

from .conftest import PHONE

pytestmark = pytest.mark.browser


def _score(browser, sign_in, live_server, user, event, values):
    context = browser.new_context(viewport=PHONE)
    page = sign_in(context.new_page(), user.username)
    for village, (a, b) in values.items():
        page.goto(f"{live_server.url}/observation/events/{event.pk}/score/")
        card = page.get_by_test_id("score-card").filter(has_text=village)
        card.get_by_label("环境卫生").fill(str(a))
        card.get_by_label("产业发展").fill(str(b))
        card.get_by_test_id("save-score").click()
        expect(page.get_by_text(f"已保存对「{village}」的评分。")).to_be_visible()
    context.close()


def test_observers_score_on_a_phone_and_the_town_publishes_ranking_and_flags(live_world, browser, sign_in, live_server, shot):
    obs = Obs(live_world)
    w = live_world
    today = timezone.localdate()
    save_settings(obs.town_admin, w.town, red_count=1, black_count=1)
    event = create_event(obs.town_admin, w.town, title="本季度观摩", date=today, items=[{"name": "环境卫生", "weight": 60}, {"name": "产业发展", "weight": 40}],
                         observer_ids=[u.pk for u in obs.observers[:2]], village_ids=[w.village.pk, w.sibling.pk])
    _score(browser, sign_in, live_server, obs.observers[0], event, {"西辛庄村": (90, 80), "庆南村": (60, 50)})
    _score(browser, sign_in, live_server, obs.observers[1], event, {"西辛庄村": (70, 60), "庆南村": (50, 40)})

    context = browser.new_context(viewport=PHONE)
    page = sign_in(context.new_page(), obs.town_admin.username)
    page.goto(f"{live_server.url}/observation/events/{event.pk}/")
    expect(page.get_by_test_id("page-heading")).to_contain_text("未发布")
    page.get_by_test_id("publish").click()
    expect(page.get_by_test_id("page-heading")).to_contain_text("已发布")
    rows = page.get_by_test_id("ranking-row")
    expect(rows.nth(0)).to_contain_text("西辛庄村")
    expect(rows.nth(0)).to_contain_text("76.00")  # (86 + 66) / 2
    expect(rows.nth(1)).to_contain_text("51.00")  # (56 + 46) / 2
    shot(page, "observation-ranking-phone")
    assert ObservationEvent.objects.get().status == "published"

    page.goto(f"{live_server.url}/observation/")
    page.get_by_test_id("propose").click()
    expect(page.get_by_test_id("page-heading")).to_contain_text("待确认")
    flag_rows = page.get_by_test_id("flag-row")
    expect(flag_rows.nth(0)).to_contain_text("西辛庄村")
    expect(flag_rows.nth(0)).to_contain_text("红旗")
    # 龙鑫苑社区 was not observed: it takes the town's average observation score, so the observed 庆南村 ranks last.
    expect(flag_rows.nth(1)).to_contain_text("龙鑫苑社区")
    expect(flag_rows.nth(2)).to_contain_text("庆南村")
    expect(flag_rows.nth(2)).to_contain_text("黑旗")
    page.get_by_test_id("confirm").click()
    expect(page.get_by_test_id("page-heading")).to_contain_text("已确认")
    page.get_by_test_id("publish-flags").click()
    expect(page.get_by_test_id("page-heading")).to_contain_text("已发布")
    shot(page, "observation-flags-phone")
    rnd = FlagRound.objects.get()
    assert rnd.status == "published" and rnd.period_start == today.replace(day=1)
    assert {e.village.code: e.flag for e in rnd.entries.select_related("village")} == {w.village.code: "red", w.sibling.code: "black", w.community.code: ""}
    page.goto(f"{live_server.url}/orgs/{w.town.code}/")
    expect(page.get_by_test_id("flag-badge")).to_have_count(2)
    context.close()


def test_the_town_sets_its_flag_rules_edits_a_proposal_by_hand_and_links_the_quarterly_meeting(live_world, browser, sign_in, live_server, shot):
    """The town's administrator on a phone: sets one red and one black flag on the settings page, proposes this month's
    flags, changes a village's flag by hand with a reason (badge and reason on the row, the step in the record),
    confirms and publishes; then opens the 季观摩会, creates its observation event from there (the meeting is
    preselected) and follows the links both ways."""
    from fivestar.meetings.models import MeetingKind
    from fivestar.meetings.services import create_meeting, save_series
    from fivestar.supervision.models import Problem

    obs = Obs(live_world)
    w = live_world
    today = timezone.localdate()
    Problem.objects.create(org_unit=w.sibling, star_code="stjy", description="柴草乱堆", deadline=today, found_on=today.replace(day=1))
    context = browser.new_context(viewport=PHONE, locale="zh-CN", timezone_id="Asia/Shanghai")
    page = sign_in(context.new_page(), obs.town_admin.username)
    page.goto(f"{live_server.url}/observation/")
    page.get_by_test_id("settings-link").click()
    expect(page.get_by_test_id("page-heading")).to_contain_text("观摩与红黑旗设置")
    page.get_by_label("红旗数").fill("1")
    page.get_by_label("黑旗数").fill("1")
    page.get_by_label("观摩得分权重").fill("0")
    page.get_by_test_id("settings-save").click()
    expect(page.get_by_text("设置已保存")).to_be_visible()
    expect(page.get_by_test_id("settings-history")).to_contain_text("红旗数")
    shot(page, "observation-settings-phone")

    page.goto(f"{live_server.url}/observation/")
    page.get_by_test_id("propose").click()
    expect(page.get_by_test_id("page-heading")).to_contain_text("待确认")
    expect(page.get_by_test_id("flag-row").filter(has_text="庆南村")).to_contain_text("黑旗")
    form = page.get_by_test_id("adjust-form")
    form.get_by_label("村（社区）").select_option(w.sibling.code)
    form.get_by_label("改为").select_option("none")
    form.get_by_label("调整原因").fill("问题已于月底前整改销号")
    page.get_by_test_id("adjust").click()
    row = page.get_by_test_id("flag-row").filter(has_text="庆南村")
    expect(row.get_by_test_id("adjusted")).to_be_visible()
    expect(row).to_contain_text("建议黑旗；问题已于月底前整改销号")
    expect(page.get_by_test_id("flag-events")).to_contain_text("「庆南村」由黑旗改为不授旗")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"] + 2, width
    shot(page, "observation-flags-adjusted-phone")
    page.get_by_test_id("confirm").click()
    expect(page.get_by_test_id("page-heading")).to_contain_text("已确认")
    expect(page.get_by_test_id("adjust-form")).to_have_count(0)
    page.get_by_test_id("publish-flags").click()
    expect(page.get_by_test_id("page-heading")).to_contain_text("已发布")
    rnd = FlagRound.objects.get()
    assert rnd.entries.get(village=w.sibling).flag == "" and rnd.entries.get(village=w.sibling).proposed_flag == "black"

    series = save_series(obs.town_admin, unit=w.town, kind=MeetingKind.OBSERVATION, place="各村现场")
    meeting = create_meeting(obs.town_admin, series=series, date=today)
    page.goto(f"{live_server.url}/meetings/{meeting.pk}/")
    page.get_by_test_id("meeting-new-observation").click()
    expect(page.get_by_test_id("event-meeting")).to_have_value(str(meeting.pk))
    page.get_by_label("观摩名称").fill("本季度现场观摩")
    page.get_by_label("观摩日期").fill(today.isoformat())
    page.get_by_label(obs.observers[0].username).check()
    page.get_by_label("西辛庄村").check()
    page.get_by_test_id("create-event").click()
    expect(page.get_by_test_id("event-meeting-link")).to_contain_text(meeting.title)
    page.get_by_test_id("event-meeting-link").click()
    expect(page.get_by_test_id("meeting-observations")).to_contain_text("本季度现场观摩")
    page.get_by_test_id("meeting-observation-link").click()
    expect(page.get_by_test_id("page-heading")).to_contain_text("本季度现场观摩")
    assert ObservationEvent.objects.get(title="本季度现场观摩").meeting_id == meeting.pk
    context.close()
