"""Services (import, publish, copy, archive, load the shipped frameworks), permissions, the diff and the command."""

from io import StringIO
from pathlib import Path

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command

from fivestar.core.models import AuditEvent
from fivestar.standards import services, yaml_io
from fivestar.standards.diff import diff
from fivestar.standards.models import FrameworkVersion
from fivestar.standards.problems import ImportFailed

from .io_helpers import RURAL, example, find_rule, find_star

pytestmark = pytest.mark.django_db

Status = FrameworkVersion.Status


def test_import_creates_a_draft_with_counts_and_history(world):
    county = world.users["county_admin"]
    version = services.import_framework(RURAL, county, world.county)
    assert version.status == Status.DRAFT and version.created_by == county and version.org_unit == world.county
    assert (version.code, version.name, version.branch_type, version.version) == (
        "puyang-2023-rural", '濮阳县2023年农村"五星"支部创建标准（示例）', "rural", "2023")
    assert (version.star_count, version.standard_count, version.rule_count) == (5, 30, 210)
    assert version.compiled().star("zbgy").requires == ("cyxw", "stjy", "paf", "wmxf")
    event = AuditEvent.objects.get(model="standards.frameworkversion")
    assert event.user == county and event.action == AuditEvent.Action.CREATE


def test_duplicate_code_is_rejected_and_located(world):
    services.import_framework(RURAL, None)
    with pytest.raises(ImportFailed) as exc:
        services.import_framework(RURAL, None)
    [problem] = exc.value.problems
    assert problem.file == "puyang-2023-rural.yaml" and problem.row == 5 and problem.column == "code"
    assert problem.message == '代码 puyang-2023-rural 已被「濮阳县2023年农村"五星"支部创建标准（示例）（2023）」使用，请改用新的代码'
    assert FrameworkVersion.objects.count() == 1


def test_publish_makes_a_version_immutable(world):
    sysadmin = world.users["sysadmin"]
    version = services.import_framework(example(), sysadmin)
    published = services.publish(version, sysadmin)
    assert published.status == Status.PUBLISHED and published.published_by == sysadmin and published.published_at
    published.data["name"] = "改名"
    with pytest.raises(ValidationError, match="已发布的标准版本不可修改"):
        published.save()
    with pytest.raises(ValidationError, match="只有草稿可以发布"):
        services.publish(FrameworkVersion.objects.get(pk=version.pk), sysadmin)
    with pytest.raises(ImportFailed, match="已发布或已停用的版本不能修改"):
        services.update_draft(version, example(), sysadmin)


def test_new_version_starts_as_a_draft_copy(world):
    county = world.users["county_admin"]
    base = services.import_framework(RURAL, county, world.county, publish=True)
    copy = services.new_version_from(base, county, "puyang-2024-rural", "2024", "濮阳县2024年农村“五星”支部创建标准")
    assert copy.status == Status.DRAFT and copy.based_on == base and copy.org_unit == world.county
    assert (copy.code, copy.version, copy.data["code"], copy.data["version"]) == ("puyang-2024-rural", "2024", "puyang-2024-rural", "2024")
    assert copy.rule_count == 210 and copy.data["stars"] == base.data["stars"]
    with pytest.raises(ValidationError) as exc:
        services.new_version_from(base, county, "Puyang 2024", "")
    assert exc.value.message_dict == {"code": ["代码只能使用小写字母、数字和连字符，如 puyang-2024-rural"],
                                      "version": ["请填写版本，如 2024"]}
    with pytest.raises(ValidationError) as exc:
        services.new_version_from(base, county, "puyang-2024-rural", "2024")
    assert exc.value.message_dict == {"code": ["代码 puyang-2024-rural 已被使用"]}


def test_update_draft_replaces_content_of_the_same_code(world):
    version = services.import_framework(example(), None)
    data = example()
    find_rule(data, "zbgy-01-02")["max"] = 7
    updated = services.update_draft(version, data, None)
    assert find_rule(updated.data, "zbgy-01-02")["max"] == 7
    data["code"] = "other-code"
    with pytest.raises(ImportFailed, match="文件中的代码 other-code 与草稿的代码 example-2024-rural 不一致"):
        services.update_draft(version, data, None)


def test_archive(world):
    version = services.import_framework(example(), None, publish=True)
    assert services.archive(version, None).status == Status.ARCHIVED
    with pytest.raises(ValidationError, match="已停用"):
        services.archive(FrameworkVersion.objects.get(pk=version.pk), None)


