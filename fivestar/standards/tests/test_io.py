"""YAML and Excel import/export: stable canonical YAML, lossless round trips, and every bad input
reported in Chinese by file, sheet, row and column."""

from io import BytesIO

import pytest
from openpyxl import load_workbook

from fivestar.standards import excel_io, services, yaml_io
from fivestar.standards.canonical import canonical
from fivestar.standards.models import FrameworkVersion
from fivestar.standards.problems import ImportFailed

from .io_helpers import COMMUNITY, RURAL, edit_workbook, example, find_rule, find_star, line_of, without_comments


@pytest.mark.parametrize("path", [RURAL, COMMUNITY], ids=["rural", "community"])
def test_canonical_dump_of_a_shipped_file_is_the_file_without_comments(path):
    text = path.read_text(encoding="utf-8")
    assert yaml_io.dump(yaml_io.load(text, path.name)) == without_comments(text)


def test_dump_is_stable_and_omits_defaults():
    data = example()
    rule = find_rule(data, "zbgy-01-02")
    rule.update(required=False, veto=False, na_allowed=False, pass_mark=5.0, max=5.0)
    text = yaml_io.dump(data)
    assert yaml_io.dump(yaml_io.load(text)) == text
    block = text[text.index("code: zbgy-01-02"):text.index("code: zbgy-02")]
    assert "required" not in block and "pass_mark" not in block and "max: 5\n" in block
    assert "requires: [cyxw]" in text and "- {min: 50000, points: 6}" in text
    assert text.index("kind: metric") < text.index("thresholds:") < text.index("indicator:") < text.index("veto: true")


@pytest.mark.django_db
@pytest.mark.parametrize("path", [RURAL, COMMUNITY], ids=["rural", "community"])
def test_yaml_to_db_to_excel_to_db_to_yaml_is_identical(path):
    first = services.import_framework(path, None)
    workbook = excel_io.export(first.data)
    data, problems = excel_io.import_workbook(workbook, "roundtrip.xlsx")
    assert problems == []
    data["code"] = first.code + "-copy"
    second = services.import_framework(data, None)
    second.data["code"] = first.code
    assert second.data == first.data
    assert yaml_io.dump(second.data) == yaml_io.dump(first.data) == without_comments(path.read_text(encoding="utf-8"))
    assert (second.star_count, second.standard_count, second.rule_count) == (first.star_count, first.standard_count, first.rule_count)


def test_excel_layout_of_the_rural_framework():
    data = yaml_io.load(RURAL.read_text(encoding="utf-8"))
    wb = load_workbook(BytesIO(excel_io.export(data)))
    assert wb.sheetnames == ["填写说明", "基本信息", "星", "标准", "细则"]
    info = {row[0]: row[1] for row in wb["基本信息"].iter_rows(min_row=2, values_only=True)}
    assert info["代码"] == "puyang-2023-rural" and info["支部类型"] == "农村" and info["版本"] == "2023"
    stars, standards, rules = wb["星"], wb["标准"], wb["细则"]
    assert [c.value for c in stars[1]] == ["代码", "名称", "顺序", "通过比例", "通过分", "依赖星"]
    assert (stars.max_row - 1, standards.max_row - 1, rules.max_row - 1) == (5, 30, 210)
    assert [c.value for c in stars[2]] == ["zbgy", "支部过硬星", 1, 0.8, None, "cyxw、stjy、paf、wmxf"]
    header = [c.value for c in rules[1]]
    assert header[:7] == ["标准代码", "细则代码", "内容", "类型", "分值", "每次扣分", "档次"]
    row = next(r for r in rules.iter_rows(min_row=2, values_only=True) if r[1] == "cyxw-01-01")
    record = dict(zip(header, row))
    assert record["类型"] == "指标" and record["档次"] == "≥50000:9；≥100000:12；≥500000:15"
    assert record["关联指标"] == "村集体经济收入" and record["必达"] == "是" and record["一票否决"] == "否"
    assert record["达标分"] == 9 and record["佐证类型"] == "台账、文件" and record["佐证数量"] == 2
    assert rules.freeze_panes == "A2" and stars.freeze_panes == "A2"
    assert rules["A1"].font.bold and rules.column_dimensions["C"].width == 60
    lists = {dv.formula1 for dv in rules.data_validations.dataValidation}
    assert {'"达标,评分,扣分,指标"', '"是,否"'} <= lists
    assert any(f.startswith('"村集体经济收入') for f in lists)  # the indicators' list (more indicators follow it)


