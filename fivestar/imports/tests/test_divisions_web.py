"""The web import of administrative divisions: upload → preview → confirm → progress → result."""

import io
import json
import time
import zipfile
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from fivestar.core.models import AuditEvent
from fivestar.core.roles import Role
from fivestar.imports.models import ImportJob
from fivestar.orgs.models import Level, OrgUnit

PUYANG = Path("/work/shared/data/divisions/puyang-2023")
NAMES = ("provinces.csv", "cities.csv", "areas.csv", "streets.csv", "villages.csv")


def uploads(**replace) -> list[SimpleUploadedFile]:
    files = []
    for name in NAMES:
        data = replace.get(name, (PUYANG / name).read_bytes())
        if data is not None:
            files.append(SimpleUploadedFile(name, data, content_type="text/csv"))
    return files


def zipped(members: dict[str, bytes], name="puyang.zip") -> SimpleUploadedFile:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for member, data in members.items():
            archive.writestr(member, data)
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="application/zip")


@pytest.fixture
def admin_client(world, login):
    return login(world.users[Role.SYSADMIN])


@pytest.mark.django_db
def test_upload_preview_confirm_done(world, admin_client):
    """The test world already holds part of 濮阳县: the preview tells creates from updates, then it imports."""
    page = admin_client.get(reverse("imports:divisions"))
    assert page.status_code == 200 and "上传并预览" in page.content.decode()

    response = admin_client.post(reverse("imports:divisions"), {"files": uploads(), "under": "410928"})
    job = ImportJob.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("imports:divisions_job", args=[job.pk])
    assert job.status == ImportJob.Status.PREVIEWED and job.kind == ImportJob.Kind.DIVISIONS
    assert job.message == "校验通过：将新增 1,046，更新 3，未变 6"
    levels = {row["level"]: (row["create"], row["update"], row["unchanged"]) for row in job.preview["levels"]}
    # 庆祖镇/八公桥镇 are 濮阳县庆祖镇/濮阳县八公桥镇 in the statistical names; 410928104201 is 东街村委会 there.
    assert levels == {1: (0, 0, 1), 2: (0, 0, 1), 3: (0, 0, 1), 4: (18, 2, 0), 5: (1028, 1, 3)}
    assert job.org_unit == world.county and job.total == 1055
    assert job.upload_dir == f"imports/{job.pk}"
    assert OrgUnit.objects.filter(level=Level.VILLAGE).count() == 5  # nothing written before confirming

    page = admin_client.get(response["Location"]).content.decode()
    assert "确认导入" in page and "待确认" in page and "1028" in page

    response = admin_client.post(reverse("imports:divisions_confirm", args=[job.pk]))
    assert response.status_code == 302
    job.refresh_from_db()
    assert job.status == ImportJob.Status.DONE, job.message
    assert job.message == "导入行政区划：新增 1,046，更新 3，未变 6（限定代码 410928）"
    assert (job.done, job.total, job.percent) == (1055, 1055, 100)
    assert job.result["totals"] == {"create": 1046, "update": 3, "unchanged": 6}
    assert OrgUnit.objects.filter(parent__code="410928103").count() == 55
    town = OrgUnit.objects.get(code="410928103")
    assert (town.pk, town.name, town.display_name) == (world.town.pk, "濮阳县庆祖镇", "庆祖镇")
    assert OrgUnit.objects.get(code="410928104201").display_name == "东街村"
    assert AuditEvent.objects.filter(action="import", user=world.users[Role.SYSADMIN]).count() == 1

    partial = admin_client.get(reverse("imports:divisions_progress", args=[job.pk])).content.decode()
    assert "hx-trigger" not in partial and "导入行政区划：新增 1,046" in partial and "100%" in partial
    page = admin_client.get(reverse("imports:divisions_job", args=[job.pk])).content.decode()
    assert "确认导入" not in page and "已完成" in page

    # A second confirm of the same job does nothing.
    admin_client.post(reverse("imports:divisions_confirm", args=[job.pk]))
    assert AuditEvent.objects.filter(action="import").count() == 1


@pytest.mark.django_db
def test_progress_partial_polls_while_running(world, admin_client, settings):
    admin_client.post(reverse("imports:divisions"), {"files": uploads(), "under": "410928"})
    job = ImportJob.objects.get()
    ImportJob.objects.filter(pk=job.pk).update(status=ImportJob.Status.RUNNING, total=1055, heartbeat_at=timezone.now())
    progress = Path(settings.MEDIA_ROOT) / job.upload_dir / "progress.json"
    progress.write_text('{"done": 500, "total": 1055}')
    partial = admin_client.get(reverse("imports:divisions_progress", args=[job.pk])).content.decode()
    assert 'hx-trigger="every 1s"' in partial
    assert "已处理 500 / 1055" in partial and 'aria-valuenow="47"' in partial