def test_only_standards_managers_covering_the_scope_may_write(world):
    with pytest.raises(PermissionDenied):
        services.import_framework(example(), world.users["town_admin"])
    for role in ("village_cadre", "supervisor", "observer"):
        with pytest.raises(PermissionDenied):
            services.import_framework(example(), world.users[role], world.county)
    version = services.import_framework(example(), world.users["county_admin"], world.county)
    from tests.factories import user_with_role

    other_county_admin = user_with_role("county2", "county_admin", world.other_county)
    for action in (services.publish, services.archive):
        with pytest.raises(PermissionDenied):
            action(version, other_county_admin)
    with pytest.raises(PermissionDenied):
        services.new_version_from(version, other_county_admin, "x-2025", "2025")
    with pytest.raises(PermissionDenied):
        services.import_framework(RURAL, other_county_admin, world.county)
    # A version without a scope applies above every county: only a 系统管理员 (or superuser) imports or manages it.
    with pytest.raises(PermissionDenied):
        services.import_framework(RURAL, other_county_admin)
    unscoped = services.import_framework(RURAL, world.users["sysadmin"])
    with pytest.raises(PermissionDenied):
        services.publish(unscoped, world.users["county_admin"])
    assert services.publish(unscoped, world.users["sysadmin"]).status == Status.PUBLISHED
    assert services.publish(version, world.users["sysadmin"]).status == Status.PUBLISHED


def test_load_shipped_is_idempotent_and_quiet(world):
    out = StringIO()
    call_command("framework", "load-shipped", stdout=out)
    assert sorted(out.getvalue().splitlines()) == ["puyang-2023-community：已导入并发布", "puyang-2023-rural：已导入并发布"]
    counts = {v.code: (v.status, v.star_count, v.standard_count, v.rule_count) for v in FrameworkVersion.objects.all()}
    assert counts == {"puyang-2023-rural": (Status.PUBLISHED, 5, 30, 210),
                      "puyang-2023-community": (Status.PUBLISHED, 5, 25, 122)}
    again = StringIO()
    call_command("framework", "load-shipped", stdout=again)
    assert again.getvalue() == "" and FrameworkVersion.objects.count() == 2
    assert services.load_shipped() == [("puyang-2023-community", "unchanged"), ("puyang-2023-rural", "unchanged")]


def test_diff_lists_added_removed_and_changed_items():
    old, new = example(), example()
    find_star(new, "zbgy")["pass_ratio"] = 0.85
    rule = find_rule(new, "zbgy-01-02")
    rule.update(max=8, required=True, text="书记参加培训不少于2次")
    find_rule(new, "cyxw-01-01")["thresholds"][0] = {"min": 60000, "points": 6}
    standard = find_star(new, "zbgy")["standards"][1]
    standard["rules"] = [r for r in standard["rules"] if r["code"] != "zbgy-02-01"] + [
        {"code": "zbgy-02-02", "text": "主题党日每月开展", "kind": "check", "max": 6}]
    new["name"] = "新名称"
    result = diff(old, new)
    assert [(c.label, c.old, c.new) for c in result.meta] == [("名称", old["name"], "新名称")]
    assert [(c.label, c.old, c.new) for c in result.stars.changed[0].changes] == [("通过比例", "80%", "85%")]
    assert [(i.code, i.parent) for i in result.rules.added] == [("zbgy-02-02", "zbgy-02")]
    assert [i.code for i in result.rules.removed] == ["zbgy-02-01"]
    changed = {i.code: [(c.label, c.old, c.new) for c in i.changes] for i in result.rules.changed}
    assert changed == {
        "zbgy-01-02": [("内容", "书记参加县级以上集中培训，学习笔记完整", "书记参加培训不少于2次"), ("分值", "5", "8"),
                       ("必达", "否", "是"), ("达标分", "5", "8")],
        "cyxw-01-01": [("档次", "≥50000:6；≥100000:10", "≥60000:6；≥100000:10")],
    }
    assert result.counts()["rules"] == {"added": 1, "removed": 1, "changed": 2}
    assert not result.standards and diff(old, old).is_empty
    assert "+ 细则 zbgy-02-02 主题党日每月开展" in result.as_text()


def test_command_import_export_and_diff(world, tmp_path: Path):
    out = StringIO()
    call_command("framework", "import", str(RURAL), "--publish", stdout=out)
    assert out.getvalue().strip() == "已导入 puyang-2023-rural（已发布）：5 颗星、30 条标准、210 条细则"
    target = tmp_path / "rural.xlsx"
    call_command("framework", "export", "puyang-2023-rural", "--format", "xlsx", "-o", str(target), stdout=StringIO())
    data = example()
    data["code"] = "example-2025"
    (tmp_path / "ex.yaml").write_text(yaml_io.dump(data), encoding="utf-8")
    call_command("framework", "import", str(tmp_path / "ex.yaml"), stdout=StringIO())
    assert FrameworkVersion.objects.get(code="example-2025").status == Status.DRAFT
    text = StringIO()
    call_command("framework", "export", "puyang-2023-rural", stdout=text)
    assert text.getvalue().startswith("# 创建标准框架") and "code: zbgy-01-01" in text.getvalue()
    rural = services.read(target).data
    rural["code"] = "puyang-2023-rural-b"
    find_rule(rural, "zbgy-01-01")["max"] = 4
    services.import_framework(rural, None)
    shown = StringIO()
    call_command("framework", "diff", "puyang-2023-rural", "puyang-2023-rural-b", stdout=shown)
    assert shown.getvalue().splitlines() == ["~ 细则 zbgy-01-01 村党支部书记政治素质好、带富能力强，年度考核为“好”等次",
                                            "    分值：3 → 4", "    达标分：3 → 4"]
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="第 5 行"):
        call_command("framework", "import", str(RURAL), stdout=StringIO())
