"""The administrative-division importer: real Puyang data, idempotency, atomicity, and every bad input."""

from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from fivestar.core.models import AuditEvent
from fivestar.orgs.divisions import apply_import, plan_import
from fivestar.orgs.models import Level, OrgUnit

PUYANG = Path("/work/shared/data/divisions/puyang-2023")

HEADERS = {
    "provinces.csv": "code,name",
    "cities.csv": "code,name,provinceCode",
    "areas.csv": "code,name,cityCode,provinceCode",
    "streets.csv": "code,name,areaCode,provinceCode,cityCode",
    "villages.csv": "code,name,streetCode,provinceCode,cityCode,areaCode",
}
ROWS = {
    "provinces.csv": ['41,"河南省"'],
    "cities.csv": ['4109,"濮阳市",41'],
    "areas.csv": ['410928,"濮阳县",4109,41', '410922,"清丰县",4109,41'],
    "streets.csv": ['410928103,"庆祖镇",410928,41,4109', '410922100,"城关镇",410922,41,4109'],
    "villages.csv": [
        '410928103001,"龙鑫苑社区居民委员会",410928103,41,4109,410928',
        '410928103205,"西辛庄村委会",410928103,41,4109,410928',
        '410922100201,"城关村委会",410922100,41,4109,410922',
    ],
}


def write_set(directory: Path, encoding: str = "utf-8", **overrides) -> Path:
    """The small valid set above; `villages_csv="..."` replaces a file's whole text, `villages_csv=None` drops it."""
    directory.mkdir(parents=True, exist_ok=True)
    for name, header in HEADERS.items():
        key = name.replace(".", "_")
        text = overrides[key] if key in overrides else "\n".join([header, *ROWS[name]]) + "\n"
        if text is not None:
            (directory / name).write_bytes(text.encode(encoding) if isinstance(text, str) else text)
    return directory


def errors_of(plan) -> list[tuple]:
    return [(e.file, e.row, e.column, e.message) for e in plan.errors]


def count_units():
    return OrgUnit.objects.count()


@pytest.mark.django_db
def test_puyang_import_builds_the_real_hierarchy():
    plan = plan_import(PUYANG)
    assert plan.ok, plan.errors[:5]
    assert plan.counts[Level.VILLAGE] == {"create": 3197, "update": 0, "unchanged": 0}
    result = apply_import(plan)
    assert result.totals == {"create": 1 + 1 + 8 + 89 + 3197, "update": 0, "unchanged": 0}
    assert OrgUnit.objects.filter(level=Level.VILLAGE).count() == 3197
    qingzu = OrgUnit.objects.get(code="410928103")
    assert qingzu.path == "/41/4109/410928/410928103/"
    assert (qingzu.name, qingzu.display_name, qingzu.pinyin) == ("濮阳县庆祖镇", "庆祖镇", "qzz")
    assert OrgUnit.objects.get(code="410971001").display_name == "昌湖街道"  # 河南濮阳工业园区昌湖街道
    assert qingzu.parent.code == "410928"
    villages = OrgUnit.objects.filter(parent=qingzu)
    assert villages.count() == 55
    assert villages.filter(branch_type="rural").count() == 54
    xixinzhuang = OrgUnit.objects.get(code="410928103205")
    assert (xixinzhuang.name, xixinzhuang.display_name, xixinzhuang.branch_type) == ("西辛庄村委会", "西辛庄村", "rural")
    assert xixinzhuang.pinyin == "xxzc"
    assert xixinzhuang.path == "/41/4109/410928/410928103/410928103205/"
    longxinyuan = OrgUnit.objects.get(code="410928103001")
    assert (longxinyuan.display_name, longxinyuan.branch_type) == ("龙鑫苑社区", "community")
    assert OrgUnit.objects.get(code="410928207203").display_name == "西辛庄村"  # 西辛庄村村委会
    assert OrgUnit.objects.get(code="41").branch_type == ""
    event = AuditEvent.objects.get(action=AuditEvent.Action.IMPORT)
    assert event.summary == "导入行政区划：新增 3,296，更新 0，未变 0"
    assert event.org_unit.code == "41"
    # One historical record per unit, written in bulk: no per-row audit events.
    assert OrgUnit.history.count() == 3296
    assert AuditEvent.objects.count() == 1


