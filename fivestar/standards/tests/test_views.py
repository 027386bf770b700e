"""The standards pages: list, browser, downloads, import with its validation report, publish/copy/archive, diff."""

from io import BytesIO

import pytest
import yaml
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from openpyxl import load_workbook

from fivestar.standards import excel_io, services, yaml_io
from fivestar.standards.models import FrameworkVersion

from .io_helpers import RURAL, example, find_rule

pytestmark = pytest.mark.django_db
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@pytest.fixture
def shipped(db):
    services.load_shipped()
    return {v.code: v for v in FrameworkVersion.objects.all()}


def _upload(name: str, content: bytes):
    return SimpleUploadedFile(name, content, content_type=XLSX if name.endswith(".xlsx") else "application/x-yaml")


def test_list_shows_versions_with_counts_to_any_signed_in_user(world, shipped, login, client):
    response = login(world.users["village_cadre"]).get("/standards/")
    html = response.content.decode()
    assert response.status_code == 200
    assert "puyang-2023-rural" in html and "5 / 30 / 210" in html and "5 / 25 / 122" in html and "已发布" in html
    assert 'data-testid="import-link"' not in html  # a village secretary reads but does not manage
    assert 'data-testid="nav-standards"' not in html  # not in a village user's menu (fivestar/core/menu.py)
    town_html = login(world.users["county_admin"]).get("/standards/").content.decode()  # manages standards
    assert '<a class="nav-link active" data-testid="nav-standards" aria-current="page" href="/standards/">创建标准</a>' in town_html
    client.logout()
    assert client.get("/standards/").status_code == 302


def test_browser_shows_stars_standards_rules_flags_and_evidence(world, shipped, login):
    rural = shipped["puyang-2023-rural"]
    html = login(world.users["observer"]).get(f"/standards/{rural.pk}/").content.decode()
    assert html.count("data-star ") == 5
    assert html.count("data-standard>") == 30 and html.count("data-rule ") == 210
    for name in ("支部过硬星", "产业兴旺星", "生态宜居星", "平安法治星", "文明幸福星"):
        assert name in html
    row = html[html.index('data-testid="rule-cyxw-01-01"'):]
    row = row[:row.index("</tr>")]
    assert "指标" in row and "≥50000元 得 9 分" in row and "取自：村集体经济收入" in row
    assert '<span class="badge text-bg-primary">必达</span>' in row and "达标分 9" in row
    assert "台账/记录" in row and "至少 2 件" in row and "村集体经济收入明细账" in row
    assert "须先获得 产业兴旺星、生态宜居星、平安法治星、文明幸福星" in html
    assert "达到适用满分的 80%（满分 100 分，即 80 分）" in html
    assert 'data-testid="publish"' not in html and 'data-testid="copy"' not in html


def test_browser_query_count_is_small(world, shipped, login):
    client = login(world.users["county_admin"])
    url = f"/standards/{shipped['puyang-2023-rural'].pk}/"
    client.get(url)
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    assert len(ctx.captured_queries) <= 12


def test_downloads_round_trip(world, shipped, login):
    client = login(world.users["town_admin"])
    rural = shipped["puyang-2023-rural"]
    text = client.get(f"/standards/{rural.pk}/download.yaml")
    assert text["Content-Disposition"] == "attachment; filename*=UTF-8''puyang-2023-rural.yaml"
    assert yaml.safe_load(text.content.decode()) == rural.data
    workbook = client.get(f"/standards/{rural.pk}/download.xlsx")
    data, problems = excel_io.import_workbook(workbook.content, "x.xlsx")
    assert problems == [] and data["stars"] == rural.data["stars"]
    template = client.get("/standards/template.xlsx")
    assert load_workbook(BytesIO(template.content)).sheetnames == ["填写说明", "基本信息", "星", "标准", "细则"]
    assert "example-2024-rural" in client.get("/standards/template.yaml").content.decode()


def test_import_page_is_only_for_standards_managers(world, login):
    for role in ("town_admin", "village_cadre", "supervisor"):
        assert login(world.users[role]).get("/standards/import/").status_code == 404
    page = login(world.users["county_admin"]).get("/standards/import/")
    assert page.status_code == 200 and '<option value="410928">濮阳县</option>' in page.content.decode()


def test_import_success_redirects_to_the_new_draft(world, login):
    client = login(world.users["county_admin"])
    response = client.post("/standards/import/", {"file": _upload("rural.yaml", RURAL.read_bytes()), "org_unit": "410928"})
    version = FrameworkVersion.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/standards/{version.pk}/"
    assert version.status == FrameworkVersion.Status.DRAFT and version.org_unit == world.county
    page = client.get(response["Location"]).content.decode()
    assert "已导入草稿" in page and 'data-testid="publish"' in page and 'data-testid="upload-draft"' in page


