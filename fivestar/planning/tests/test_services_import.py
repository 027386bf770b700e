"""Targets from Excel: the template read back, a good file saved, a bad file refused row by row with nothing saved,
hostile or wrong files refused by name, the user's text quoted only as a short excerpt."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook, load_workbook

from fivestar.core.models import AuditEvent
from fivestar.planning.models import VillageTarget
from fivestar.planning.services import (PlanningError, import_targets, save_planning_settings, save_targets,
                                        targets_template)

pytestmark = pytest.mark.django_db
HEADER = ["村（社区）代码", "名称", "创建类别", "目标星级", "目标星"]


def xlsx(rows, header=HEADER, name="目标.xlsx") -> SimpleUploadedFile:
    wb = Workbook()
    ws = wb.active
    ws.title = "创建目标"
    ws.append(header)
    for r in rows:
        ws.append(r)
    out = io.BytesIO()
    wb.save(out)
    return SimpleUploadedFile(name, out.getvalue())


def test_template_lists_the_towns_villages_with_their_targets(plan, world):
    save_targets(plan.town_admin, 2025, [{"village": world.village, "category": "lead", "target_rating": 2,
                                          "target_stars": ["cyxw", "stjy"]}])
    wb = load_workbook(io.BytesIO(targets_template(world.town, 2025)))
    rows = list(wb["创建目标"].iter_rows(values_only=True))
    assert list(rows[0]) == HEADER
    by_code = {r[0]: r for r in rows[1:]}
    assert set(by_code) == {world.village.code, world.sibling.code, world.community.code}
    assert by_code[world.village.code][1:] == ("西辛庄村委会", "领航村", 2, "产业兴旺星、生态宜居星")
    assert by_code[world.sibling.code][2:] == ("领航村", None, None)  # the village's own category, no target yet
    help_text = "\n".join(r[0] for r in wb["填写说明"].iter_rows(values_only=True))
    assert "领航村、冲刺村、提升村、强基村" in help_text and "支部过硬星" in help_text


def test_a_good_file_is_saved_and_recorded(plan, world):
    save_planning_settings(plan.town_admin, world.town, category_labels={"sprint": "攻坚村"})
    upload = xlsx([
        [world.village.code, "西辛庄村", "攻坚村", "五星", "支部过硬星、产业兴旺星，生态宜居星;平安法治星 文明幸福星"],
        [int(world.sibling.code), "庆南村", "", 2, "产业兴旺星、平安法治"],
        [world.community.code, "龙鑫苑社区", "强基村", "3星", None],
        [None, None, None, None, None],
    ])
    result = import_targets(plan.town_admin, world.town, 2025, upload)
    assert result.ok and result.errors == [] and result.rows == 3 and result.saved == 3
    targets = {t.org_unit_id: t for t in VillageTarget.objects.filter(year=2025)}
    assert targets[world.village.pk].target_stars == ["zbgy", "cyxw", "stjy", "paf", "wmxf"]
    assert (targets[world.village.pk].category, targets[world.village.pk].target_rating) == ("sprint", 5)
    assert targets[world.sibling.pk].category == "lead" and targets[world.sibling.pk].target_stars == ["cyxw", "paf"]
    assert targets[world.community.pk].target_rating == 3 and targets[world.community.pk].target_stars == []
    assert AuditEvent.objects.filter(action="import", org_unit=world.town, summary__contains="更新 3 个村").exists()
    again = import_targets(plan.town_admin, world.town, 2025, xlsx([[world.village.code, "", "攻坚村", 5, "支部过硬星、产业兴旺星、生态宜居星、平安法治星、文明幸福星"]]))
    assert again.ok and again.saved == 0 and again.unchanged == 1


def test_every_bad_row_is_named_and_nothing_is_saved(plan, world):
    long_text = "很长的" * 30
    upload = xlsx([
        [world.village.code, "西辛庄村", "领航村", 2, "产业兴旺星、生态宜居星"],  # good, but not saved
        [world.other_village.code, "八公桥村", "", 1, "产业兴旺星"],
        ["", "无代码", "", 1, "产业兴旺星"],
        [world.sibling.code, "庆南村", long_text, "七星", "产业兴旺星"],
        [world.community.code, "龙鑫苑", "", 2, long_text],
        [world.village.code, "西辛庄村", "", 3, "产业兴旺星"],
    ])
    result = import_targets(plan.town_admin, world.town, 2025, upload)
    assert not result.ok and not VillageTarget.objects.exists()
    assert result.errors[0] == f"第3行：代码「{world.other_village.code}」不是「庆祖镇」的村（社区）。"
    assert result.errors[1] == "第4行：未填写村（社区）代码。"
    assert result.errors[2].startswith("第5行：创建类别「很长的很长的") and "目标星级「七星」无效" in result.errors[2]
    assert result.errors[3].startswith("第6行：目标星「很长的很长的")
    assert result.errors[4] == "第7行：村（社区）「西辛庄村」与第2行重复；目标星级为 3 星，但填写了 1 颗目标星。"
    for error in result.errors:
        assert long_text not in error and len(error) < 120


def test_wrong_or_hostile_files_and_missing_columns(plan, world):
    bad = import_targets(plan.town_admin, world.town, 2025, SimpleUploadedFile("目标.xlsx", "代码,星级\n1,2".encode()))
    assert not bad.ok and "不是 Excel" in bad.errors[0]
    empty = import_targets(plan.town_admin, world.town, 2025, SimpleUploadedFile("空.xlsx", b""))
    assert "空的" in empty.errors[0]
    columns = import_targets(plan.town_admin, world.town, 2025, xlsx([["x"]], header=["代码", "名称"]))
    assert columns.errors[0].startswith("第1行：缺少列「目标星级、目标星」")
    nothing = import_targets(plan.town_admin, world.town, 2025, xlsx([]))
    assert nothing.errors == ["文件中没有可导入的数据行。"]
    huge = import_targets(plan.town_admin, world.town, 2025, xlsx([[world.village.code, "x" * 300, "", 1, "产业兴旺星"]]))
    assert not huge.ok and "x" * 60 not in huge.errors[0]
    assert not VillageTarget.objects.exists()


def test_only_the_towns_managers_import(plan, world):
    upload = xlsx([[world.village.code, "西辛庄村", "", 1, "产业兴旺星"]])
    for user in (plan.other_town_admin, plan.secretary_user, plan.observer):
        with pytest.raises(PlanningError, match="无权导入"):
            import_targets(user, world.town, 2025, upload)
    with pytest.raises(PlanningError, match="按乡镇导入"):
        import_targets(plan.town_admin, world.village, 2025, upload)
    assert import_targets(plan.county_admin, world.town, 2025, upload).saved == 1


def test_template_keeps_a_formula_like_village_name_as_text_and_imports_back(plan, world, login):
    hostile = '=HYPERLINK("http://evil.example/x","点击领取补贴")'
    world.village.name = world.village.display_name = hostile
    world.village.save()
    for village in (world.village, world.sibling, world.community):
        plan.target(village, rating=0, stars=())  # every row filled, so the file imports back as it came
    client = login(plan.town_admin)
    content = b"".join(client.get(f"/planning/targets/{world.town.code}/template.xlsx?year=2025").streaming_content)
    wb = load_workbook(io.BytesIO(content))
    cells = [c for ws in wb.worksheets for row in ws.iter_rows() for c in row if c.value is not None]
    assert not [c.coordinate for c in cells if c.data_type == "f"]
    assert [c.data_type for c in cells if c.value == hostile] == ["s"]
    result = import_targets(plan.town_admin, world.town, 2025, SimpleUploadedFile("回传.xlsx", content))
    assert result.ok and result.unchanged == 3, result.errors  # the name came back as the same text