@pytest.mark.django_db
def test_under_limits_to_the_county_and_its_ancestors():
    result = apply_import(plan_import(PUYANG, under="410928"))
    assert result.totals["create"] == 1 + 1 + 1 + 20 + 1032
    assert set(OrgUnit.objects.filter(level__lte=Level.COUNTY).values_list("code", flat=True)) == {"41", "4109", "410928"}
    assert not OrgUnit.objects.exclude(code__in=["41", "4109"]).exclude(code__startswith="410928").exists()
    assert OrgUnit.objects.filter(parent__code="410928103").count() == 55
    assert "限定代码 410928" in AuditEvent.objects.get(action=AuditEvent.Action.IMPORT).summary


@pytest.mark.django_db
def test_under_code_must_exist_in_the_files(tmp_path):
    plan = plan_import(write_set(tmp_path), under="410999")
    assert errors_of(plan) == [("", None, "限定代码", "限定代码 410999 在文件中不存在")]
    assert errors_of(plan_import(tmp_path, under="41x")) == [("", None, "限定代码", "限定代码“41x”无效：应为 2、4、6、9 或 12 位数字")]


@pytest.mark.django_db
def test_rerun_changes_nothing(tmp_path):
    directory = write_set(tmp_path)
    apply_import(plan_import(directory))
    before = list(OrgUnit.objects.values_list("id", "updated_at").order_by("id"))
    history = OrgUnit.history.count()
    plan = plan_import(directory)
    assert plan.totals == {"create": 0, "update": 0, "unchanged": 9}
    result = apply_import(plan)
    assert result.totals == {"create": 0, "update": 0, "unchanged": 9}
    assert list(OrgUnit.objects.values_list("id", "updated_at").order_by("id")) == before
    assert OrgUnit.history.count() == history
    assert AuditEvent.objects.filter(action="import").first().summary == "导入行政区划：新增 0，更新 0，未变 9"


@pytest.mark.django_db
def test_rename_updates_in_place_and_keeps_manual_branch_type(tmp_path):
    apply_import(plan_import(write_set(tmp_path / "a")))
    village = OrgUnit.objects.get(code="410928103205")
    pk = village.pk
    village.branch_type, village.branch_type_overridden = "community", True
    village.category = "lead"
    village.save()
    rows = [r.replace("西辛庄村委会", "新西辛庄村委会") for r in ROWS["villages.csv"]]
    text = "\n".join([HEADERS["villages.csv"], *rows]) + "\n"
    plan = plan_import(write_set(tmp_path / "b", villages_csv=text))
    assert plan.counts[Level.VILLAGE] == {"create": 0, "update": 1, "unchanged": 2}
    apply_import(plan)
    assert OrgUnit.objects.filter(code="410928103205").count() == 1
    village = OrgUnit.objects.get(code="410928103205")
    assert (village.pk, village.name, village.display_name, village.pinyin) == (pk, "新西辛庄村委会", "新西辛庄村", "xxxzc")
    assert village.path == "/41/4109/410928/410928103/410928103205/"
    assert (village.branch_type, village.category) == ("community", "lead")
    latest = village.history.first()
    assert (latest.history_type, latest.name) == ("~", "新西辛庄村委会")


@pytest.mark.django_db
def test_existing_units_are_matched_by_code_and_their_children_kept(world, tmp_path):
    """The test world already has 濮阳县/庆祖镇 with a villager group; the import adopts them, never duplicates."""
    apply_import(plan_import(write_set(tmp_path)))
    assert OrgUnit.objects.filter(code="410928103205").count() == 1
    assert OrgUnit.objects.get(code="410928103205001").parent.code == "410928103205"
    assert OrgUnit.objects.get(code="410928104201").name == "八公桥村委会"  # not in the files: untouched


