"""The targets pages: a town's grid saved at once (errors per row, nothing saved on any error), its plan totals and
the warning when the villages' targets do not add up, a county's towns with plan vs targets, the Excel import
(template read back, row-level errors, nothing saved), per-role access, and a fixed number of queries whatever
the number of villages."""

import io
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from openpyxl import Workbook, load_workbook

from fivestar.orgs.models import Level, OrgUnit
from fivestar.planning.models import UnitPlan, VillageTarget
from fivestar.planning.services import save_plan, save_planning_settings, save_targets
from tests.factories import unit

pytestmark = pytest.mark.django_db
YEAR = 2025


def url(world, code=None, year=YEAR):
    return f"/planning/targets/{code or world.town.code}/?year={year}"


def _rows(html: str) -> list[str]:
    return re.findall(r'data-testid="target-row" data-village="([^"]+)"', html)


def grid_post(world, rows: dict, page=None) -> dict:
    """rows: village → (category, rating, [stars])."""
    data = {"form": "grid", "year": str(YEAR), "row": [str(v.pk) for v in rows]}
    for v, (category, rating, stars) in rows.items():
        data[f"c-{v.pk}"] = category
        data[f"r-{v.pk}"] = str(rating)
        data[f"s-{v.pk}"] = list(stars)
    return data


def test_the_grid_lists_the_towns_villages_with_the_town_s_category_names(plan, world, login):
    save_planning_settings(plan.town_admin, world.town, category_labels={"lead": "示范村"})
    plan.target(rating=2, stars=("cyxw", "stjy"))
    html = login(plan.town_admin).get(url(world)).content.decode()
    assert sorted(_rows(html)) == sorted([world.village.display_name, world.sibling.display_name, world.community.display_name])
    assert ">示范村</option>" in html and ">领航村</option>" not in html
    row = html[html.index(f'data-id="{world.village.pk}"'):]
    row = row[:row.index("</tr>")]
    assert 'value="2" selected' in row
    assert re.search(r'value="cyxw" id="[^"]+" checked', row) and re.search(r'value="stjy" id="[^"]+" checked', row)
    assert "当前 <strong>0</strong> 星 / 目标 <strong>2</strong> 星" in row and "还差：产业兴旺星、生态宜居星" in row
    # a community is offered the community framework's stars
    community = html[html.index(f'data-id="{world.community.pk}"'):]
    assert "共建共享" in community[:community.index("</tr>")]


def test_saving_the_grid_saves_every_row_at_once(plan, world, login):
    client = login(plan.town_admin)
    data = grid_post(world, {world.village: ("lead", 2, ["cyxw", "stjy"]), world.sibling: ("sprint", "", ["paf"]),
                             world.community: ("", "", [])})
    response = client.post(url(world), data, follow=True)
    assert "已保存 2 个村（社区）的创建目标。" in response.content.decode()
    targets = {t.org_unit_id: t for t in VillageTarget.objects.filter(year=YEAR)}
    assert set(targets) == {world.village.pk, world.sibling.pk}  # an empty row of a village without target is skipped
    assert (targets[world.village.pk].category, targets[world.village.pk].target_rating, targets[world.village.pk].target_stars) == ("lead", 2, ["cyxw", "stjy"])
    assert (targets[world.sibling.pk].category, targets[world.sibling.pk].target_rating) == ("sprint", 1)  # the rating from the stars
    assert targets[world.village.pk].history.first().history_user == plan.town_admin
    again = client.post(url(world), data, follow=True)
    assert "创建目标没有变化。" in again.content.decode()


def test_wrong_rows_are_each_named_and_nothing_is_saved(plan, world, login):
    client = login(plan.town_admin)
    data = grid_post(world, {world.village: ("lead", 3, ["cyxw", "stjy"]), world.sibling: ("lead", 1, ["cyxw"]),
                             world.community: ("nonsense", 1, ["zbgy"])})
    response = client.post(url(world), data)
    assert response.status_code == 400
    html = response.content.decode()
    assert "有 2 个村（社区）的目标有误，本次没有保存任何一行" in html
    errors = dict(re.findall(r'data-id="(\d+)">(?:(?!</tr>).)*?data-testid="row-error">([^<]+)<', html, re.S))
    assert set(errors) == {str(world.village.pk), str(world.community.pk)}
    assert "目标星级为 3 星，但选择了 2 颗目标星" in errors[str(world.village.pk)] and world.village.display_name in errors[str(world.village.pk)]
    assert errors[str(world.community.pk)] == "创建类别无效。"
    assert not VillageTarget.objects.exists()
    row = html[html.index(f'data-id="{world.village.pk}"'):]
    assert 'value="3" selected' in row[:row.index("</tr>")]  # what was typed stays


