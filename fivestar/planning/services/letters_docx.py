"""The Word side of target responsibility letters: reading an uploaded template safely, finding its placeholders
({{村名}} …, also when Word split one across several runs of a paragraph, in tables, text boxes, headers and
footers), filling them in, and expanding the table placeholder into a table of tasks."""

import io
import re
import zipfile
from collections.abc import Iterator

from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt

from fivestar.core.office import refuse_dtd, refuse_members
from fivestar.core.text import excerpt
from fivestar.core.uploads import KIND_LABELS, UploadRefused, detect_kind, display_name

# {{村名}}; full-width braces typed by a Chinese input method count too, spaces inside are ignored.
PLACEHOLDER_RE = re.compile(r"(?:\{\{|｛｛)\s*([^{}｛｝\s]{1,20})\s*(?:\}\}|｝｝)")
STRAY_RE = re.compile(r"\{\{|\}\}|｛｛|｝｝")
BODY_FONT, HEADING_FONT = "仿宋_GB2312", "黑体"

MAX_BYTES = 10 * 1024 * 1024
LIMITS = {"members": 500, "total": 60 * 1024 * 1024, "ratio": 200, "depth": 6}
W_T = qn("w:t")
W_P = qn("w:p")


def check_docx(data: bytes, name) -> None:
    """Refuse anything but a sane Word (.docx) document, naming the file and what it is instead."""
    shown = display_name(name)
    kind = detect_kind(data)
    if kind == "ole2":
        raise UploadRefused(f"文件「{shown}」是旧版 Word 97-2003（.doc）格式，不支持；请在 Word 或 WPS 中“另存为” .docx 后再上传。")
    if kind == "broken":
        raise UploadRefused(f"文件「{shown}」已损坏（可能未上传完整），无法读取；请用 Word 或 WPS 打开后另存为 .docx 再上传。")
    if kind != "docx":
        raise UploadRefused(f"文件「{shown}」是{KIND_LABELS.get(kind, '未知类型的文件')}，不是 Word 文档（.docx）；请上传 .docx 格式的责任书模板。")
    # python-docx does not expand entities, but the template is stored and every letter is built from it: a DTD
    # (an entity bomb, an external file) has no business in a Word document.
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        refuse_members(archive, shown, LIMITS, "Word 文档")
        refuse_dtd(archive, shown, "Word 文档")


def open_document(data: bytes, name="模板"):
    """A python-docx Document of checked bytes; UploadRefused when Word could not open it either."""
    try:
        return Document(io.BytesIO(data))
    except Exception as exc:  # noqa: BLE001 — a .docm, a broken part: python-docx raises many kinds
        raise UploadRefused(f"文件「{display_name(name)}」无法作为 Word 文档读取（可能已损坏或含有宏）；"
                            "请用 Word 或 WPS 打开后另存为 .docx 再上传。") from exc


def roots(doc) -> Iterator[tuple[str, object]]:
    """("body" | "header" | "footer", XML root) of the document body and every header and footer part."""
    yield "body", doc.element.body
    for rel in doc.part.rels.values():
        if rel.is_external:
            continue
        if rel.reltype == RT.HEADER:
            yield "header", rel.target_part.element
        elif rel.reltype == RT.FOOTER:
            yield "footer", rel.target_part.element


def _own_texts(paragraph) -> list:
    """The w:t nodes of a paragraph in order, without those of paragraphs nested in it (text boxes)."""
    out = []
    for node in paragraph.iter(W_T):
        parent = node.getparent()
        while parent is not None and parent.tag != W_P:
            parent = parent.getparent()
        if parent is paragraph:
            out.append(node)
    return out


def paragraphs(root) -> Iterator[tuple[object, list]]:
    for paragraph in list(root.iter(W_P)):
        nodes = _own_texts(paragraph)
        if nodes:
            yield paragraph, nodes


