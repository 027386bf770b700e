"""Evidence uploads: type and size checked by content (not by name), images stripped of their location
metadata (EXIF/XMP) before they are stored, and reduced for display."""

import contextvars
import datetime
import hashlib
import io
import os
import warnings
from contextlib import contextmanager

import filetype
from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from PIL import Image, ImageOps, UnidentifiedImageError

from fivestar.core.office import check_office
from fivestar.core.uploads import UploadRefused

from ..models import Assessment, AssessmentEvent, Evidence
from .access import can_act
from .errors import WorkflowError

MAX_BYTES = int(getattr(settings, "EVIDENCE_MAX_BYTES", 20 * 1024 * 1024))
THUMB_SIZE = (800, 800)
MAX_PIXELS = int(getattr(settings, "EVIDENCE_MAX_PIXELS", Image.MAX_IMAGE_PIXELS))  # Pillow's own bound: ~89 million
IMAGE_TYPES = {"image/jpeg": ".jpg", "image/png": ".png", "image/webp": ".webp", "image/gif": ".gif"}
DOCUMENT_TYPES = {
    "application/pdf": ".pdf",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": ".docx",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": ".xlsx",
    "application/vnd.openxmlformats-officedocument.presentationml.presentation": ".pptx",
    "application/msword": ".doc",
    "application/vnd.ms-excel": ".xls",
}
OFFICE_EXTENSIONS = {".docx", ".xlsx", ".pptx"}


def sniff(data: bytes, name: str) -> tuple[str, str]:
    """(content type, extension) from the bytes; the file name only disambiguates Office zip files."""
    kind = filetype.guess(data)
    ext = os.path.splitext(name)[1].lower()
    if kind is None:
        raise WorkflowError(f"文件「{name}」的类型无法识别，只能上传图片（JPG/PNG/WEBP/GIF）、PDF 或 Office 文件。")
    mime = kind.mime
    if mime == "application/zip" and ext in OFFICE_EXTENSIONS:
        mime = {".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
                ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                ".pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation"}[ext]
    if mime == "application/x-ole-storage" or mime == "application/x-cfb":
        mime = "application/msword" if ext == ".doc" else "application/vnd.ms-excel"
    if mime in IMAGE_TYPES:
        return mime, IMAGE_TYPES[mime]
    if mime in DOCUMENT_TYPES:
        return mime, DOCUMENT_TYPES[mime]
    raise WorkflowError(f"文件「{name}」的实际类型为 {mime}，不允许上传。只能上传图片、PDF 或 Office 文件。")


def _check_pixels(img, name: str) -> None:
    """A small file can declare a huge picture (a "pixel bomb": 10,000 × 10,000 is 12 KB as a PNG and 300 MB once
    decoded); Pillow only warns below twice its limit. Refused before anything is decoded, every frame counted."""
    frames = getattr(img, "n_frames", 1)
    if img.width * img.height * frames > MAX_PIXELS:
        size = f"{img.width}×{img.height}" + (f"，{frames} 帧" if frames > 1 else "")
        raise WorkflowError(f"图片「{name}」像素过多（{size}），超过 {MAX_PIXELS // 10**6} 百万像素的上限，"
                            "可能是恶意构造的图片；请缩小后再上传。")


def _thumbnail(data: bytes, name: str) -> bytes:
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)  # refused below, by name and in Chinese
            with Image.open(io.BytesIO(data)) as img:
                _check_pixels(img, name)
                img.verify()
        with Image.open(io.BytesIO(data)) as img:
            img = ImageOps.exif_transpose(img).convert("RGB")
            img.thumbnail(THUMB_SIZE)
            out = io.BytesIO()
            img.save(out, "JPEG", quality=82, optimize=True)
            return out.getvalue()
    except Image.DecompressionBombError as exc:  # beyond twice Pillow's bound it refuses to open it at all
        raise WorkflowError(f"图片「{name}」像素过多，超过 {MAX_PIXELS // 10**6} 百万像素的上限，可能是恶意构造的图片；"
                            "请缩小后再上传。") from exc
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as exc:
        raise WorkflowError(f"图片「{name}」已损坏或不是有效的图片，请重新拍摄或选择。") from exc


PIL_FORMATS = {"image/jpeg": "JPEG", "image/png": "PNG", "image/webp": "WEBP", "image/gif": "GIF"}


def _without_metadata(data: bytes, mime: str, name: str) -> bytes:
    """The picture re-encoded with no EXIF, XMP or comments (so no GPS position), its orientation applied.

    The capture time is kept as data (`Evidence.captured_at`), read from the original before this.
    """
    fmt = PIL_FORMATS[mime]
    out = io.BytesIO()
    try:
        with Image.open(io.BytesIO(data)) as img:
            icc = img.info.get("icc_profile")
            params = {"icc_profile": icc} if icc and fmt != "GIF" else {}
            if getattr(img, "n_frames", 1) > 1:  # animated GIF/WebP: keep the frames, drop the rest
                img.info.pop("comment", None)
                img.save(out, fmt, save_all=True, **params)
            else:
                img = ImageOps.exif_transpose(img)
                img.info.pop("comment", None)
                if fmt == "JPEG":
                    if img.mode not in ("RGB", "L", "CMYK"):
                        img = img.convert("RGB")
                    params.update(quality=90, comment=b"")
                elif fmt == "WEBP":
                    params.update(quality=90)
                img.save(out, fmt, **params)  # Pillow writes EXIF/XMP only when asked to
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError) as exc:
        raise WorkflowError(f"图片「{name}」已损坏或不是有效的图片，请重新拍摄或选择。") from exc
    return out.getvalue()