def test_the_plan_totals_and_the_warning(plan, world, login):
    plan.target(rating=2, stars=("cyxw", "stjy"))
    client = login(plan.town_admin)
    html = client.get(url(world)).content.decode()
    assert "尚未制定 2025 年度创建计划" in html
    response = client.post(url(world), {"form": "plan", "year": YEAR, "rating-5": "1", "rating-2": "1", "star-cyxw": "2"}, follow=True)
    html = response.content.decode()
    assert "庆祖镇 2025 年度创建计划已保存。" in html
    plan_row = UnitPlan.objects.get(org_unit=world.town, year=YEAR)
    assert plan_row.rating_counts == {"5": 1, "2": 1} and plan_row.star_counts == {"cyxw": 2}
    warnings = re.findall(r'data-testid="plan-warning">([^<]+)<', html)
    assert "计划五星村 1 个，各村目标合计 0 个，相差 1 个。" in warnings
    assert "计划获得产业兴旺星的村 2 个，各村目标合计 1 个。" in warnings
    assert 'id="rating-5" name="rating-5" value="1"' in html
    # targets that add up: no warning for ratings and stars (two villages still lack a target)
    save_plan(plan.town_admin, world.town, YEAR, {"2": 1}, {"cyxw": 1, "stjy": 1})
    html = client.get(url(world)).content.decode()
    assert re.findall(r'data-testid="plan-warning">([^<]+)<', html) == ["还有 2 个村（社区）未设置 2025 年度创建目标。"]


def test_a_refused_plan_shows_the_service_s_message(plan, world, login):
    client = login(plan.town_admin)
    response = client.post(url(world), {"form": "plan", "year": YEAR, "rating-5": "abc"})
    assert response.status_code == 400
    assert "年度计划未保存：「五星村数」应为不小于 0 的整数。" in response.content.decode()
    assert not UnitPlan.objects.exists()


def test_the_county_lists_its_towns_with_plan_vs_targets(plan, world, login):
    plan.target(rating=2, stars=("cyxw", "stjy"))
    save_plan(plan.town_admin, world.town, YEAR, {"5": 1, "2": 1}, {})
    save_targets(plan.county_admin, YEAR, [{"village": world.other_village, "category": "", "target_rating": 1, "target_stars": ["paf"]}])
    save_plan(plan.county_admin, world.other_town, YEAR, {"1": 1}, {})
    html = login(plan.county_admin).get(url(world, world.county.code)).content.decode()
    rows = dict(re.findall(r'data-testid="child-row" data-unit="([^"]+)">(.*?)</tr>', html, re.S))
    assert set(rows) == {world.town.display_name, world.other_town.display_name}
    town = rows[world.town.display_name]
    assert 'data-testid="child-warn"' in town and re.findall(r'data-testid="child-cell">([^<]+)<', town) == ["1 · 0", "0 · 0", "0 · 0"]
    assert 'data-testid="child-ok"' in rows[world.other_town.display_name]
    assert "尚未制定 2025 年度创建计划" in html  # the county's own plan
    assert 'data-testid="plan-form"' in html


