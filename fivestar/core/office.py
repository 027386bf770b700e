"""Office Open XML files (.docx, .xlsx, .pptx) checked before they are kept or opened: really the kind their name
says, a sane zip (member count, paths, no encryption, bounded unpacked size and compression ratio) and no XML
document type definition (entities: "billion laughs", external files). Messages are for the user, in Chinese, and
name the file. Workbooks that are read go through core.xlsx, which scans them more closely."""

import io
import zipfile
import zlib

from .text import excerpt
from .uploads import KIND_LABELS, UploadRefused, detect_kind, display_name

LABELS = {"docx": "Word 文档（.docx）", "xlsx": "Excel 工作簿（.xlsx）", "pptx": "PowerPoint 演示文稿（.pptx）"}
LIMITS = {"members": 5000, "total": 200 * 1024 * 1024, "ratio": 200, "depth": 12}
SMALL_MEMBER = 1024 * 1024
# Not a feature of Office files: a DTD is how entity bombs and external entities get in. Also searched for in UTF-16.
DTD_MARKS = [mark.encode(codec) for mark in ("<!DOCTYPE", "<!ENTITY") for codec in ("utf-8", "utf-16-le", "utf-16-be")]
CHUNK = 1024 * 1024


def refuse_members(archive: zipfile.ZipFile, shown: str, limits: dict, label: str = "Office 文件") -> None:
    """Member count, paths, encryption, unpacked size and compression ratio within `limits`."""
    infos = archive.infolist()
    if len(infos) > limits["members"]:
        raise UploadRefused(f"文件「{shown}」包含 {len(infos)} 个内部文件，不像是正常的{label}，已拒绝。")
    total = 0
    for info in infos:
        path = info.filename
        parts = path.replace("\\", "/").split("/")
        if path.startswith(("/", "\\")) or "\\" in path or ".." in parts or ":" in parts[0] or len(parts) > limits["depth"]:
            raise UploadRefused(f"文件「{shown}」内部含有异常路径「{excerpt(path)}」，不是正常的{label}，已拒绝。")
        if info.flag_bits & 0x1:
            raise UploadRefused(f"文件「{shown}」已加密（设置了打开密码），请取消密码后另存再上传。")
        total += info.file_size
        if info.file_size > limits["total"] or total > limits["total"]:
            raise UploadRefused(f"文件「{shown}」解压后过大（超过 {limits['total'] // 1048576} MB），可能是恶意构造的压缩文件，已拒绝。")
        if info.file_size > SMALL_MEMBER and info.file_size > limits["ratio"] * max(info.compress_size, 1):
            raise UploadRefused(f"文件「{shown}」压缩比异常（{info.file_size // max(info.compress_size, 1)} 倍），"
                                "可能是恶意构造的压缩文件（zip 炸弹），已拒绝。")


def _has_dtd(archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> bool:
    """Streamed (zipfile never unpacks more than a member's declared size, already bounded), with an overlap so a
    mark split between two chunks is still seen."""
    tail = b""
    with archive.open(info) as handle:
        while chunk := handle.read(CHUNK):
            window = tail + chunk
            if any(mark in window for mark in DTD_MARKS):
                return True
            tail = window[-32:]
    return False


def refuse_dtd(archive: zipfile.ZipFile, shown: str, label: str) -> None:
    for info in archive.infolist():
        if info.filename.lower().endswith((".xml", ".rels", ".vml")) and _has_dtd(archive, info):
            raise UploadRefused(f"文件「{shown}」含有 XML 文档类型定义（DTD/实体），不是正常的{label}，已拒绝。")


def check_office(data: bytes, name, kind: str, limits: dict | None = None) -> None:
    """Refuse `data` unless it is a sane Office file of `kind` ("docx", "xlsx" or "pptx"), naming what it is."""
    shown, label = display_name(name), LABELS[kind]
    found = detect_kind(data)
    if found != kind:
        what = KIND_LABELS.get(found, "未知类型的文件")
        raise UploadRefused(f"文件「{shown}」实际是{what}，不是有效的{label}，已拒绝。")
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            refuse_members(archive, shown, limits or LIMITS)
            refuse_dtd(archive, shown, label)
    except (zipfile.BadZipFile, OSError, EOFError, NotImplementedError, zlib.error) as exc:
        raise UploadRefused(f"文件「{shown}」已损坏（可能未上传完整），无法读取；请重新保存后再上传。") from exc