def scan(doc) -> tuple[list[str], list[str]]:
    """(placeholder names in order of first use, fragments that look like a broken placeholder)."""
    names, broken = [], []
    for _kind, root in roots(doc):
        for _p, nodes in paragraphs(root):
            text = "".join(n.text or "" for n in nodes)
            for match in PLACEHOLDER_RE.finditer(text):
                if match.group(1) not in names:
                    names.append(match.group(1))
            rest = PLACEHOLDER_RE.sub("", text)
            stray = STRAY_RE.search(rest)
            if stray:
                broken.append(excerpt(rest[max(0, stray.start() - 6):stray.end() + 8].strip(), 30))
    return names, broken


def _replace(nodes, start: int, end: int, value: str) -> None:
    """Put `value` in place of text[start:end] of the paragraph whose text nodes are `nodes`."""
    position, first = 0, True
    for node in nodes:
        text = node.text or ""
        lo, hi = position, position + len(text)
        position = hi
        if hi <= start or lo >= end:  # a placeholder is never empty, so neither is its overlap with a node
            continue
        a, b = max(start, lo) - lo, min(end, hi) - lo
        if first:
            node.text = text[:a] + value + text[b:]
            first = False
        else:
            node.text = text[:a] + text[b:]
        node.set(qn("xml:space"), "preserve")


def fill(doc, values: dict[str, str], table_name: str, rows: list[list[str]], headers: list[str], widths: list[int]) -> None:
    """Replace every known placeholder; `table_name`'s placeholder becomes a table of `rows` after its paragraph
    in the body (as lines of text in a header or footer)."""
    for kind, root in list(roots(doc)):
        for paragraph, nodes in list(paragraphs(root)):
            text = "".join(n.text or "" for n in nodes)
            matches = [m for m in PLACEHOLDER_RE.finditer(text) if m.group(1) in values or m.group(1) == table_name]
            wants_table = False
            for match in reversed(matches):
                name = match.group(1)
                if name == table_name:
                    if kind == "body":
                        wants_table = True
                        value = ""
                    else:
                        value = "；".join(f"{r[0]}. {r[2]}（{r[3]}，{r[4]}）" for r in rows)
                else:
                    value = values[name]
                _replace(nodes, match.start(), match.end(), value)
            if wants_table:
                table = _table(doc, rows, headers, widths)
                paragraph.addnext(table)
                parent = paragraph.getparent()
                alone = not "".join(n.text or "" for n in nodes).strip()
                if alone and parent.tag == qn("w:body"):
                    parent.remove(paragraph)
                elif parent.tag == qn("w:tc") and table.getnext() is None:
                    table.addnext(OxmlElement("w:p"))  # a cell must end with a paragraph


def _font(run, name: str, size: float, bold: bool = False) -> None:
    run.font.name = name
    run.font.size = Pt(size)
    run.font.bold = bold
    run._element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), name)


def _borders(table) -> None:
    """Single-line borders set on the table itself: a town's template may not define the "Table Grid" style."""
    tbl_pr = table._tbl.tblPr
    borders = OxmlElement("w:tblBorders")
    for edge in ("top", "left", "bottom", "right", "insideH", "insideV"):
        line = OxmlElement(f"w:{edge}")
        line.set(qn("w:val"), "single")
        line.set(qn("w:sz"), "4")
        line.set(qn("w:space"), "0")
        line.set(qn("w:color"), "000000")
        borders.append(line)
    tbl_pr.append(borders)


def _table(doc, rows: list[list[str]], headers: list[str], widths: list[int]):
    table = doc.add_table(rows=1, cols=len(headers))  # appended to the body, then moved by the caller
    _borders(table)
    text_width = doc.sections[0].page_width - doc.sections[0].left_margin - doc.sections[0].right_margin
    total = sum(widths)
    sizes = [int(text_width * w / total) for w in widths]
    for cell, header, width in zip(table.rows[0].cells, headers, sizes, strict=True):
        cell.width = width
        cell.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.CENTER
        _font(cell.paragraphs[0].add_run(header), HEADING_FONT, 10.5)
    if not rows:
        cells = table.add_row().cells
        merged = cells[0].merge(cells[-1])
        _font(merged.paragraphs[0].add_run("（暂无创建任务）"), BODY_FONT, 10.5)
    for values in rows:
        for cell, value, width in zip(table.add_row().cells, values, sizes, strict=True):
            cell.width = width
            _font(cell.paragraphs[0].add_run(value), BODY_FONT, 10.5)
    return table._tbl