def test_roles_and_scope(plan, world, login):
    plan.target(rating=2, stars=("cyxw", "stjy"))
    observer = login(plan.observer)
    html = observer.get(url(world)).content.decode()
    assert len(_rows(html)) == 3 and 'name="r-' not in html and 'data-testid="grid-save"' not in html
    assert 'data-testid="plan-form"' not in html and 'data-testid="import-link"' not in html
    response = observer.post(url(world), grid_post(world, {world.village: ("lead", 1, ["cyxw"])}), follow=True)
    assert "您无权设置「庆祖镇」的创建目标。" in response.content.decode()
    assert VillageTarget.objects.get(org_unit=world.village).target_rating == 2
    assert observer.get(f"/planning/targets/{world.town.code}/import/").status_code == 404
    other = login(plan.other_town_admin)
    assert other.get(url(world)).status_code == 404
    assert other.post(url(world), grid_post(world, {world.village: ("lead", 1, ["cyxw"])})).status_code == 404
    assert other.get(f"/planning/targets/{world.town.code}/template.xlsx").status_code == 404
    secretary = login(plan.secretary_user)
    assert secretary.get(url(world)).status_code == 404
    assert secretary.get(url(world, world.village.code)).status_code == 404  # targets are a town's page
    assert secretary.get("/planning/targets/junk'/").status_code == 404


def test_a_post_naming_another_town_s_village_changes_nothing_there(plan, world, login):
    client = login(plan.town_admin)
    data = grid_post(world, {world.other_village: ("lead", 1, ["cyxw"])})
    client.post(url(world), data)
    assert not VillageTarget.objects.filter(org_unit=world.other_village).exists()


def xlsx(rows) -> SimpleUploadedFile:
    wb = Workbook()
    ws = wb.active
    ws.title = "创建目标"
    ws.append(["村（社区）代码", "名称", "创建类别", "目标星级", "目标星"])
    for r in rows:
        ws.append(r)
    out = io.BytesIO()
    wb.save(out)
    return SimpleUploadedFile("目标.xlsx", out.getvalue())


def test_import_template_errors_and_success(plan, world, login):
    client = login(plan.town_admin)
    page = client.get(f"/planning/targets/{world.town.code}/import/?year={YEAR}").content.decode()
    assert 'data-testid="template-link"' in page
    response = client.get(f"/planning/targets/{world.town.code}/template.xlsx?year={YEAR}")
    assert response.status_code == 200 and "attachment" in response["Content-Disposition"]
    wb = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    codes = {r[0] for r in list(wb["创建目标"].iter_rows(values_only=True))[1:]}
    assert codes == {world.village.code, world.sibling.code, world.community.code}
    bad = client.post(f"/planning/targets/{world.town.code}/import/", {"year": YEAR, "file": xlsx([
        [world.village.code, "西辛庄村", "领航村", 2, "产业兴旺星、生态宜居星"],
        [world.sibling.code, "庆南村", "", "七星", "产业兴旺星"],
    ])})
    assert bad.status_code == 400
    errors = re.findall(r'data-testid="import-error">([^<]+)<', bad.content.decode())
    assert errors == ["第3行：目标星级「七星」无效，应为 0 到 5。"]
    assert not VillageTarget.objects.exists()
    assert client.post(f"/planning/targets/{world.town.code}/import/", {"year": YEAR}).status_code == 400
    good = client.post(f"/planning/targets/{world.town.code}/import/", {"year": YEAR, "file": xlsx([
        [world.village.code, "西辛庄村", "领航村", 2, "产业兴旺星、生态宜居星"]])}, follow=True)
    assert "已导入 1 行，更新了 1 个村（社区）的创建目标。" in good.content.decode()
    assert VillageTarget.objects.get(org_unit=world.village, year=YEAR).target_stars == ["cyxw", "stjy"]


def _count(client, path):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(path)
    assert response.status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.parametrize("level", ["town", "county"])
def test_queries_do_not_grow_with_the_villages(plan, world, login, level):
    plan.target(rating=2, stars=("cyxw", "stjy"))
    client = login(plan.county_admin)
    path = url(world) if level == "town" else url(world, world.county.code)
    client.get(path)  # compiled frameworks cached
    few = _count(client, path)
    villages = [unit(f"41092810330{i:d}", f"新村{i}村委会", Level.VILLAGE, world.town) for i in range(10)]
    villages += [unit(f"41092810430{i:d}", f"外村{i}村委会", Level.VILLAGE, world.other_town) for i in range(10)]
    save_targets(plan.county_admin, YEAR, [{"village": v, "category": "improve", "target_rating": 1, "target_stars": ["paf"]} for v in villages])
    many = _count(client, path)
    assert OrgUnit.objects.filter(level=Level.VILLAGE, path__startswith=world.county.path).count() == 24
    assert many <= few, f"{few} queries with 4 villages, {many} with 24"