@pytest.mark.django_db
def test_unit_filed_under_the_wrong_parent_moves_with_its_subtree(world, tmp_path):
    misplaced = OrgUnit.objects.create(code="410928103299", name="错挂村委会", level=Level.VILLAGE, parent=world.other_town)
    group = OrgUnit.objects.create(code="410928103299001", name="第一村民小组", level=Level.GROUP, parent=misplaced)
    assert group.path == "/41/4109/410928/410928104/410928103299/410928103299001/"
    text = villages("410928103205,西辛庄村委会,410928103,41,4109,410928", "410928103299,错挂村委会,410928103,41,4109,410928")
    plan = plan_import(write_set(tmp_path, villages_csv=text))
    assert plan.counts[Level.VILLAGE] == {"create": 0, "update": 1, "unchanged": 1}
    apply_import(plan)
    misplaced.refresh_from_db()
    group.refresh_from_db()
    assert (misplaced.parent_id, misplaced.path) == (world.town.pk, "/41/4109/410928/410928103/410928103299/")
    assert group.path == "/41/4109/410928/410928103/410928103299/410928103299001/"


@pytest.mark.django_db
def test_a_bad_file_after_good_ones_writes_nothing(tmp_path):
    bad = HEADERS["villages.csv"] + "\n410928103205,西辛庄村委会,410928103,41,4109,410928\n4109281032,短代码村委会,410928103,41,4109,410928\n"
    plan = plan_import(write_set(tmp_path, villages_csv=bad))
    assert not plan.ok
    assert plan.files[0].ok and plan.files[3].rows == 2
    with pytest.raises(Exception):
        apply_import(plan)
    with pytest.raises(CommandError):
        call_command("import_divisions", str(tmp_path))
    assert count_units() == 0
    assert not AuditEvent.objects.exists()


@pytest.mark.django_db
def test_database_failure_midway_rolls_everything_back(tmp_path, monkeypatch):
    from fivestar.orgs.divisions import importer

    calls = []

    def boom(units, user, when, update):
        calls.append(len(units))
        if units[0].level == Level.VILLAGE:
            raise RuntimeError("disk full")

    monkeypatch.setattr(importer, "_history", boom)
    with pytest.raises(RuntimeError):
        apply_import(plan_import(write_set(tmp_path)))
    assert len(calls) == 5 and count_units() == 0


def villages(*rows: str) -> str:
    return "\n".join([HEADERS["villages.csv"], *rows]) + "\n"