def _captured_at(data: bytes):
    """When a photo was taken, from its EXIF (DateTimeOriginal, else DateTime), as local time; None if absent."""
    try:
        with Image.open(io.BytesIO(data)) as img:
            exif = img.getexif()
            text = exif.get_ifd(0x8769).get(36867) or exif.get(306)
        taken = datetime.datetime.strptime(str(text).strip("\x00 "), "%Y:%m:%d %H:%M:%S")
    except (TypeError, ValueError, OSError, SyntaxError, UnidentifiedImageError):
        return None
    return timezone.make_aware(taken)


_new_files: contextvars.ContextVar[list | None] = contextvars.ContextVar("evidence_new_files", default=None)


@contextmanager
def discard_new_files_on_error():
    """Files `store_evidence` writes inside the block are deleted again when the block fails. A refused file in a
    batch (or a later step) rolls the rows back with the transaction, but files are not in the transaction: without
    this the earlier files of the batch would stay in MEDIA_ROOT with nothing pointing at them. Put it outside the
    transaction.atomic() it guards, so the rows are gone before their files are."""
    token = _new_files.set([])
    try:
        yield
    except BaseException:
        for field in _new_files.get():
            field.storage.delete(field.name)
        raise
    finally:
        _new_files.reset(token)


def store_evidence(org_unit, user, upload, kind: str, description: str = "") -> Evidence:
    name = os.path.basename(getattr(upload, "name", "") or "未命名")[:200]
    if upload.size > MAX_BYTES:
        raise WorkflowError(f"文件「{name}」大小为 {upload.size / 1048576:.1f} MB，超过上限 {MAX_BYTES // 1048576} MB。")
    if upload.size == 0:
        raise WorkflowError(f"文件「{name}」是空文件。")
    data = upload.read()
    mime, ext = sniff(data, name)
    if ext in OFFICE_EXTENSIONS:
        # Kept unopened, but handed to others to open: a plain zip or a zip bomb named .docx, or a document carrying
        # XML entities, is not one.
        try:
            check_office(data, name, ext[1:])
        except UploadRefused as refused:
            raise WorkflowError(str(refused)) from None
    if kind not in Evidence.Kind.values:
        raise WorkflowError("佐证类型无效。")
    thumb = _thumbnail(data, name) if mime in IMAGE_TYPES else None
    captured_at = _captured_at(data) if thumb else None
    if thumb:  # what is stored and served carries no location
        data = _without_metadata(data, mime, name)
    sha = hashlib.sha256(data).hexdigest()
    # The same file uploaded again for the same unit (a retry from a weak signal, a reused photo) is the same row.
    existing = Evidence.objects.filter(org_unit=org_unit, sha256=sha).order_by("pk").first()
    if existing is not None:
        return existing
    evidence = Evidence(org_unit=org_unit, kind=kind, original_name=name, content_type=mime, extension=ext,
                        size=len(data), sha256=sha, uploaded_by=user, description=description[:200],
                        captured_at=captured_at)
    evidence.file.save(f"{sha}{ext}", ContentFile(data), save=False)
    if thumb:
        evidence.thumbnail.save(f"{sha}.jpg", ContentFile(thumb), save=False)
    if (written := _new_files.get()) is not None:
        written.extend(f for f in (evidence.file, evidence.thumbnail) if f)
    evidence.save()
    return evidence


def attach(assessment: Assessment, user, evidence: Evidence, rule_codes: list[str]) -> Assessment:
    """Attach one evidence item to several rules (enter once, reuse everywhere)."""
    if not can_act(user, assessment, "village"):
        raise WorkflowError("您无权为该申报上传佐证。")
    framework = assessment.framework.compiled()
    unknown = [c for c in rule_codes if c not in framework.rules_by_code]
    if unknown or not rule_codes:
        raise WorkflowError("请选择佐证对应的细则。" if not rule_codes else f"未知的细则：{'、'.join(unknown)}")
    if evidence.org_unit_id != assessment.org_unit_id:
        raise WorkflowError("只能使用本村（社区）的佐证材料。")
    from .answers import _check_editable

    with transaction.atomic():
        current = Assessment.objects.select_for_update().select_related("round", "org_unit").get(pk=assessment.pk)
        _check_editable(current, "village")
        for code in rule_codes:
            ids = current.evidence.setdefault(code, [])
            if evidence.pk not in ids:
                ids.append(evidence.pk)
        current.version += 1
        current.updated_by = user
        current.save(update_fields=["evidence", "version", "updated_by", "updated_at"])
        AssessmentEvent.objects.bulk_create([AssessmentEvent(assessment=current, user=user, level="village", action=AssessmentEvent.Action.EVIDENCE, rule_code=c, new={"佐证": evidence.original_name}) for c in rule_codes])
    return current


def detach(assessment: Assessment, user, evidence_id: int, rule_code: str) -> Assessment:
    if not can_act(user, assessment, "village"):
        raise WorkflowError("您无权修改该申报的佐证。")
    from .answers import _check_editable

    with transaction.atomic():
        current = Assessment.objects.select_for_update().select_related("round", "org_unit").get(pk=assessment.pk)
        _check_editable(current, "village")
        ids = current.evidence.get(rule_code, [])
        if evidence_id in ids:
            ids.remove(evidence_id)
            current.version += 1
            current.save(update_fields=["evidence", "version", "updated_at"])
            AssessmentEvent.objects.create(assessment=current, user=user, level="village", action=AssessmentEvent.Action.EVIDENCE, rule_code=rule_code, old={"佐证": evidence_id}, new=None)
    return current
