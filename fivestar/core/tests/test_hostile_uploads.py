"""Hostile files against every import and upload added with supervision, planning, meetings, activities, projects,
reviews and boards (the older importers are in test_hostile_files.py, whose limits these share).

Each upload gets every kind of file a user could send that it must not take: decompression bombs (zip members and
pixels), XML entities (external and "billion laughs") in xlsx and docx, mislabelled files (a PNG called .xlsx, HTML or
an SVG with script called .jpg, a program called .pdf, a plain zip called .docx), text in GBK, oversized and empty
files, and for the letter template the placeholders of a template language. Each is refused with a clear Chinese
message and a 4xx (or the page again with the error), and nothing is saved: no row, no file left in MEDIA_ROOT.
A batch with one bad file among good ones keeps none of them where the upload promises all or nothing.

Inventory (grep request.FILES, UploadedFile, File( and open_workbook outside tests):
  uploads of evidence — supervision problem photos and rectification evidence (API), field photos (API), ledger task
  evidence (API), a signed letter's scan (API), an honour's certificate (API), project files (API), a commitment's
  result evidence (page: the API has none), and the pages that take several files in one step (a task's evidence and
  status, a problem's rectification): they promise all or nothing; the other pages call the same services;
  imports — honours (API and page), a town's targets (page; its bombs are in test_hostile_files.py);
  templates — a town's responsibility-letter template (.docx, page).
Meetings (minutes are text), observation, reviews and boards take no files. The exports are in
test_hostile_exports.py."""

import datetime
import html
import re
import uuid
from functools import cached_property
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from fivestar.core.roles import Role
from fivestar.people.models import Person, Position
from fivestar.rating.models import Evidence
from fivestar.rating.tests.conftest import frameworks  # noqa: F401 - fixture

from . import hostile_kit as kit

pytestmark = pytest.mark.django_db
CJK = re.compile("[\u4e00-\u9fff]")
TODAY = timezone.localdate()
EVIDENCE_LIMIT = 20 * 1024 * 1024


def _h(token):
    return {"HTTP_AUTHORIZATION": f"Bearer {token}"}


def _media(root: Path) -> set[str]:
    return {str(p.relative_to(root)) for p in root.rglob("*") if p.is_file()} if root.exists() else set()


class Site:
    """The objects each upload attaches to, made through the services when first used (a test builds only its own),
    and the users allowed to upload."""

    def __init__(self, world, api_token, client):
        self.world, self.client = world, client
        self.town_admin, self.cadre = world.users[Role.TOWN_ADMIN], world.users[Role.VILLAGE_CADRE]
        self.supervisor = world.users[Role.SUPERVISOR]
        self.tokens = {u: _h(api_token(u)) for u in (self.town_admin, self.cadre, self.supervisor)}
        self.secretary = Person.objects.create(user=self.cadre, org_unit=world.village, name="王书记", gender="M",
                                               position=Position.SECRETARY)

    @cached_property
    def team(self):
        from fivestar.supervision.services import save_team

        inspector = Person.objects.create(user=self.supervisor, org_unit=self.world.town, name="张督导", gender="M",
                                          position=Position.TOWN_CADRE)
        return save_team(self.town_admin, unit=self.world.town, name="第一督导组", leader=inspector, villages=[self.world.village])

    @cached_property
    def problem(self):
        from fivestar.supervision.services import create_problem

        return create_problem(self.supervisor, self.world.village, description="垃圾未清理", severity="minor", team=self.team)

    @cached_property
    def inspection(self):
        from fivestar.supervision.services import record_inspection

        return record_inspection(self.supervisor, self.team, date=TODAY, kind="routine", villages=[self.world.village],
                                 client_uid=uuid.uuid4())

    @cached_property
    def task(self):
        from fivestar.planning.services import save_task

        return save_task(self.town_admin, village=self.world.village, year=TODAY.year, star_code="cyxw", title="发展集体经济",
                         deadline=TODAY + datetime.timedelta(days=10))

    @cached_property
    def letter(self):
        from fivestar.planning.services.letters import letter_for

        return letter_for(self.world.village, TODAY.year)

    @cached_property
    def honour(self):
        from fivestar.activities.services import records

        return records.add_honour(self.cadre, self.world.village, title="县级文明村", level="county", issuer="县文明委", year=2020)

    @cached_property
    def project(self):
        from fivestar.projects.services.projects import publish

        return publish(self.cadre, self.world.village, name="食用菌大棚", industry="食用菌", investment="800000")

    @cached_property
    def commitment(self):
        from fivestar.planning.services.commitments import post_commitment

        return post_commitment(self.cadre, self.world.village, TODAY.replace(day=1), self.secretary, "完成改厕 20 户")

    def api(self, user, url, files: dict, **fields):
        return self.client.post(url, {**fields, **files}, **self.tokens[user])

    def page(self, user, url, files: dict, **fields):
        self.client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
        response = self.client.post(url, {**fields, **files})
        self.client.logout()
        return response

    def state(self) -> tuple:
        """Everything an evidence upload could change (of the objects this test made), to compare before and after."""
        from fivestar.projects.models import ProjectFile
        from fivestar.supervision.models import Rectification

        made = self.__dict__
        for name in ("problem", "inspection", "task", "letter", "honour", "commitment"):
            if name in made:
                made[name].refresh_from_db()
        ids = lambda name, related: list(getattr(made[name], related).values_list("pk", flat=True)) if name in made else None  # noqa: E731
        letter, honour, commitment = made.get("letter"), made.get("honour"), made.get("commitment")
        problem, task = made.get("problem"), made.get("task")
        return (Evidence.objects.count(), ProjectFile.objects.count(), Rectification.objects.count(), problem and problem.status,
                task and (task.status, task.version), ids("problem", "photos"), ids("inspection", "photos"),
                ids("task", "evidence"), ids("commitment", "result_evidence"),
                letter and (letter.status, letter.signed_copy_id), honour and honour.certificate_id, commitment and commitment.result)