@pytest.mark.django_db
@pytest.mark.parametrize(
    "overrides, expected",
    [
        (
            {"cities_csv": "code,name\n4109,濮阳市\n"},
            [("cities.csv", 1, "provinceCode", "缺少列“provinceCode”（cities.csv 的表头应为 code,name,provinceCode）")],
        ),
        (
            {"provinces_csv": "code,name,note\n41,河南省,x\n"},
            [("provinces.csv", 1, "note", "多余的列“note”（provinces.csv 的表头应为 code,name）")],
        ),
        (
            {"villages_csv": villages("410928103205,西辛庄村委会,410928103,41,4109,410928", "410928199201,无主村委会,410928199,41,4109,410928")},
            [("villages.csv", 3, "streetCode", "上级单位 410928199 不存在：streets.csv 中没有该代码，系统中也没有")],
        ),
        (
            {"villages_csv": villages("410928103205,西辛庄村委会,410928103,41,4109,410928", "410928103205,西辛庄村委会,410928103,41,4109,410928")},
            [("villages.csv", 3, "code", "代码 410928103205 重复（与第 2 行相同）")],
        ),
        (
            {"streets_csv": "code,name,areaCode,provinceCode,cityCode\n410928103,庆祖镇,410928,41,4109\n41092810,短镇,410928,41,4109\n410922100,城关镇,410922,41,4109\n"},
            [("streets.csv", 3, "code", "代码“41092810”长度为 8 位，乡镇（街道）级代码应为 9 位")],
        ),
        (
            {"villages_csv": villages("4.10928E+11,科学计数村委会,410928103,41,4109,410928")},
            [("villages.csv", 2, "code", "代码“4.10928E+11”不是纯数字（Excel 可能把长数字显示成了科学计数法，请把该列设为“文本”格式）")],
        ),
        (
            {"villages_csv": villages("410928103205,西辛庄村委会,410928104,41,4109,410928")},
            [("villages.csv", 2, "streetCode", "应为 410928103（代码 410928103205 的前 9 位），实际为“410928104”")],
        ),
        (
            {"villages_csv": villages("410928103205,,410928103,41,4109,410928")},
            [("villages.csv", 2, "name", "代码 410928103205 的名称为空")],
        ),
        (
            {"villages_csv": villages("410928103205,西辛庄村委会,410928103,41")},
            [("villages.csv", 2, "", "本行有 4 列，表头有 6 列（名称中的逗号需用英文双引号括起）")],
        ),
        ({"areas_csv": ""}, [("areas.csv", None, "", "文件为空（没有表头，也没有数据行）")]),
        ({"villages_csv": villages()}, [("villages.csv", None, "", "文件只有表头，没有数据行")]),
        ({"villages_csv": None}, [("villages.csv", None, "", "缺少文件 villages.csv")]),
    ],
    ids=["missing-column", "extra-column", "missing-parent", "duplicate", "wrong-length", "scientific", "wrong-parent-column",
         "empty-name", "short-row", "empty-file", "header-only", "missing-file"],
)
def test_bad_input_is_reported_by_file_row_and_column(tmp_path, overrides, expected):
    plan = plan_import(write_set(tmp_path, **overrides))
    assert errors_of(plan) == expected
    assert not plan.ok and plan.rows == []


@pytest.mark.django_db
def test_children_of_an_unreadable_file_do_not_repeat_its_error(tmp_path):
    plan = plan_import(write_set(tmp_path, streets_csv="code,name\n410928103,庆祖镇\n"))
    assert [e.file for e in plan.errors] == ["streets.csv"] * 3  # 3 missing columns, nothing from villages.csv


@pytest.mark.django_db
def test_parent_already_in_the_database_is_accepted(world, tmp_path):
    """410928104 (八公桥镇) is not in streets.csv but exists in the system."""
    text = villages("410928103205,西辛庄村委会,410928103,41,4109,410928", "410928104202,新八公桥村委会,410928104,41,4109,410928")
    result = apply_import(plan_import(write_set(tmp_path, villages_csv=text)))
    assert result.counts[Level.VILLAGE]["create"] == 1
    assert OrgUnit.objects.get(code="410928104202").path == "/41/4109/410928/410928104/410928104202/"


@pytest.mark.django_db
def test_gbk_file_is_read_correctly(tmp_path):
    directory = write_set(tmp_path)
    (directory / "villages.csv").write_bytes(villages('410928103205,"西辛庄村委会",410928103,41,4109,410928').encode("gbk"))
    plan = plan_import(directory)
    assert plan.ok, plan.errors
    assert plan.files[4].encoding == "GBK/GB18030"
    apply_import(plan)
    assert OrgUnit.objects.get(code="410928103205").display_name == "西辛庄村"


@pytest.mark.django_db
def test_bom_and_crlf_file_is_read_correctly(tmp_path):
    directory = write_set(tmp_path)
    text = villages("410928103205,西辛庄村委会,410928103,41,4109,410928").replace("\n", "\r\n")
    (directory / "villages.csv").write_bytes(b"\xef\xbb\xbf" + text.encode("utf-8"))
    plan = plan_import(directory)
    assert plan.ok, plan.errors
    assert plan.files[4].encoding == "UTF-8（带 BOM）"
    apply_import(plan)
    assert OrgUnit.objects.get(code="410928103205").name == "西辛庄村委会"