def test_template_is_a_valid_framework_with_instructions():
    data, problems = excel_io.import_workbook(excel_io.export(example()), "模板.xlsx")
    assert problems == [] and canonical(data) == canonical(example())
    wb = load_workbook(BytesIO(excel_io.export(example())))
    assert "填写说明" in wb["填写说明"]["A1"].value


# -- bad input: the same mistakes in YAML and in Excel ------------------------------------------------

def _set(path, key, value):
    def mutate(data):
        target = find_rule(data, path) if path.count("-") == 2 else find_star(data, path)
        if value is _DELETE:
            target.pop(key)
        else:
            target[key] = value
    return mutate


_DELETE = object()

# (id, mutation, message fragment, YAML (needle, occurrence, column), Excel (sheet, row, column))
CASES = [
    ("duplicate-code", _set("zbgy-01-02", "code", "zbgy-01-01"), "编码 zbgy-01-01 重复",
     ("code: zbgy-01-01", 2, "code"), ("细则", 3, "细则代码")),
    ("unknown-star", _set("zbgy", "requires", ["cyxw", "xyz"]), "依赖了未知的星级 'xyz'",
     ("requires: [cyxw, xyz]", 1, "requires[1]"), ("星", 2, "依赖星")),
    ("negative-max", _set("cyxw-01-02", "max", -1), "满分 max 必须是大于 0 的数（现为 -1）",
     ("max: -1", 1, "max"), ("细则", 6, "分值")),
    ("missing-max", _set("zbgy-01-02", "max", _DELETE), "缺少满分 max",
     ("code: zbgy-01-02", 1, "max"), ("细则", 3, "分值")),
    ("thresholds-out-of-order", _set("cyxw-01-01", "thresholds", [{"min": 100000, "points": 6}, {"min": 50000, "points": 10}]),
     "分档下限必须严格递增（50000 不大于上一档 100000）", ("{min: 50000, points: 10}", 1, "min"), ("细则", 5, "档次")),
    ("dependency-cycle", _set("cyxw", "requires", ["zbgy"]), "星级依赖存在循环：zbgy → cyxw → zbgy",
     ("requires: [cyxw]", 1, "requires"), ("星", 2, "依赖星")),
    ("pass-mark-above-max", _set("zbgy-01-01", "pass_mark", 8), "达标分 8 超过满分 5",
     ("pass_mark: 8", 1, "pass_mark"), ("细则", 2, "达标分")),
    ("pass-score-above-star-max", _set("zbgy", "pass_score", 200), "通过分 200 超过该星满分 16",
     ("pass_score: 200", 1, "pass_score"), ("星", 2, "通过分")),
]


@pytest.mark.parametrize("case", CASES, ids=[c[0] for c in CASES])
def test_bad_yaml_is_reported_with_line_numbers(case):
    _, mutate, message, (needle, occurrence, column), _ = case
    data = example()
    mutate(data)
    text = yaml_io.dump(data)
    with pytest.raises(ImportFailed) as exc:
        yaml_io.parse(text, "bad.yaml")
    found = [(p.file, p.row, p.column) for p in exc.value.problems if message in p.message]
    assert found == [("bad.yaml", line_of(text, needle, occurrence), column)], exc.value.problems


@pytest.mark.parametrize("case", CASES, ids=[c[0] for c in CASES])
def test_bad_excel_is_reported_by_sheet_row_and_column(case):
    _, mutate, message, _, (sheet, row, column) = case
    data = example()
    mutate(data)
    _, problems = excel_io.import_workbook(excel_io.export(data), "bad.xlsx")
    found = [(p.file, p.sheet, p.row, p.column) for p in problems if message in p.message]
    assert found == [("bad.xlsx", sheet, row, column)], problems


