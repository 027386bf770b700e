"""Hostile files, built here from nothing: XML entities (external and "billion laughs") inside otherwise valid xlsx
and docx files, decompression bombs (zip members and pixels), mislabelled files (a PNG called .xlsx, HTML or an SVG
with script called .jpg, a Windows program called .pdf), text in GBK, oversized and empty files."""

import io
import zipfile

from docx import Document
from openpyxl import Workbook
from PIL import Image

XXE = '<!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]>'
LAUGHS = ("<!DOCTYPE x [<!ENTITY l0 \"哈哈哈哈哈哈哈哈哈哈\">"
          + "".join(f"<!ENTITY l{i} \"{('&l%d;' % (i - 1)) * 10}\">" for i in range(1, 10)) + "]>")
ENTITY_USE = {"xxe": "&e;", "laughs": "&l9;"}
DTDS = {"xxe": XXE, "laughs": LAUGHS}


def png(size=(8, 8), color=(200, 30, 30)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, color).save(out, "PNG")
    return out.getvalue()


def pixel_bomb() -> bytes:
    """A ~12 KB PNG of 10,000 × 10,000 pixels: 100 million pixels (Pillow only warns below 179 million), 300 MB once
    decoded as RGB."""
    out = io.BytesIO()
    Image.new("1", (10_000, 10_000)).save(out, "PNG", optimize=True)
    return out.getvalue()


def workbook(rows: list[list], title: str = "Sheet") -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.title = title
    for row in rows:
        ws.append(row)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def _rewrite(data: bytes, member: str, change) -> bytes:
    """A copy of the zip `data` whose `member` is change(text)."""
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for info in source.infolist():
            body = source.read(info.filename)
            if info.filename == member:
                body = change(body.decode("utf-8")).encode("utf-8")
            z.writestr(info.filename, body)
    return out.getvalue()


def _with_dtd(text: str, kind: str, marker: str) -> str:
    """The XML `text` with a DTD of `kind` after its declaration and an entity reference in place of `marker`."""
    head, sep, rest = text.partition("?>")
    if not sep:
        head, rest = "", text
    else:
        head += sep
    return head + DTDS[kind] + rest.replace(marker, ENTITY_USE[kind], 1)


def xlsx_with_entity(rows: list[list], kind: str, title: str = "Sheet") -> bytes:
    """A workbook whose first sheet declares a DTD (`kind`: "xxe" or "laughs") and uses the entity in a cell.
    openpyxl writes strings to sharedStrings.xml, so the entity goes there (the sheet gets the DTD too)."""
    marker = "实体占位"
    data = workbook([*rows, [marker]], title)
    data = _rewrite(data, "xl/sharedStrings.xml", lambda t: _with_dtd(t, kind, marker))
    return _rewrite(data, "xl/worksheets/sheet1.xml", lambda t: _with_dtd(t, kind, "\x00never"))


def docx(paragraphs: list[str]) -> bytes:
    doc = Document()
    for text in paragraphs:
        doc.add_paragraph(text)
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def docx_with_entity(paragraphs: list[str], kind: str) -> bytes:
    marker = "实体占位"
    return _rewrite(docx([*paragraphs, marker]), "word/document.xml", lambda t: _with_dtd(t, kind, marker))


def zip_bomb(base: bytes, member: str = "word/media/image1.bin", size: int = 100 * 1024 * 1024) -> bytes:
    """`base` (an xlsx or docx) with one more member of `size` zero bytes: ~100 KB on the wire, 100 MB unpacked."""
    source = zipfile.ZipFile(io.BytesIO(base))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as z:
        for info in source.infolist():
            z.writestr(info.filename, source.read(info.filename))
        with z.open(member, "w", force_zip64=True) as handle:
            block = b"\x00" * (1024 * 1024)
            for _ in range(size // len(block)):
                handle.write(block)
    return out.getvalue()


def plain_zip() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        z.writestr("readme.txt", "不是 Office 文件")
    return out.getvalue()


HTML = b"<!DOCTYPE html><html><body><script>fetch('/api/v1/auth/tokens')</script></body></html>"
SVG = b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"><script>alert(document.cookie)</script></svg>'
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 200 + b"This program cannot be run in DOS mode"
OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 512
GBK_CSV = "村（社区）代码,荣誉称号\n410928103205,全国文明村\n".encode("gbk")
GBK_YAML = "code: 标准\nname: 农村\n".encode("gbk")


def oversize(limit: int, head: bytes = b"\x89PNG\r\n\x1a\n") -> bytes:
    return head + b"\x00" * (limit + 1 - len(head))