@pytest.mark.django_db
def test_undecodable_bytes_are_reported_with_their_line(tmp_path):
    directory = write_set(tmp_path)
    (directory / "villages.csv").write_bytes(villages("410928103205,西辛庄村委会,410928103,41,4109,410928").encode() + b"\xff\xfe\x80\x81\n")
    plan = plan_import(directory)
    assert errors_of(plan) == [(
        "villages.csv", None, "",
        "无法识别文件编码：第 3 行含有既不是 UTF-8 也不是 GBK 的字节（0xFF），可能不是文本 CSV 文件；请在 Excel 中“另存为 CSV UTF-8”后重新导入",
    )]


def test_error_is_readable_as_text():
    from fivestar.orgs.divisions import RowError

    assert str(RowError("villages.csv", 5, "code", "代码为空")) == "villages.csv 第 5 行「code」列：代码为空"


@pytest.mark.django_db
def test_command_prints_counts_and_is_idempotent(tmp_path, capsys):
    directory = write_set(tmp_path)
    call_command("import_divisions", str(directory))
    out = capsys.readouterr().out
    assert "villages.csv：UTF-8，3 行" in out
    assert "导入行政区划：新增 9，更新 0，未变 0" in out
    call_command("import_divisions", str(directory), "--under", "410928")
    assert "导入行政区划：新增 0，更新 0，未变 6（限定代码 410928）" in capsys.readouterr().out


@pytest.mark.django_db
def test_command_dry_run_writes_nothing(tmp_path, capsys):
    call_command("import_divisions", str(write_set(tmp_path)), "--dry-run")
    assert "预览（未写入）：将新增 9，更新 0，未变 0" in capsys.readouterr().out
    assert count_units() == 0


@pytest.mark.django_db
def test_command_fails_with_the_error_list(tmp_path, capsys):
    directory = write_set(tmp_path, villages_csv=villages("410928103205,西辛庄村委会,410928103,41,4109,410928", "410928103205,重复村委会,410928103,41,4109,410928"))
    with pytest.raises(CommandError, match="校验未通过：共 1 个错误，未写入任何数据。"):
        call_command("import_divisions", str(directory))
    assert "villages.csv 第 3 行「code」列：代码 410928103205 重复（与第 2 行相同）" in capsys.readouterr().err
    assert count_units() == 0


def test_cli_exit_status(tmp_path):
    """The real `fivestar import-divisions` entry point exits non-zero on errors (separate process, own database)."""
    import os
    import subprocess
    import sys

    directory = write_set(tmp_path / "data", villages_csv="code,name\n")
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "fivestar.settings.dev", "FIVESTAR_VAR_DIR": str(tmp_path / "var")}
    env.pop("DATABASE_URL", None)
    run = lambda *args: subprocess.run([sys.executable, "-m", "fivestar.cli", *args], env=env, capture_output=True, text=True)  # noqa: E731
    assert run("migrate", "-v", "0").returncode == 0
    bad = run("import-divisions", str(directory))
    assert bad.returncode == 1
    assert "缺少列“streetCode”" in bad.stderr and "校验未通过" in bad.stderr
    good = run("import-divisions", str(write_set(tmp_path / "good")))
    assert good.returncode == 0, good.stderr
    assert "新增 9" in good.stdout


@pytest.mark.django_db
def test_invisible_characters_are_removed_from_names(tmp_path):
    text = "\n".join([HEADERS["villages.csv"], '410928103205,"西辛\u200b庄村\u202e委会\u2066",410928103,41,4109,410928']) + "\n"
    plan = plan_import(write_set(tmp_path, villages_csv=text))
    assert plan.ok, errors_of(plan)
    assert [r.name for r in plan.rows if r.code == "410928103205"] == ["西辛庄村委会"]