def test_duplicate_message_names_the_first_row_in_excel_terms():
    data = example()
    find_rule(data, "zbgy-01-02")["code"] = "zbgy-01-01"
    _, problems = excel_io.import_workbook(excel_io.export(data), "bad.xlsx")
    assert [p.message for p in problems] == ["编码 zbgy-01-01 重复（已用于「细则」第 2 行）"]


def _problems(content: bytes, name: str = "edited.xlsx"):
    _, problems = excel_io.import_workbook(content, name)
    return [(p.sheet, p.row, p.column, p.message) for p in problems]


def test_excel_cell_problems():
    content = edit_workbook(excel_io.export(example()), {
        ("细则", "E3"): "三分",                  # 分值 not a number
        ("细则", "G5"): "五万以上得6分",          # 档次 syntax
        ("细则", "D4"): "加分",                  # unknown 类型
        ("细则", "J2"): "也许",                  # 必达 not 是/否
        ("标准", "A4"): "xyz",                   # standard of an unknown star
        ("星", "A3"): "zbgy",                    # duplicate star code
    })
    problems = _problems(content)
    assert ("星", 3, "代码", "星代码 zbgy 重复（第 2 行已有）") in problems
    assert ("标准", 4, "星代码", "星代码「xyz」在「星」工作表中不存在") in problems
    assert ("细则", 2, "必达", "必达只能填写“是”或“否”（现为「也许」）") in problems
    assert ("细则", 3, "分值", "分值应为数字（现为「三分」）") in problems
    assert ("细则", 4, "类型", "类型「加分」无法识别，应为 达标、评分、扣分、指标 之一") in problems
    assert not any("缺少满分" in p[3] for p in problems)  # an unreadable cell is reported once


def test_excel_threshold_syntax_error_names_the_bad_part():
    problems = _problems(edit_workbook(excel_io.export(example()), {("细则", "G5"): "≥50000:6；十万:10"}))
    assert problems == [("细则", 5, "档次", "档次「十万:10」格式不正确，应为「≥下限:得分」，多档用“；”分隔，如 ≥50000:6；≥100000:10")]


def test_excel_missing_sheet_and_missing_column():
    wb = load_workbook(BytesIO(excel_io.export(example())))
    del wb["标准"]
    wb["细则"]["E1"] = "满分"
    out = BytesIO()
    wb.save(out)
    problems = _problems(out.getvalue())
    assert ("标准", None, None, "缺少工作表「标准」（请使用导入模板）") in problems
    assert ("细则", 1, "分值", "缺少列「分值」（请使用导入模板的表头）") in problems


@pytest.mark.parametrize("content,message", [(b"not a workbook", "文件「标准.xlsx」是文本（CSV/TXT）文件，不是 Excel（.xlsx）文件"),
                                             (b"PK\x03\x04broken zip", "文件「标准.xlsx」已损坏")], ids=["text", "broken-zip"])
def test_not_an_xlsx(content, message):
    problems = _problems(content, "标准.xlsx")
    assert len(problems) == 1 and problems[0][3].startswith(message)


def test_excel_rule_of_unknown_standard_and_empty_standard():
    problems = _problems(edit_workbook(excel_io.export(example()), {("细则", "A4"): "zbgy-09"}))
    assert ("细则", 4, "标准代码", "标准代码「zbgy-09」在「标准」工作表中不存在") in problems
    assert ("标准", 3, "标准代码", "zbgy-02：该标准在「细则」工作表中没有任何细则") in problems


