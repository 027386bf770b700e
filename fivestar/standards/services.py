"""Writes of framework versions: import (YAML, Excel or data), publish, copy as a new version, archive.

Imports validate everything first and save nothing on error (`ImportFailed` lists every problem
with file, sheet, row and column). Other errors are `ValidationError` (a dict keyed by form field
for the copy form) and `PermissionDenied`. `user=None` is the system (the command line).
"""

from __future__ import annotations

import copy
from pathlib import Path

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from . import excel_read, yaml_io
from .canonical import canonical
from .engine import validate_framework
from .engine.text import CODE_RE
from .models import FrameworkVersion
from .models.framework import checksum_of
from .problems import ImportFailed, Problem, Source
from .selectors import can_manage, can_manage_scope

SHIPPED_DIR = Path(__file__).resolve().parent / "frameworks"
MAX_UPLOAD_BYTES = getattr(settings, "STANDARDS_IMPORT_MAX_BYTES", 5 * 1024 * 1024)
YAML_SUFFIXES = (".yaml", ".yml")
NO_RIGHT = "您没有管理该创建标准的权限。"


def _save(version: FrameworkVersion, user) -> None:
    version._history_user = user
    version.save()


def read(source, filename: str | None = None) -> Source:
    """A `Source` (not yet validated) from a dict, a path, an uploaded file or bytes with `filename`."""
    if isinstance(source, Source):
        return source
    if isinstance(source, dict):
        return Source(filename or "（数据）", data=copy.deepcopy(source))
    if isinstance(source, str) and "\n" in source:  # YAML text
        return yaml_io.parse(source, filename or "framework.yaml", validate=False)
    if isinstance(source, (str, Path)):
        path = Path(source)
        filename = filename or path.name
        if not path.is_file():
            raise ImportFailed([Problem(filename, f"找不到文件 {path}")])
        content = path.read_bytes()
    elif hasattr(source, "read"):  # an uploaded file
        filename = filename or Path(getattr(source, "name", "") or "upload").name
        size = getattr(source, "size", None)
        if size is not None and size > MAX_UPLOAD_BYTES:
            raise ImportFailed([Problem(filename, f"文件大小超过 {MAX_UPLOAD_BYTES // (1024 * 1024)} MB 上限")])
        content = source.read()
    else:
        content = source
        filename = filename or "upload"
    if len(content) > MAX_UPLOAD_BYTES:
        raise ImportFailed([Problem(filename, f"文件大小超过 {MAX_UPLOAD_BYTES // (1024 * 1024)} MB 上限")])
    suffix = Path(filename).suffix.lower()
    if suffix in YAML_SUFFIXES:
        return yaml_io.parse(content, filename, validate=False)
    if suffix == ".xlsx":
        return excel_read.read_source(content, filename)
    if suffix == ".xls":
        raise ImportFailed([Problem(filename, "不支持旧版 .xls 格式，请在 Excel 中另存为 .xlsx 后再导入")])
    raise ImportFailed([Problem(filename, "只能导入 .yaml、.yml 或 .xlsx 文件")])


def _parsed(source, filename) -> tuple[Source, dict]:
    """Read and validate with no transaction open: a 5 MB file takes seconds, and on SQLite an open write
    transaction would hold the database's only write lock (logins included) all that time."""
    src = read(source, filename)
    problems = src.validate()
    if problems:
        raise ImportFailed(problems)
    return src, canonical(src.data)


def _check_code(src: Source, data: dict, *, expect_code: str | None = None, exclude_pk=None) -> None:
    """The checks against the database, inside the short write transaction."""
    code = data["code"]
    sheet, row, column = src.locate("code")
    problems = []
    if expect_code is not None and code != expect_code:
        problems.append(src.problem(f"文件中的代码 {code} 与草稿的代码 {expect_code} 不一致", sheet, row, column))
    clash = FrameworkVersion.objects.filter(code=code).exclude(pk=exclude_pk).first()
    if clash is not None:
        problems.append(src.problem(
            f"代码 {code} 已被「{clash.name}（{clash.version}）」使用，请改用新的代码", sheet, row, column))
    if problems:
        raise ImportFailed(problems)


def _fill(version: FrameworkVersion, data: dict) -> None:
    version.data = data
    version.code = data["code"]
    version.name = data["name"]
    version.branch_type = data["branch_type"]
    version.version = data.get("version", "")
    version.issuer = data.get("issuer", "")


def import_framework(source, user, org_unit=None, *, filename: str | None = None, publish: bool = False) -> FrameworkVersion:
    """Validate `source` (dict, path, upload or bytes) completely and create a DRAFT version (published if asked).

    Parsing and validation run outside any transaction; the write is one short transaction.
    """
    if not can_manage_scope(user, org_unit):
        raise PermissionDenied(NO_RIGHT)
    src, data = _parsed(source, filename)
    version = FrameworkVersion(org_unit=org_unit, status=FrameworkVersion.Status.DRAFT, created_by=user)
    _fill(version, data)
    with transaction.atomic():
        _check_code(src, data)
        try:
            with transaction.atomic():
                _save(version, user)
        except IntegrityError as exc:  # a concurrent import took the code
            raise ImportFailed([Problem(filename or data["code"], f"代码 {data['code']} 已被使用")]) from exc
    if publish:  # the data was validated above; publishing is its own short transaction
        version = publish_version(version, user)
    return version