def _messages(response) -> list[str]:
    """The Chinese messages a refusal carries: an API's detail and errors, or a page's error text."""
    if response["Content-Type"].startswith("application/json"):
        data = response.json()
        if not isinstance(data, dict):
            return [str(data)]
        return [data.get("detail", "")] + [e.get("message", "") for e in data.get("errors", [])]
    text = response.content.decode()
    return [html.unescape(text)]


# Each evidence upload: (who, how) → response. `files` is a list of (name, bytes).
def _problem_photos(site, files):
    return site.api(site.supervisor, f"/api/v1/supervision/problems/{site.problem.pk}/evidence",
                    {"files": [SimpleUploadedFile(n, d) for n, d in files]}, purpose="problem")


def _field_photo(site, files):
    (name, data), = files
    return site.api(site.supervisor, "/api/v1/supervision/field/photos", {"file": SimpleUploadedFile(name, data)},
                    client_uid=str(uuid.uuid4()), target="inspection", target_uid=str(site.inspection.client_uid))


def _task_evidence(site, files):
    return site.api(site.town_admin, f"/api/v1/planning/tasks/{site.task.pk}/evidence",
                    {"files": [SimpleUploadedFile(n, d) for n, d in files]})


def _letter_scan(site, files):
    (name, data), = files
    return site.api(site.town_admin, f"/api/v1/planning/letters/{site.world.village.code}/sign", {"scan": SimpleUploadedFile(name, data)},
                    year=TODAY.year, signed_on=TODAY.isoformat())


def _certificate(site, files):
    (name, data), = files
    return site.api(site.cadre, f"/api/v1/activities/honours/{site.honour.pk}/certificate", {"file": SimpleUploadedFile(name, data)})


def _project_files(site, files):
    return site.api(site.cadre, f"/api/v1/projects/{site.project.pk}/files", {"files": [SimpleUploadedFile(n, d) for n, d in files]})


def _task_evidence_page(site, files):
    return site.page(site.town_admin, f"/planning/tasks/{site.task.pk}/evidence/", {"files": [SimpleUploadedFile(n, d) for n, d in files]})


def _task_status_page(site, files):
    return site.page(site.town_admin, f"/planning/tasks/{site.task.pk}/status/", {"files": [SimpleUploadedFile(n, d) for n, d in files]},
                     status="doing")


def _rectify_page(site, files):
    return site.page(site.cadre, f"/supervision/problems/{site.problem.pk}/rectify/", {"files": [SimpleUploadedFile(n, d) for n, d in files]},
                     measures="已清理完毕")


def _commitment_result(site, files):
    return site.page(site.cadre, f"/planning/commitments/item/{site.commitment.pk}/result/",
                     {"files": [SimpleUploadedFile(n, d) for n, d in files]}, result="已完成改厕 20 户")