def test_excel_accepts_what_people_type():
    content = edit_workbook(excel_io.export(example()), {
        ("星", "D2"): "80%", ("细则", "E2"): "5", ("细则", "D3"): "评分项", ("细则", "J3"): "√",
        ("细则", "G5"): "≥50000：6;>=100000:10", ("细则", "I5"): "collective_income", ("细则", "N2"): "文件,照片",
        ("基本信息", "B4"): "农村",
    })
    data, problems = excel_io.import_workbook(content, "typed.xlsx")
    assert problems == []
    assert find_star(data, "zbgy")["pass_ratio"] == 0.8
    assert find_rule(data, "zbgy-01-01")["max"] == 5
    assert find_rule(data, "zbgy-01-02")["required"] is True
    assert find_rule(data, "cyxw-01-01")["thresholds"] == [{"min": 50000, "points": 6}, {"min": 100000, "points": 10}]
    assert find_rule(data, "zbgy-01-01")["evidence"]["kinds"] == ["document", "photo"]


def test_yaml_syntax_error_in_chinese_with_line_number():
    text = "code: x\nname: 测试\nstars:\n  - code: a\n    name: b\n   standards: []\n"
    with pytest.raises(ImportFailed) as exc:
        yaml_io.load(text, "broken.yaml")
    [problem] = exc.value.problems
    assert problem.file == "broken.yaml" and problem.row == 6
    assert problem.message.startswith("YAML 语法错误：") and "缩进" in problem.message


def test_yaml_tab_and_duplicate_key():
    with pytest.raises(ImportFailed) as exc:
        yaml_io.load("code: x\n\tname: y\n", "tab.yaml")
    assert exc.value.problems[0].message == "YAML 语法错误：含有制表符（Tab），请改用空格缩进"
    with pytest.raises(ImportFailed) as exc:
        yaml_io.load("code: x\nname: a\nname: b\n", "dup.yaml")
    assert [(p.row, p.column, p.message) for p in exc.value.problems] == [(3, "name", "键 name 重复出现（第 2 行已有）")]


@pytest.mark.django_db
def test_nothing_is_saved_on_error():
    data = example()
    find_rule(data, "zbgy-01-02")["max"] = -3
    content = excel_io.export(data)
    with pytest.raises(ImportFailed) as exc:
        services.import_framework(content, None, filename="bad.xlsx")
    assert any(p.row == 3 and p.column == "分值" for p in exc.value.problems)
    assert FrameworkVersion.objects.count() == 0


@pytest.mark.django_db
def test_unsupported_and_oversized_files(settings):
    with pytest.raises(ImportFailed) as exc:
        services.import_framework(b"x", None, filename="old.xls")
    assert "另存为 .xlsx" in exc.value.problems[0].message
    with pytest.raises(ImportFailed) as exc:
        services.import_framework(b"x", None, filename="notes.txt")
    assert exc.value.problems[0].message == "只能导入 .yaml、.yml 或 .xlsx 文件"
    with pytest.raises(ImportFailed) as exc:
        services.import_framework(b"a" * (services.MAX_UPLOAD_BYTES + 1), None, filename="big.yaml")
    assert "上限" in exc.value.problems[0].message


def test_yaml_aliases_are_refused():
    text = "code: x\nname: &n 名称\nbranch_type: rural\nstars: &s\n  - code: a\n    name: b\n    standards: *s\n"
    with pytest.raises(ImportFailed) as exc:
        yaml_io.load(text, "alias.yaml")
    assert [(p.row, p.message) for p in exc.value.problems] == [(4, "不支持 YAML 锚点和别名（& 和 *），请直接写出内容")]


def test_numbers_with_thousands_separators_and_percentages():
    from fivestar.standards.labels import parse_number, parse_thresholds

    assert parse_number("50,000", "分值") == 50000 and parse_number("80%", "通过比例") == 0.8
    assert parse_number(" 2.5 ", "分值") == 2.5 and parse_number(3.0, "分值") == 3 and parse_number("", "分值") is None
    assert parse_thresholds("≥0.5:1；≥1e-07:2") == [{"min": 0.5, "points": 1}, {"min": 1e-07, "points": 2}]
    with pytest.raises(ValueError, match="分值应为数字（现为「True」）"):
        parse_number(True, "分值")


@pytest.mark.django_db
def test_yaml_text_can_be_imported_directly():
    version = services.import_framework(yaml_io.dump(example()), None)
    assert version.rule_count == 5 and version.data == canonical(example())