# -- the built-in example template ---------------------------------------------------------------

EXAMPLE_FOOTER = "示例模板（系统内置，仅供参考，不是正式文本；请以本乡镇印发的正式文本为准）"


def _para(doc, text: str, *, size=16.0, font=BODY_FONT, bold=False, align=None, indent=True, after=0):
    p = doc.add_paragraph()
    if align is not None:
        p.alignment = align
    fmt = p.paragraph_format
    fmt.space_before, fmt.space_after = Pt(0), Pt(after)
    fmt.line_spacing = Pt(28)
    if indent:
        fmt.first_line_indent = Pt(size * 2)
    _font(p.add_run(text), font, size, bold)
    return p


def build_example() -> bytes:
    """The example template with its placeholders (GB/T 9704 page, 仿宋 body); its footer says 示例模板."""
    doc = Document()
    section = doc.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.bottom_margin, section.left_margin, section.right_margin = Mm(37), Mm(35), Mm(28), Mm(26)
    doc.core_properties.title = "“五星”支部创建目标责任书（示例模板）"
    doc.core_properties.author = "五星支部创建管理平台"
    _para(doc, "{{年度}}年度“五星”支部创建目标责任书", size=22, font="方正小标宋简体", align=WD_ALIGN_PARAGRAPH.CENTER, indent=False, after=16)
    _para(doc, "甲方：{{乡镇}}党委", indent=False)
    _para(doc, "乙方：{{村名}}党支部", indent=False, after=8)
    _para(doc, "为深入推进“五星”支部创建工作，压实创建责任，确保{{年度}}年度创建目标如期实现，经甲乙双方协商，签订本目标责任书。")
    _para(doc, "一、创建目标", font=HEADING_FONT)
    _para(doc, "{{村名}}创建类别为{{创建类别}}，{{年度}}年度创建目标为{{目标星级}}，争创{{目标星}}。")
    _para(doc, "二、创建任务", font=HEADING_FONT)
    _para(doc, "乙方按下表逐项落实创建任务，在完成时限内完成并将佐证材料上传至平台：")
    _para(doc, "{{任务清单}}", indent=False)
    _para(doc, "三、责任分工", font=HEADING_FONT)
    _para(doc, "村党支部书记{{村党支部书记}}为创建工作第一责任人；包村干部{{包村干部}}负责督促指导，帮助协调解决创建中的困难和问题；"
               "包片领导{{包片领导}}负责统筹调度本片区创建工作。")
    _para(doc, "四、考核奖惩", font=HEADING_FONT)
    _para(doc, "甲方对乙方创建工作定期督导、年终考核，考核结果与评先评优、村干部绩效报酬挂钩。")
    _para(doc, "五、其他", font=HEADING_FONT)
    _para(doc, "本责任书一式两份，甲乙双方各执一份，自签订之日起生效。", after=24)
    signatures = doc.add_table(rows=3, cols=2)
    for row, (left, right) in zip(signatures.rows, (("甲方（盖章）：{{乡镇}}党委", "乙方（盖章）：{{村名}}党支部"),
                                                    ("包片领导（签字）：", "村党支部书记（签字）："),
                                                    ("包村干部（签字）：", "签订日期：{{签订日期}}")), strict=True):
        for cell, text in zip(row.cells, (left, right), strict=True):
            cell.paragraphs[0].paragraph_format.space_after = Pt(12)
            _font(cell.paragraphs[0].add_run(text), BODY_FONT, 14)
    footer = section.footer.paragraphs[0]
    footer.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _font(footer.add_run(EXAMPLE_FOOTER), BODY_FONT, 9)
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def document_text(data: bytes) -> str:
    """All text of a .docx (body paragraphs and tables, headers, footers), one paragraph a line: for tests and checks."""
    doc = Document(io.BytesIO(data))
    lines = []
    for _kind, root in roots(doc):
        for _p, nodes in paragraphs(root):
            lines.append("".join(n.text or "" for n in nodes))
    return "\n".join(lines)
