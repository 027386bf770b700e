"""Responsibility letter templates and rendering: placeholders split across Word runs (body, table cells, headers,
footers) are filled; {{任务清单}} becomes a table of the village's ledger tasks; the context comes from targets,
tasks and the responsibility chain; unknown or broken placeholders and hostile files are refused in Chinese."""

import datetime
import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from docx import Document
from docx.shared import Pt

from fivestar.planning.services import letter_context, render_letter, validate_template
from fivestar.planning.services.letters_docx import EXAMPLE_FOOTER, document_text

pytestmark = pytest.mark.django_db
Y = datetime.date.today().year + 1  # task deadlines may not be in the past


def docx_upload(build, name="模板.docx") -> SimpleUploadedFile:
    doc = Document()
    build(doc)
    out = io.BytesIO()
    doc.save(out)
    return SimpleUploadedFile(name, out.getvalue(), content_type="application/octet-stream")


def split_runs(doc):
    """The way Word stores a placeholder typed, corrected and partly formatted: in several runs."""
    p = doc.add_paragraph()
    p.add_run("乙方：{")
    bold = p.add_run("{村")
    bold.bold = True
    p.add_run("名}")
    p.add_run("}党支部，目标")
    p.add_run("{{目标").font.size = Pt(18)
    p.add_run("星级}}。")
    cell = doc.add_table(rows=1, cols=2).rows[0].cells[1]
    cell.paragraphs[0].add_run("包村干部：{{包")
    cell.paragraphs[0].add_run("村干部}}")
    header = doc.sections[0].header.paragraphs[0]
    header.add_run("{{乡")
    header.add_run("镇}}{{年度}}年")
    footer = doc.sections[0].footer.paragraphs[0]
    footer.add_run("{{村党支部书记}}")
    doc.add_paragraph("{{任务清单}}")
    doc.add_paragraph("签订日期：｛｛签订日期｝｝")


def test_placeholders_split_across_runs_in_body_tables_headers_and_footers_are_filled(plan, world):
    plan.target(rating=2, stars=("cyxw", "stjy"), year=Y)
    plan.task(year=Y, title="流转土地 200 亩发展特色种植", deadline=datetime.date(Y, 9, 30))
    plan.task(year=Y, title="完善村规民约", star_code="stjy", deadline=datetime.date(Y, 6, 30))
    upload = docx_upload(split_runs)
    assert validate_template(upload) == []
    upload.seek(0)
    data = render_letter(upload.read(), world.village, Y)
    text = document_text(data)
    assert "乙方：西辛庄村党支部，目标二星。" in text
    assert "包村干部：李包村" in text
    assert f"庆祖镇{Y}年" in text  # header
    assert "王书记" in text  # footer
    assert "签订日期：    年  月  日" in text  # full-width braces count too; not signed yet
    assert "{{" not in text and "}}" not in text and "｛" not in text
    doc = Document(io.BytesIO(data))
    tasks = doc.tables[1]  # the placeholder's paragraph became the table
    rows = [[c.text for c in r.cells] for r in tasks.rows]
    assert rows[0] == ["序号", "所属星", "创建任务", "责任人", "完成时限"]
    assert rows[1] == ["1", "生态宜居星", "完善村规民约", "李包村", f"{Y}年6月30日"]
    assert rows[2][2] == "流转土地 200 亩发展特色种植" and rows[2][4] == f"{Y}年9月30日"
    assert not any("任务清单" in p.text for p in doc.paragraphs)


def test_the_context_comes_from_targets_tasks_and_the_responsibility_chain(plan, world):
    from fivestar.planning.services import save_planning_settings

    save_planning_settings(plan.town_admin, world.town, category_labels={"lead": "示范引领村"})
    plan.target(rating=2, stars=("cyxw", "stjy"), category="lead", year=Y)
    plan.task(year=Y, title="建设村史馆", deadline=datetime.date(Y, 8, 1))
    context = letter_context(world.village, Y)
    assert context["村名"] == "西辛庄村" and context["乡镇"] == "庆祖镇" and context["年度"] == str(Y)
    assert context["创建类别"] == "示范引领村"
    assert context["目标星级"] == "二星" and context["目标星"] == "产业兴旺星、生态宜居星"
    assert context["村党支部书记"] == "王书记" and context["包村干部"] == "李包村" and context["包片领导"] == "赵包片"
    assert [(r["task"], r["deadline"]) for r in context["任务清单"]] == [("建设村史馆", datetime.date(Y, 8, 1))]
    # A village without a target, secretary or 包村干部 says so instead of leaving a blank.
    empty = letter_context(world.sibling, Y)
    assert empty["目标星级"] == "（未设定）" and empty["包村干部"] == "（未设定）" and empty["任务清单"] == []


def test_the_example_template_is_labelled_and_renders_without_any_placeholder_left(plan, world):
    plan.target(year=Y)
    data = render_letter(None, world.village, Y)
    text = document_text(data)
    assert EXAMPLE_FOOTER in text and "示例模板" in text
    assert f"{Y}年度“五星”支部创建目标责任书" in text
    assert "乙方：西辛庄村党支部" in text and "争创产业兴旺星、生态宜居星" in text
    assert "{{" not in text
    assert "（暂无创建任务）" in text


def with_unknown(doc):
    doc.add_paragraph("{{村名}}")
    p = doc.add_paragraph()
    p.add_run("村长：{{村")
    p.add_run("长}}")


def test_an_unknown_placeholder_is_named():
    upload = docx_upload(with_unknown)
    errors = validate_template(upload)
    assert errors and errors[0].startswith("模板中有无法识别的占位符：{{村长}}")


def test_a_broken_placeholder_and_a_template_without_any_are_refused():
    assert "不完整的占位符" in validate_template(docx_upload(lambda d: d.add_paragraph("甲方：{{乡镇 党委")))[0]
    assert "没有任何占位符" in validate_template(docx_upload(lambda d: d.add_paragraph("目标责任书")))[0]


def _zip(entries: dict, name="模板.docx") -> SimpleUploadedFile:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for path, data in entries.items():
            archive.writestr(path, data)
    return SimpleUploadedFile(name, out.getvalue())


@pytest.mark.parametrize("upload, words", [
    (SimpleUploadedFile("模板.docx", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600), "旧版 Word 97-2003"),
    (SimpleUploadedFile("模板.docx", "村名,乡镇\n".encode()), "不是 Word 文档"),
    (SimpleUploadedFile("模板.docx", b""), "是空的"),
    (SimpleUploadedFile("模板.docx", b"PK\x03\x04broken"), "已损坏"),
    (_zip({"word/document.xml": b"<x/>", "../../etc/evil.xml": b"x"}), "异常路径"),
    (_zip({"word/document.xml": b"<w:document/>", "word/media/bomb.xml": b"\0" * (80 * 1024 * 1024)}), "解压后过大"),
    (_zip({"word/document.xml": b"<w:document/>", "word/media/bomb.bin": b"\0" * (30 * 1024 * 1024)}), "zip 炸弹"),
    (_zip({"word/document.xml": b"<w:document/>"}), "无法作为 Word 文档读取"),
    (_zip({"xl/workbook.xml": b"<x/>"}), "Excel"),
])
def test_hostile_or_wrong_files_are_refused_by_name(upload, words):
    errors = validate_template(upload)
    assert len(errors) == 1 and words in errors[0] and "模板.docx" in errors[0]
