"""A village's rectification notice (整改通知书) as a Word document in the usual official layout (GB/T 9704):
title, addressee, body, the table of problems with their deadlines and the person responsible, 特此通知,
issuing unit and date on the right, and 抄送 the 包村干部 at the foot."""

import datetime
import io
from dataclasses import dataclass, field

from docx import Document
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Mm, Pt

from fivestar.orgs.models import BranchType

from .ledger import SEVERITY_NAMES, STATUS_NAMES, cn_date
from .names import FrameworkNames

TITLE_FONT, BODY_FONT, HEADING_FONT = "方正小标宋简体", "仿宋_GB2312", "黑体"
TABLE_HEADERS = ["序号", "问题描述", "所涉星（细则）", "严重程度", "发现日期", "整改期限", "整改责任人"]
TABLE_WIDTHS = [10, 58, 34, 14, 22, 22, 20]  # relative widths, scaled to the 156 mm text width
MAX_PROBLEMS = 500


@dataclass
class NoticeProblem:
    description: str
    star: str
    rule: str
    severity: str
    found_on: datetime.date
    deadline: datetime.date
    responsible: str
    status: str


@dataclass
class Notice:
    village_name: str
    is_community: bool
    issuer: str
    issued_on: datetime.date
    inspections: list[tuple[datetime.date, str]] = field(default_factory=list)  # (date, team) of the visits
    problems: list[NoticeProblem] = field(default_factory=list)
    liaisons: list[str] = field(default_factory=list)
    town_name: str = ""

    @property
    def title(self) -> str:
        return f"关于{self.village_name}督导问题限期整改的通知"

    @property
    def addressee(self) -> str:
        committee = "居民委员会" if self.is_community else "村民委员会"
        return f"{self.village_name}党支部、{committee}："


def notice_problem(problem, names: FrameworkNames) -> NoticeProblem:
    branch = problem.org_unit.branch_type or BranchType.RURAL
    return NoticeProblem(
        description=problem.description, star=names.star(problem.star_code), rule=names.rule(branch, problem.rule_code),
        severity=SEVERITY_NAMES.get(problem.severity, problem.severity), found_on=problem.found_on, deadline=problem.deadline,
        responsible=problem.responsible.name if problem.responsible_id else "村党支部书记", status=STATUS_NAMES.get(problem.status, problem.status),
    )


def _font(run, name: str, size: float, bold: bool = False) -> None:
    run.font.name = name
    run.font.size = Pt(size)
    run.font.bold = bold
    fonts = run._element.get_or_add_rPr().get_or_add_rFonts()
    fonts.set(qn("w:eastAsia"), name)


def _paragraph(doc_or_cell, text: str, *, font=BODY_FONT, size=16.0, bold=False, align=None, indent=False, space_after=0):
    p = doc_or_cell.add_paragraph()
    if align is not None:
        p.alignment = align
    fmt = p.paragraph_format
    fmt.space_before = Pt(0)
    fmt.space_after = Pt(space_after)
    fmt.line_spacing = Pt(28) if size >= 14 else None
    if indent:
        fmt.first_line_indent = Pt(size * 2)
    _font(p.add_run(text), font, size, bold)
    return p


def _body_text(notice: Notice) -> str:
    count = len(notice.problems)
    if notice.inspections:
        visits = "、".join(dict.fromkeys(f"{cn_date(day)}{team}" for day, team in notice.inspections))
        found = f"{visits}对你村开展督导检查，发现{count}个问题需要整改（见下表）。"
    else:
        found = f"经督导检查，你村有{count}个问题需要整改（见下表）。"
    return (found + "请你村高度重视，对照问题清单逐项制定整改措施，由整改责任人在整改期限内整改到位，并在平台上提交整改措施和佐证材料"
            "（照片、文件），申请督导组复查销号。逾期未完成整改的，将按规定逐级提醒、升级督办。")


def _table(doc, notice: Notice) -> None:
    table = doc.add_table(rows=1, cols=len(TABLE_HEADERS))
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    total = sum(TABLE_WIDTHS)
    widths = [Mm(156 * w / total) for w in TABLE_WIDTHS]
    for cell, header, width in zip(table.rows[0].cells, TABLE_HEADERS, widths, strict=True):
        cell.width = width
        cell.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.CENTER
        _font(cell.paragraphs[0].add_run(header), HEADING_FONT, 10.5)
    for number, item in enumerate(notice.problems, start=1):
        star_rule = "；".join(x for x in (item.star, item.rule) if x) or "—"
        values = [str(number), item.description, star_rule, item.severity, cn_date(item.found_on), cn_date(item.deadline), item.responsible]
        for cell, value, width in zip(table.add_row().cells, values, widths, strict=True):
            cell.width = width
            _font(cell.paragraphs[0].add_run(value), BODY_FONT, 10.5)


def build_notice(notice: Notice) -> bytes:
    doc = Document()
    section = doc.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.bottom_margin, section.left_margin, section.right_margin = Mm(37), Mm(35), Mm(28), Mm(26)
    doc.core_properties.title = notice.title
    doc.core_properties.author = notice.issuer

    _paragraph(doc, notice.title, font=TITLE_FONT, size=22, align=WD_ALIGN_PARAGRAPH.CENTER, space_after=16)
    _paragraph(doc, notice.addressee)
    _paragraph(doc, _body_text(notice), indent=True)
    if notice.problems:
        _table(doc, notice)
    else:
        _paragraph(doc, f"截至{cn_date(notice.issued_on)}，你村没有未销号的督导问题。", indent=True)
    _paragraph(doc, "特此通知。", indent=True, space_after=24)
    _paragraph(doc, notice.issuer, align=WD_ALIGN_PARAGRAPH.RIGHT)
    _paragraph(doc, cn_date(notice.issued_on), align=WD_ALIGN_PARAGRAPH.RIGHT, space_after=24)
    copy_to = "、".join(f"{name}（包村干部）" for name in notice.liaisons) or f"{notice.town_name}包村干部"
    _paragraph(doc, f"抄送：{copy_to}。", size=14)
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()