@pytest.mark.django_db
def test_zip_upload_with_folder_is_accepted(world, admin_client):
    members = {f"puyang-2023/{name}": (PUYANG / name).read_bytes() for name in NAMES}
    members["puyang-2023/README.md"] = b"ignored"
    admin_client.post(reverse("imports:divisions"), {"files": [zipped(members)]})
    job = ImportJob.objects.get()
    assert job.status == ImportJob.Status.PREVIEWED
    assert job.preview["totals"]["create"] + job.preview["totals"]["update"] + job.preview["totals"]["unchanged"] == 3296


@pytest.mark.django_db
def test_invalid_files_show_errors_and_no_confirm(world, admin_client):
    villages = (PUYANG / "villages.csv").read_bytes().replace(b'410928103205,"', b'41092810320,"', 1)
    admin_client.post(reverse("imports:divisions"), {"files": uploads(**{"villages.csv": villages})})
    job = ImportJob.objects.get()
    assert job.status == ImportJob.Status.INVALID
    assert job.message == "校验未通过：共 1 个错误，请修改文件后重新上传"
    assert job.errors == [{"file": "villages.csv", "row": 2163, "column": "code", "message": "代码“41092810320”长度为 11 位，村（社区）级代码应为 12 位"}]
    page = admin_client.get(reverse("imports:divisions_job", args=[job.pk])).content.decode()
    assert "2163" in page and "村（社区）级代码应为 12 位" in page and "确认导入" not in page
    response = admin_client.post(reverse("imports:divisions_confirm", args=[job.pk]))
    job.refresh_from_db()
    assert job.status == ImportJob.Status.INVALID and response.status_code == 302
    assert OrgUnit.objects.count() == 13


@pytest.mark.django_db
def test_gbk_upload_is_previewed_with_its_encoding(world, admin_client):
    gbk = (PUYANG / "villages.csv").read_text(encoding="utf-8").encode("gbk")
    admin_client.post(reverse("imports:divisions"), {"files": uploads(**{"villages.csv": gbk})})
    job = ImportJob.objects.get()
    assert job.status == ImportJob.Status.PREVIEWED
    assert {f["name"]: f["encoding"] for f in job.preview["files"]}["villages.csv"] == "GBK/GB18030"


def _bomb() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("villages.csv", b"0" * (3 * 1024 * 1024))
    return buffer.getvalue()


@pytest.mark.django_db
@pytest.mark.parametrize(
    "files, message",
    [
        ([SimpleUploadedFile("villages.xlsx", b"PK\x03\x04junk")], "不支持的文件类型：villages.xlsx（只接受 .csv 文件或 .zip 压缩包）"),
        ([SimpleUploadedFile("data.csv", b"code,name\n")], "无法识别的文件名：data.csv（应为 provinces.csv、cities.csv、areas.csv、streets.csv、villages.csv 之一）"),
        ([SimpleUploadedFile("divisions.zip", b"\x00\x01garbage bytes")], "压缩包已损坏或不是 zip 格式"),
        ([SimpleUploadedFile("bomb.zip", _bomb())], "压缩包解压后超过 1.0 MB，请拆分后分批导入"),
        ("four", "缺少文件：villages.csv（五个文件需一起导入）"),
        ([], "请选择要上传的文件"),
    ],
    ids=["wrong-type", "unknown-name", "garbage-zip", "zip-bomb", "missing-file", "nothing"],
)
def test_bad_uploads_get_a_clear_message(world, admin_client, settings, files, message):
    settings.IMPORT_MAX_BYTES = 1024 * 1024
    if files == "four":
        files = uploads(**{"villages.csv": None})
    response = admin_client.post(reverse("imports:divisions"), {"files": files} if files else {})
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not ImportJob.objects.exists()