def update_draft(version: FrameworkVersion, source, user, *, filename: str | None = None) -> FrameworkVersion:
    """Replace a draft's content with an edited file of the same code (parsed outside the write transaction)."""
    if not can_manage(user, version):
        raise PermissionDenied(NO_RIGHT)
    if version.status != FrameworkVersion.Status.DRAFT:
        raise ImportFailed([Problem(filename or version.code, "已发布或已停用的版本不能修改，请先复制为新版本")])
    src, data = _parsed(source, filename)
    with transaction.atomic():
        version = FrameworkVersion.objects.select_for_update().get(pk=version.pk)
        if version.status != FrameworkVersion.Status.DRAFT:
            raise ImportFailed([Problem(filename or version.code, "已发布或已停用的版本不能修改，请先复制为新版本")])
        _check_code(src, data, expect_code=version.code, exclude_pk=version.pk)
        _fill(version, data)
        _save(version, user)
    return version


def publish(version: FrameworkVersion, user) -> FrameworkVersion:
    if not can_manage(user, version):
        raise PermissionDenied(NO_RIGHT)
    version = FrameworkVersion.objects.get(pk=version.pk)
    if version.status != FrameworkVersion.Status.DRAFT:
        raise ValidationError("只有草稿可以发布。")
    checked = version.checksum
    errors = validate_framework(version.data)  # outside the write transaction: seconds for a large framework
    if errors:
        raise ValidationError([f"内容有误，不能发布：{e}" for e in errors[:10]])
    with transaction.atomic():
        version = FrameworkVersion.objects.select_for_update().get(pk=version.pk)
        if version.status != FrameworkVersion.Status.DRAFT:
            raise ValidationError("只有草稿可以发布。")
        if version.checksum != checked:
            raise ValidationError("草稿在发布前被修改，请核对后重新发布。")
        version.status = FrameworkVersion.Status.PUBLISHED
        version.published_at = timezone.now()
        version.published_by = user
        _save(version, user)
    return version


publish_version = publish


@transaction.atomic
def archive(version: FrameworkVersion, user) -> FrameworkVersion:
    if not can_manage(user, version):
        raise PermissionDenied(NO_RIGHT)
    version = FrameworkVersion.objects.select_for_update().get(pk=version.pk)
    if version.status == FrameworkVersion.Status.ARCHIVED:
        raise ValidationError("该版本已停用。")
    version.status = FrameworkVersion.Status.ARCHIVED
    _save(version, user)
    return version


@transaction.atomic
def new_version_from(version: FrameworkVersion, user, new_code: str, new_version_label: str, new_name: str | None = None) -> FrameworkVersion:
    """A DRAFT copy of `version` with a new code and version label (and name, if given), to edit and publish."""
    if not can_manage(user, version):
        raise PermissionDenied(NO_RIGHT)
    new_code = (new_code or "").strip()
    label = str(new_version_label or "").strip()
    name = (new_name or "").strip() or version.name
    errors: dict[str, str] = {}
    if not CODE_RE.match(new_code):
        errors["code"] = "代码只能使用小写字母、数字和连字符，如 puyang-2024-rural"
    elif len(new_code) > 60:
        errors["code"] = "代码不能超过 60 个字符"
    elif FrameworkVersion.objects.filter(code=new_code).exists():
        errors["code"] = f"代码 {new_code} 已被使用"
    if not label:
        errors["version"] = "请填写版本，如 2024"
    elif len(label) > 30:
        errors["version"] = "版本不能超过 30 个字符"
    if len(name) > 120:
        errors["name"] = "名称不能超过 120 个字符"
    if errors:
        raise ValidationError(errors)
    data = copy.deepcopy(version.data)
    data.update(code=new_code, version=label, name=name)
    data = canonical(data)
    copy_ = FrameworkVersion(org_unit=version.org_unit, status=FrameworkVersion.Status.DRAFT, based_on=version, created_by=user)
    _fill(copy_, data)
    _save(copy_, user)
    return copy_


def shipped_files() -> list[Path]:
    return sorted(SHIPPED_DIR.glob("*.yaml"))


@transaction.atomic
def load_shipped(user=None) -> list[tuple[str, str]]:
    """Import and publish the shipped frameworks; idempotent. Returns (code, what happened) per file."""
    report = []
    for path in shipped_files():
        data = _shipped_data(path)
        existing = FrameworkVersion.objects.filter(code=data["code"]).first()
        if existing is None:
            import_framework(data, user, filename=path.name, publish=True)
            report.append((data["code"], "created"))
        elif existing.checksum == checksum_of(data):
            if existing.status == FrameworkVersion.Status.DRAFT:
                publish(existing, user)
                report.append((data["code"], "published"))
            else:
                report.append((data["code"], "unchanged"))
        elif existing.status == FrameworkVersion.Status.DRAFT:
            update_draft(existing, data, user, filename=path.name)
            publish(existing, user)
            report.append((data["code"], "updated"))
        else:
            report.append((data["code"], "conflict"))
    return report


def _shipped_data(path: Path) -> dict:
    src = read(path)
    problems = src.validate()
    if problems:
        raise ImportFailed(problems)
    return canonical(src.data)
