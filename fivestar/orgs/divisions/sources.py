"""Where division files come from (a directory, a .zip, uploaded files) and how their bytes become text.

Everything here works on bytes in memory: a province's villages.csv is a few megabytes, and reading
it whole lets us try encodings without re-reading the file.
"""

import io
import os
import zipfile
from dataclasses import dataclass
from pathlib import Path

from fivestar.core.uploads import display_name

FILE_NAMES = ("provinces.csv", "cities.csv", "areas.csv", "streets.csv", "villages.csv")

# Byte-order marks and the encodings they announce, longest first (UTF-32 LE starts like UTF-16 LE).
_BOMS = (
    (b"\xef\xbb\xbf", "utf-8-sig", "UTF-8（带 BOM）"),
    (b"\xff\xfe", "utf-16", "UTF-16"),
    (b"\xfe\xff", "utf-16", "UTF-16"),
)


class SourceError(Exception):
    """An upload or directory that cannot be read at all; the message is for the user, in Chinese."""


@dataclass
class Decoded:
    text: str | None
    encoding: str  # label shown to users, e.g. "UTF-8", "GBK/GB18030"
    error: str = ""  # why the bytes could not be decoded (Chinese), when text is None


def decode(data: bytes) -> Decoded:
    """UTF-8 (with or without BOM), UTF-16 with BOM, else GBK/GB18030 (what Chinese Excel saves as "CSV")."""
    for bom, codec, label in _BOMS:
        if data.startswith(bom):
            try:
                return Decoded(data.decode(codec), label)
            except UnicodeDecodeError as exc:
                return Decoded(None, label, f"文件以 {label} 标记开头，但第 {_line_of(data, exc.start)} 行含有无法解码的字节")
    try:
        return Decoded(data.decode("utf-8"), "UTF-8")
    except UnicodeDecodeError as utf8_error:
        try:
            # GB18030 is a superset of GBK and GB2312: any GBK file decodes the same way.
            return Decoded(data.decode("gb18030"), "GBK/GB18030")
        except UnicodeDecodeError:
            line = _line_of(data, utf8_error.start)
            return Decoded(
                None,
                "未知",
                f"无法识别文件编码：第 {line} 行含有既不是 UTF-8 也不是 GBK 的字节"
                f"（0x{data[utf8_error.start]:02X}），可能不是文本 CSV 文件；请在 Excel 中“另存为 CSV UTF-8”后重新导入",
            )


def _line_of(data: bytes, offset: int) -> int:
    return data.count(b"\n", 0, offset) + 1


def read_directory(directory: str | os.PathLike) -> dict[str, bytes]:
    """The division files found in `directory` (or in a .zip at that path), by their standard name."""
    path = Path(directory)
    if path.is_file() and path.suffix.lower() == ".zip":
        with path.open("rb") as fh:
            return read_zip(fh, max_bytes=None)
    if not path.is_dir():
        raise SourceError(f"目录不存在：{path}")
    found = {}
    for name in FILE_NAMES:
        candidate = path / name
        if candidate.is_file():
            found[name] = candidate.read_bytes()
    if not found:
        raise SourceError(f"目录 {path} 中没有行政区划文件（应包含 {'、'.join(FILE_NAMES)}）")
    return found


def read_zip(fileobj, max_bytes: int | None) -> dict[str, bytes]:
    """The division CSVs inside a zip, found by file name in any folder, with zip-bomb limits.

    The sizes in a zip's directory can lie, so each member is read with a hard cap as well.
    """
    try:
        archive = zipfile.ZipFile(fileobj)
    except (zipfile.BadZipFile, OSError, ValueError):
        raise SourceError("压缩包已损坏或不是 zip 格式") from None
    found: dict[str, bytes] = {}
    total = 0
    with archive:
        for info in archive.infolist():
            base = info.filename.replace("\\", "/").rsplit("/", 1)[-1].lower()
            if info.is_dir() or base not in FILE_NAMES or info.filename.startswith("__MACOSX/"):
                continue
            if base in found:
                raise SourceError(f"压缩包中有多个 {base}，无法确定使用哪一个")
            if info.flag_bits & 0x1:
                raise SourceError(f"压缩包中的 {base} 已加密，请上传未加密的压缩包")
            if max_bytes is not None and total + info.file_size > max_bytes:
                raise SourceError(f"压缩包解压后超过 {_mb(max_bytes)}，请拆分后分批导入")
            try:
                with archive.open(info) as member:
                    limit = None if max_bytes is None else max_bytes - total + 1
                    data = member.read(limit) if limit is not None else member.read()
            except (zipfile.BadZipFile, OSError, EOFError, NotImplementedError, RuntimeError):
                raise SourceError(f"压缩包中的 {base} 无法解压（文件已损坏或压缩方式不受支持）") from None
            total += len(data)
            if max_bytes is not None and total > max_bytes:
                raise SourceError(f"压缩包解压后超过 {_mb(max_bytes)}，请拆分后分批导入")
            found[base] = data
    if not found:
        raise SourceError(f"压缩包中没有行政区划文件（应包含 {'、'.join(FILE_NAMES)}）")
    return found


def read_uploads(files, max_bytes: int) -> dict[str, bytes]:
    """Uploaded files (Django UploadedFile objects): the five CSVs, or one zip holding them."""
    files = list(files)
    if not files:
        raise SourceError("请选择要上传的文件")
    size = sum(f.size or 0 for f in files)
    if size > max_bytes:
        raise SourceError(f"上传的文件共 {_mb(size)}，超过上限 {_mb(max_bytes)}")
    zips = [f for f in files if f.name.lower().endswith(".zip")]
    if zips:
        if len(files) > 1:
            raise SourceError("请只上传一个 zip 压缩包，或只上传 CSV 文件，不要混合上传")
        data = zips[0].read()
        if not data:
            raise SourceError(f"文件「{display_name(zips[0].name)}」是空的（0 字节），请检查后重新上传")
        return read_zip(io.BytesIO(data), max_bytes=max_bytes)
    found: dict[str, bytes] = {}
    for f in files:
        base = f.name.replace("\\", "/").rsplit("/", 1)[-1].lower()
        if not base.endswith(".csv"):
            raise SourceError(f"不支持的文件类型：{f.name}（只接受 .csv 文件或 .zip 压缩包）")
        if base not in FILE_NAMES:
            raise SourceError(f"无法识别的文件名：{f.name}（应为 {'、'.join(FILE_NAMES)} 之一）")
        if base in found:
            raise SourceError(f"重复上传了 {base}")
        found[base] = f.read()
    return found


def require_all(found: dict[str, bytes]) -> None:
    missing = [name for name in FILE_NAMES if name not in found]
    if missing:
        raise SourceError(f"缺少文件：{'、'.join(missing)}（五个文件需一起导入）")


def _mb(n: int) -> str:
    return f"{n / 1024 / 1024:.1f} MB"
