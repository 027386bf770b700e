"""What an uploaded file really is, judged by its bytes, not its name, and how to say so in Chinese.

Every importer calls these before parsing: an old .xls, a CSV or a Word document given where an .xlsx
is expected, an empty upload, or a text file that is not UTF-8 is refused with a message naming the
file and what it actually is.
"""

import io
import os
import zipfile

from .text import excerpt

OLE2_MAGIC = b"\xd0\xcf\x11\xe0"  # the start of D0 CF 11 E0 A1 B1 1A E1
ZIP_MAGICS = (b"PK\x03\x04", b"PK\x05\x06")

# kind → how to name it to a user
KIND_LABELS = {
    "xlsx": "Excel（.xlsx）文件",
    "ole2": "旧版 Office 文件（.xls/.doc，Excel 97-2003 格式）",
    "docx": "Word 文档（.docx）",
    "pptx": "PowerPoint 演示文稿（.pptx）",
    "zip": "zip 压缩包",
    "broken": "已损坏的压缩文件",
    "pdf": "PDF 文件",
    "image": "图片",
    "text": "文本（CSV/TXT）文件",
    "binary": "二进制文件",
    "empty": "空文件",
}


class UploadRefused(ValueError):
    """The upload cannot be used; the message is for the user, in Chinese, and names the file."""


def display_name(name) -> str:
    base = os.path.basename(str(name or "").replace("\\", "/")) or "上传的文件"
    return excerpt(base, 60)


def read_upload(upload, max_bytes: int | None = None) -> bytes:
    """The bytes of a Django upload (or any file object); refuses an empty or oversized file by name."""
    name = display_name(getattr(upload, "name", ""))
    size = getattr(upload, "size", None)
    if max_bytes is not None and size is not None and size > max_bytes:
        raise UploadRefused(f"文件「{name}」大小为 {size / 1048576:.1f} MB，超过上限 {max_bytes / 1048576:.0f} MB。")
    if hasattr(upload, "seek"):
        try:
            upload.seek(0)
        except (OSError, ValueError):
            pass
    data = upload.read(max_bytes + 1) if max_bytes is not None else upload.read()
    if max_bytes is not None and len(data) > max_bytes:
        raise UploadRefused(f"文件「{name}」超过上限 {max_bytes / 1048576:.0f} MB。")
    if not data:
        raise UploadRefused(f"文件「{name}」是空的（0 字节），请检查后重新上传。")
    return data


def _zip_kind(data: bytes) -> str:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = {n.replace("\\", "/").lstrip("/") for n in archive.namelist()}
    except (zipfile.BadZipFile, OSError, ValueError, EOFError):
        return "broken"
    if "xl/workbook.xml" in names or any(n.startswith("xl/workbook") and n.endswith(".xml") for n in names):
        return "xlsx"
    if "word/document.xml" in names:
        return "docx"
    if "ppt/presentation.xml" in names:
        return "pptx"
    return "zip"


def detect_kind(data: bytes) -> str:
    """One of KIND_LABELS' keys, from the first bytes (and, for a zip, its directory)."""
    if not data:
        return "empty"
    if data.startswith(OLE2_MAGIC):
        return "ole2"
    if data.startswith(ZIP_MAGICS):
        return _zip_kind(data)
    if data.startswith(b"%PDF"):
        return "pdf"
    if data.startswith((b"\xff\xd8\xff", b"\x89PNG", b"GIF8")) or (data[:4] == b"RIFF" and data[8:12] == b"WEBP"):
        return "image"
    head = data[:4096]
    if head.startswith((b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff")):
        return "text"
    if b"\x00" in head:
        return "binary"
    return "text"


def require_xlsx(data: bytes, name) -> None:
    """Refuse anything that is not an Office Open XML workbook, saying what it is instead."""
    shown = display_name(name)
    kind = detect_kind(data)
    if kind == "xlsx":
        return
    if kind == "empty":
        raise UploadRefused(f"文件「{shown}」是空的（0 字节），请检查后重新上传。")
    if kind == "ole2":
        raise UploadRefused(f"文件「{shown}」是旧版 Excel 97-2003（.xls）格式，不支持；请在 Excel 或 WPS 中“另存为” .xlsx 后再上传。")
    if kind == "text":
        raise UploadRefused(f"文件「{shown}」是文本（CSV/TXT）文件，不是 Excel（.xlsx）文件；请在 Excel 或 WPS 中打开后“另存为” .xlsx 再上传。")
    if kind in ("docx", "pptx"):
        raise UploadRefused(f"文件「{shown}」是{KIND_LABELS[kind]}，不是 Excel（.xlsx）文件；请上传 Excel 表格。")
    if kind == "broken":
        raise UploadRefused(f"文件「{shown}」已损坏（可能未上传完整），无法读取；请用 Excel 或 WPS 打开后另存为 .xlsx 再上传。")
    if kind == "zip":
        raise UploadRefused(f"文件「{shown}」是普通 zip 压缩包，不含 Excel 工作簿，不是有效的 Excel（.xlsx）文件。")
    raise UploadRefused(f"文件「{shown}」是{KIND_LABELS[kind]}，不是 Excel（.xlsx）文件；请上传 Excel 表格。")


def refuse_binary_text(data: bytes, name, expected: str) -> None:
    """For an importer expecting text (`expected`, e.g. "CSV"): refuse a workbook, archive, PDF or image by name."""
    kind = detect_kind(data)
    if kind == "empty":
        raise UploadRefused(f"文件「{display_name(name)}」是空的（0 字节），请检查后重新上传。")
    if kind in ("text", "binary"):  # unknown bytes: the text decoder says what is wrong with them
        return
    hint = "请在 Excel 中“另存为 CSV UTF-8（逗号分隔）”后再上传。" if expected == "CSV" else f"请上传 {expected} 文本文件。"
    raise UploadRefused(f"文件「{display_name(name)}」实际是{KIND_LABELS[kind]}，不是 {expected} 文本文件；{hint}")


def guess_encoding(data: bytes) -> str | None:
    """A likely legacy encoding for bytes that are not UTF-8 (Chinese files are nearly always GBK/GB18030)."""
    try:
        data.decode("gb18030")
        return "GBK/GB18030"
    except UnicodeDecodeError:
        pass
    for codec, label in (("big5", "Big5"), ("utf-16", "UTF-16")):
        try:
            data.decode(codec)
            return label
        except UnicodeDecodeError:
            continue
    return None


def decode_utf8(data: bytes, name) -> str:
    """UTF-8 text (a BOM is allowed); otherwise a refusal naming the file and its likely encoding."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        guess = guess_encoding(data)
        maybe = f"（可能是 {guess}）" if guess else ""
        raise UploadRefused(
            f"文件「{display_name(name)}」不是 UTF-8 编码{maybe}，第 {line} 行起无法按 UTF-8 读取；请另存为 UTF-8 编码后再上传。"
        ) from None