def test_import_errors_are_reported_and_nothing_is_saved(world, login):
    data = example()
    find_rule(data, "zbgy-01-02")["max"] = -2
    find_rule(data, "cyxw-01-01")["thresholds"] = [{"min": 100000, "points": 6}, {"min": 50000, "points": 10}]
    content = excel_io.export(data)
    response = login(world.users["county_admin"]).post(
        "/standards/import/", {"file": _upload("标准.xlsx", content), "org_unit": "410928"})
    html = response.content.decode()
    assert response.status_code == 200 and FrameworkVersion.objects.count() == 0
    assert "校验未通过：共 2 处错误，未保存任何内容" in html
    assert "<td>细则</td><td class=\"text-nowrap\">第 3 行</td><td>分值</td><td>zbgy-01-02：满分 max 必须是大于 0 的数（现为 -2）</td>" in html
    assert "第 5 行</td><td>档次</td>" in html


def test_import_yaml_syntax_error_shows_the_line(world, login):
    response = login(world.users["sysadmin"]).post("/standards/import/", {"file": _upload("bad.yaml", b"code: [x\nname: y\n")})
    html = response.content.decode()
    assert "<td class=\"text-nowrap\">第 2 行</td><td>第 5 列</td><td>YAML 语法错误：行内列表缺少逗号或右方括号“]”</td>" in html
    assert "「bad.yaml」校验未通过：共 1 处错误" in html
    assert FrameworkVersion.objects.count() == 0


def test_upload_into_a_draft(world, login):
    client = login(world.users["county_admin"])
    draft = services.import_framework(example(), world.users["county_admin"], world.county)
    data = example()
    find_rule(data, "zbgy-01-01")["text"] = "修改后的内容"
    response = client.post(f"/standards/import/?into={draft.pk}", {"file": _upload("ex.yaml", yaml_io.dump(data).encode()), "into": draft.pk})
    assert response.status_code == 302
    draft.refresh_from_db()
    assert find_rule(draft.data, "zbgy-01-01")["text"] == "修改后的内容" and FrameworkVersion.objects.count() == 1


def test_publish_copy_archive_need_the_right(world, login, shipped):
    draft = services.import_framework(example(), world.users["county_admin"], world.county)
    for role in ("town_admin", "observer"):
        client = login(world.users[role])
        assert client.post(f"/standards/{draft.pk}/publish/").status_code == 404
        assert client.get(f"/standards/{draft.pk}/copy/").status_code == 404
        assert client.post(f"/standards/{draft.pk}/archive/").status_code == 404
    client = login(world.users["county_admin"])
    assert client.get(f"/standards/{draft.pk}/publish/").status_code == 405
    assert client.post(f"/standards/{draft.pk}/publish/").status_code == 302
    draft.refresh_from_db()
    assert draft.status == FrameworkVersion.Status.PUBLISHED
    page = client.get(f"/standards/{draft.pk}/").content.decode()
    assert 'data-testid="publish"' not in page and 'data-testid="copy"' in page
    bad = client.post(f"/standards/{draft.pk}/copy/", {"code": "Bad Code", "version": "2025"})
    assert "代码只能使用小写字母、数字和连字符" in bad.content.decode()
    response = client.post(f"/standards/{draft.pk}/copy/", {"code": "example-2025-rural", "version": "2025", "name": ""})
    copy = FrameworkVersion.objects.get(code="example-2025-rural")
    assert response["Location"] == f"/standards/{copy.pk}/" and copy.based_on == draft and copy.name == draft.name
    assert client.post(f"/standards/{draft.pk}/archive/").status_code == 302
    draft.refresh_from_db()
    assert draft.status == FrameworkVersion.Status.ARCHIVED


def test_diff_page(world, login):
    a = services.import_framework(example(), None, publish=True)
    data = example()
    data["code"] = "example-2025-rural"
    find_rule(data, "zbgy-01-02")["max"] = 8
    data["stars"][1]["standards"][0]["rules"].pop()
    b = services.import_framework(data, None, publish=True)
    html = login(world.users["village_cadre"]).get(f"/standards/diff/?a={a.pk}&b={b.pk}").content.decode()
    assert 'data-testid="removed-cyxw-01-02"' in html and 'class="table-danger"' in html
    assert 'data-testid="changed-zbgy-01-02"' in html
    assert '分值：<span class="fs-diff-old">5</span> → <span class="fs-diff-new">8</span>' in html
    assert "细则 <span class=\"text-success\">+0</span> <span class=\"text-danger\">−1</span>" in html
    assert "内容相同" in login(world.users["village_cadre"]).get(f"/standards/diff/?a={a.pk}&b={a.pk}").content.decode()
    assert login(world.users["village_cadre"]).get("/standards/diff/").status_code == 200