EVIDENCE_UPLOADS = {"problem-photos": _problem_photos, "field-photo": _field_photo, "task-evidence": _task_evidence,
                    "letter-scan": _letter_scan, "certificate": _certificate, "project-files": _project_files,
                    "commitment-result": _commitment_result, "task-evidence-page": _task_evidence_page,
                    "task-status-page": _task_status_page, "rectify-page": _rectify_page}
TARGETS = {"problem-photos": "problem", "field-photo": "inspection", "task-evidence": "task", "letter-scan": "letter",
           "certificate": "honour", "project-files": "project", "commitment-result": "commitment", "task-evidence-page": "task",
           "task-status-page": "task", "rectify-page": "problem"}
# Uploads that take several files and promise all or nothing (the others report per file or take one file).
ALL_OR_NOTHING = ["project-files", "commitment-result", "task-evidence-page", "task-status-page", "rectify-page"]

HOSTILE_EVIDENCE = {
    "html-as-jpg": ("现场.jpg", kit.HTML, "无法识别"),
    "svg-script-as-jpg": ("现场.jpg", kit.SVG, "无法识别"),
    "svg": ("图.svg", kit.SVG, "无法识别"),
    "program-as-pdf": ("扫描件.pdf", kit.EXE, "不允许上传"),
    "plain-zip-as-docx": ("材料.docx", kit.plain_zip(), "不是有效的Word 文档"),
    "empty": ("空.jpg", b"", "空"),
}


@pytest.fixture
def site(world, frameworks, api_token, client, settings, tmp_path):  # noqa: F811
    settings.MEDIA_ROOT = str(tmp_path / "media")
    return Site(world, api_token, client)


@pytest.fixture(scope="module")
def bombs():
    base = kit.docx(["{{村名}}"])
    return {"docx-bomb": ("材料.docx", kit.zip_bomb(base)),
            "xlsx-bomb": ("台账.xlsx", kit.zip_bomb(kit.workbook([["a"]]), member="xl/media/image1.bin")),
            "docx-xxe": ("材料.docx", kit.docx_with_entity(["正文"], "xxe")),
            "docx-laughs": ("材料.docx", kit.docx_with_entity(["正文"], "laughs")),
            "xlsx-xxe": ("台账.xlsx", kit.xlsx_with_entity([["a"]], "xxe")),
            "pixel-bomb": ("现场.png", kit.pixel_bomb()),
            "oversize": ("现场.png", kit.oversize(EVIDENCE_LIMIT))}


ZIP_BOMB = ("解压后过大", "压缩比异常")
BOMB_WORDS = {"docx-bomb": ZIP_BOMB, "xlsx-bomb": ZIP_BOMB, "docx-xxe": "DTD", "docx-laughs": "DTD", "xlsx-xxe": "DTD",
              "pixel-bomb": "像素", "oversize": "超过上限"}


# What an upload that takes fewer kinds of file says first, for a file that is not a picture: the field page takes
# photos only, a signed letter's scan PDF, JPG or PNG only.
NOT_A_PICTURE = {"field-photo": "不是照片", "letter-scan": "只能是 PDF 或 JPG、PNG"}


def _refused_and_nothing_saved(site, upload, files, words) -> str | None:
    """None when the upload was refused in Chinese with `words` and left no row and no file; else what went wrong."""
    root = Path(django_settings.MEDIA_ROOT)
    getattr(site, TARGETS[upload])  # made before the "before"
    before, files_before = site.state(), _media(root)
    response = EVIDENCE_UPLOADS[upload](site, files)
    messages = _messages(response)
    pictures = all(name.endswith((".png", ".jpg")) and data.startswith((b"\x89PNG", b"\xff\xd8")) for name, data in files)
    allowed = [words] if isinstance(words, str) else list(words)
    if not pictures and upload in NOT_A_PICTURE:
        allowed.append(NOT_A_PICTURE[upload])
    if not 400 <= response.status_code < 500:
        return f"status {response.status_code}: {str(messages)[:300]}"
    if not any(w in m and CJK.search(m) for m in messages for w in allowed):
        return f"no message with {allowed}: {str(messages)[:300]}"
    if site.state() != before:
        return f"saved: {before} → {site.state()}"
    if _media(root) != files_before:
        return f"files left: {_media(root) - files_before}"
    return None