@pytest.mark.django_db
def test_too_large_upload_is_refused(world, admin_client, settings):
    settings.IMPORT_MAX_BYTES = 100 * 1024
    response = admin_client.post(reverse("imports:divisions"), {"files": uploads()})
    assert "上传的文件共 0.2 MB，超过上限 0.1 MB" in response.content.decode()
    assert not ImportJob.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize(
    "data, message",
    [
        (bytes(range(256)) * 4, "无法识别文件编码：第 2 行含有既不是 UTF-8 也不是 GBK 的字节（0x80），可能不是文本 CSV 文件；请在 Excel 中“另存为 CSV UTF-8”后重新导入"),
        (b"code\x00,name\n41\x00,x\n", "文件含有空字节（\\0），不是文本 CSV 文件"),
    ],
    ids=["binary", "nul-bytes"],
)
def test_garbage_bytes_in_a_csv_are_reported_not_a_500(world, admin_client, data, message):
    response = admin_client.post(reverse("imports:divisions"), {"files": uploads(**{"streets.csv": data})})
    job = ImportJob.objects.get()
    assert job.status == ImportJob.Status.INVALID
    assert job.errors == [{"file": "streets.csv", "row": None, "column": "", "message": message}]
    assert message in admin_client.get(response["Location"]).content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize("role", [Role.COUNTY_ADMIN, Role.TOWN_ADMIN, Role.SUPERVISOR, Role.VILLAGE_CADRE])
def test_only_system_admins_may_import_divisions(world, login, role):
    sys_client_job = ImportJob.objects.create(kind=ImportJob.Kind.DIVISIONS, org_unit=world.county, created_by=world.users[Role.SYSADMIN])
    client = login(world.users[role])
    assert client.get(reverse("imports:divisions")).status_code == 404
    assert client.post(reverse("imports:divisions"), {"files": uploads()}).status_code == 404
    for name in ("imports:divisions_job", "imports:divisions_progress"):
        assert client.get(reverse(name, args=[sys_client_job.pk])).status_code == 404
    assert client.post(reverse("imports:divisions_confirm", args=[sys_client_job.pk])).status_code == 404
    index = client.get(reverse("imports:index")).content.decode()
    assert "行政区划导入" not in index
    assert not ImportJob.objects.exclude(pk=sys_client_job.pk).exists()


@pytest.mark.django_db
def test_index_lists_visible_jobs_and_offers_the_import(world, admin_client, login):
    ImportJob.objects.create(kind=ImportJob.Kind.DIVISIONS, org_unit=world.county, created_by=world.users[Role.SYSADMIN], message="旧任务")
    ImportJob.objects.create(kind=ImportJob.Kind.PEOPLE, org_unit=world.far_town, message="清丰县的人员导入")
    page = admin_client.get(reverse("imports:index")).content.decode()
    assert reverse("imports:divisions") in page and "旧任务" in page and "清丰县的人员导入" in page
    town_page = login(world.users[Role.TOWN_ADMIN]).get(reverse("imports:index")).content.decode()
    assert "旧任务" not in town_page and "清丰县的人员导入" not in town_page
    assert reverse("imports:divisions") not in town_page


@pytest.mark.django_db
def test_stalled_import_shows_stalled_and_resumes_from_the_start(world, admin_client, settings):
    """A worker killed mid-import left the job RUNNING (its transaction rolled back); 继续 queues it again."""
    import datetime

    admin_client.post(reverse("imports:divisions"), {"files": uploads(), "under": "410928"})
    job = ImportJob.objects.get()
    long_ago = timezone.now() - datetime.timedelta(hours=1)
    ImportJob.objects.filter(pk=job.pk).update(status=ImportJob.Status.RUNNING, total=1055, heartbeat_at=long_ago)
    progress = Path(settings.MEDIA_ROOT) / job.upload_dir / "progress.json"
    progress.write_text(json.dumps({"done": 500, "total": 1055, "at": long_ago.timestamp()}))
    page = admin_client.get(reverse("imports:divisions_job", args=[job.pk])).content.decode()
    assert "已停滞" in page and 'data-testid="job-resume"' in page

    progress.write_text(json.dumps({"done": 500, "total": 1055, "at": time.time()}))  # the worker is alive after all
    page = admin_client.get(reverse("imports:divisions_progress", args=[job.pk])).content.decode()
    assert "已停滞" not in page and "已处理 500 / 1055" in page
    assert "该导入任务没有停滞" in admin_client.post(reverse("imports:divisions_resume", args=[job.pk]), follow=True).content.decode()

    progress.write_text(json.dumps({"done": 500, "total": 1055, "at": long_ago.timestamp()}))
    response = admin_client.post(reverse("imports:divisions_resume", args=[job.pk]))  # the test backend runs it at once
    assert response.status_code == 302
    job.refresh_from_db()
    assert job.status == ImportJob.Status.DONE and job.result["totals"] == {"create": 1046, "update": 3, "unchanged": 6}