@pytest.mark.parametrize("upload", EVIDENCE_UPLOADS)
def test_every_upload_refuses_every_hostile_file(site, bombs, upload):
    """One upload, every hostile file in turn (one world per upload keeps this quick); all failures reported."""
    cases = {kind: ([(name, data)], words) for kind, (name, data, words) in HOSTILE_EVIDENCE.items()}
    cases |= {kind: ([bombs[kind]], BOMB_WORDS[kind]) for kind in BOMB_WORDS}
    if upload == "field-photo":
        cases["program-as-pdf"] = (cases["program-as-pdf"][0], "不允许上传")
    failures = {kind: problem for kind, (files, words) in cases.items()
                if (problem := _refused_and_nothing_saved(site, upload, files, words))}
    assert not failures, failures


@pytest.mark.parametrize("upload", ALL_OR_NOTHING)
def test_one_bad_file_keeps_none_of_the_batch(site, upload):
    assert _refused_and_nothing_saved(site, upload, [("好.png", kit.png()), ("坏.jpg", kit.HTML)], "无法识别") is None


@pytest.mark.parametrize("upload", EVIDENCE_UPLOADS)
def test_a_png_called_xlsx_is_kept_as_the_picture_it_is(site, upload):
    """Mislabelled but harmless: the type comes from the bytes, so it is stored and served as a PNG, never as a
    workbook (the name's extension is not kept)."""
    response = EVIDENCE_UPLOADS[upload](site, [("台账.xlsx", kit.png())])
    assert response.status_code in (200, 201, 302), _messages(response)
    stored = Evidence.objects.get()
    assert stored.content_type == "image/png" and stored.extension == ".png" and stored.file.name.endswith(".png")


# -- imports -------------------------------------------------------------------------------------------------------

HONOUR_HEADERS = ["村（社区）代码", "村（社区）名称", "荣誉称号", "级别", "授予单位", "年度", "备注"]


def _honour_rows():
    return [HONOUR_HEADERS, ["410928103205", "西辛庄村", "全国文明村", "国家级", "中央文明委", 2020, ""]]


def _honours_api(site, name, data):
    return site.api(site.cadre, "/api/v1/activities/honours/import", {"file": SimpleUploadedFile(name, data)})


def _honours_page(site, name, data):
    return site.page(site.cadre, "/activities/honours/import/", {"file": SimpleUploadedFile(name, data)})


def _targets_page(site, name, data):
    return site.page(site.town_admin, f"/planning/targets/{site.world.town.code}/import/", {"file": SimpleUploadedFile(name, data)},
                     year=TODAY.year)


IMPORTS = {"honours-api": _honours_api, "honours-page": _honours_page, "targets-page": _targets_page}


@pytest.fixture(scope="module")
def hostile_workbooks():
    rows = _honour_rows()
    return {
        "xlsx-xxe": ("荣誉.xlsx", kit.xlsx_with_entity(rows, "xxe"), "DTD"),
        "xlsx-laughs": ("荣誉.xlsx", kit.xlsx_with_entity(rows, "laughs"), "DTD"),
        "xlsx-bomb": ("荣誉.xlsx", kit.zip_bomb(kit.workbook(rows), member="xl/media/image1.bin"), "解压后过大"),
        "png-as-xlsx": ("荣誉.xlsx", kit.png(), "图片"),
        "html-as-xlsx": ("荣誉.xlsx", kit.HTML, "不是 Excel"),
        "gbk-csv": ("荣誉.csv", kit.GBK_CSV, "文本（CSV/TXT）文件"),
        "gbk-yaml": ("荣誉.yaml", kit.GBK_YAML, "文本（CSV/TXT）文件"),
        "docx-as-xlsx": ("荣誉.xlsx", kit.docx(["荣誉"]), "Word 文档"),
        "xls": ("荣誉.xls", kit.OLE2, "97-2003"),
        "oversize": ("荣誉.xlsx", kit.oversize(5 * 1024 * 1024, b"PK\x03\x04"), "超过上限"),
        "empty": ("荣誉.xlsx", b"", "空的"),
    }


@pytest.mark.parametrize("importer", IMPORTS)
def test_every_import_refuses_every_hostile_workbook(site, hostile_workbooks, importer):
    from fivestar.activities.models import Honour
    from fivestar.core.models import AuditEvent
    from fivestar.planning.models import VillageTarget

    root = Path(django_settings.MEDIA_ROOT)
    failures = {}
    for hostile, (name, data, words) in hostile_workbooks.items():
        counts = (Honour.objects.count(), VillageTarget.objects.count(), AuditEvent.objects.filter(action="import").count())
        files = _media(root)
        response = IMPORTS[importer](site, name, data)
        messages = _messages(response)
        if response.status_code not in (200, 400, 422):
            failures[hostile] = f"status {response.status_code}"
        elif not any(words in m and CJK.search(m) and f"「{name}」" in m for m in messages):
            failures[hostile] = f"no message with {words}: {str(messages)[:300]}"
        elif (Honour.objects.count(), VillageTarget.objects.count(), AuditEvent.objects.filter(action="import").count()) != counts:
            failures[hostile] = "saved rows"
        elif _media(root) != files:
            failures[hostile] = "left files"
    assert not failures, failures


# -- the letter template: a .docx the town uploads --------------------------------------------------------------------


def _template(site, name, data):
    return site.page(site.town_admin, f"/planning/letters/{site.world.town.code}/template/", {"template": SimpleUploadedFile(name, data)},
                     year=TODAY.year)


@pytest.fixture(scope="module")
def hostile_templates():
    good = ["{{村名}}目标责任书", "{{年度}}"]
    return {
        "docx-xxe": ("模板.docx", kit.docx_with_entity(good, "xxe"), "DTD"),
        "docx-laughs": ("模板.docx", kit.docx_with_entity(good, "laughs"), "DTD"),
        "docx-bomb": ("模板.docx", kit.zip_bomb(kit.docx(good)), "解压后过大"),
        "png-as-docx": ("模板.docx", kit.png(), "图片"),
        "html-as-docx": ("模板.docx", kit.HTML, "不是 Word 文档"),
        "xlsx-as-docx": ("模板.docx", kit.workbook([["{{村名}}"]]), "Excel"),
        "doc": ("模板.doc", kit.OLE2, "97-2003"),
        "oversize": ("模板.docx", kit.oversize(10 * 1024 * 1024, b"PK\x03\x04"), "超过上限"),
        "empty": ("模板.docx", b"", "空的"),
        "django-variable": ("模板.docx", kit.docx([*good, "{{ request }}"]), "{{request}}"),
        "attribute-walk": ("模板.docx", kit.docx([*good, "{{ x.__class__.__mro__ }}"]), "{{x.__class__.__mro__}}"),
        "settings": ("模板.docx", kit.docx([*good, "{{settings.SECRET_KEY}}"]), "{{settings.SECRET_KEY}}"),
        "filter": ("模板.docx", kit.docx([*good, "{{村名|safe}}"]), "{{村名|safe}}"),
        "broken-tag": ("模板.docx", kit.docx([*good, "{{ 村名 }} 与 {{乡镇"]), "不完整"),
    }


def test_the_letter_template_refuses_hostile_documents_and_placeholders(site, hostile_templates):
    from fivestar.planning.models import LetterTemplate

    root = Path(django_settings.MEDIA_ROOT)
    failures = {}
    for hostile, (name, data, words) in hostile_templates.items():
        files = _media(root)
        response = _template(site, name, data)
        errors = response.context["template_errors"] if response.status_code == 400 else []
        if response.status_code != 400:
            failures[hostile] = f"status {response.status_code}"
        elif not any(words in e and CJK.search(e) for e in errors):
            failures[hostile] = f"no message with {words}: {errors}"
        elif LetterTemplate.objects.exists() or _media(root) != files:
            failures[hostile] = "saved"
    assert not failures, failures


def test_template_language_tags_are_plain_text_in_a_letter(site):
    """{% load %} and {% debug %} are not placeholders: the template is ours ({{名称}} only), so they stay as the
    words typed, and nothing of the server (settings, the request) can reach a letter."""
    from fivestar.planning.models import LetterTemplate
    from fivestar.planning.services.letters import render_letter
    from fivestar.planning.services.letters_docx import document_text

    tags = "{% load static %}{% debug %}{% include '/etc/passwd' %}"
    response = _template(site, "模板.docx", kit.docx(["{{村名}}目标责任书", tags]))
    assert response.status_code == 302
    text = document_text(render_letter(LetterTemplate.objects.get(), site.world.village, TODAY.year))
    assert "西辛庄村目标责任书" in text and tags in text
    assert "SECRET" not in text and "root:" not in text
