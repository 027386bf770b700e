"""A town's own Word template for its responsibility letters (checked: a real, sane .docx whose placeholders are
all known) or the built-in example template; and the one history line each letter write leaves (AuditEvent)."""

import functools

from django.core.files.base import ContentFile
from django.db import transaction

from fivestar.core.models import AuditEvent
from fivestar.core.uploads import UploadRefused, display_name, read_upload
from fivestar.orgs.models import Level

from ..models import LetterTemplate
from . import letters_docx as wd
from .access import can_manage
from .errors import PlanningError

# The documented placeholder names, written in a .docx as {{村名}} etc. (name → what it becomes).
PLACEHOLDER_NOTES = {
    "村名": "村（社区）名称，如 西辛庄村",
    "乡镇": "乡镇（街道）名称",
    "年度": "年度，如 2025",
    "创建类别": "本乡镇对该村的创建类别名称（如 领航村）",
    "目标星级": "目标星级，如 四星",
    "目标星": "目标星，如 支部过硬星、产业兴旺星",
    "任务清单": "创建任务表格（序号、所属星、任务、责任人、完成时限），须单独成段",
    "村党支部书记": "村党支部书记姓名",
    "包村干部": "包村干部姓名（多人以顿号分隔）",
    "包片领导": "包片领导姓名（多人以顿号分隔）",
    "签订日期": "签订日期（已签订时填入，否则留空待手写）",
}
PLACEHOLDERS = tuple(PLACEHOLDER_NOTES)


def change(label: str, old, new) -> dict | None:
    old, new = ("" if old is None else str(old)), ("" if new is None else str(new))
    return None if old == new else {"field": label, "label": label, "old": old, "new": new}


def audit(user, instance, unit, label: str, what: str, *, created=False, changes=(), summary="") -> None:
    """One line in the history list (AuditEvent) for a write to a template, a letter or a batch."""
    AuditEvent.objects.create(
        user=user if getattr(user, "pk", None) else None,
        action=AuditEvent.Action.CREATE if created else AuditEvent.Action.UPDATE,
        model=instance._meta.label_lower, model_label=label, object_id=str(instance.pk or ""), object_repr=what[:200],
        org_unit=unit, changes=[c for c in changes if c], summary=summary[:300])


@functools.lru_cache(maxsize=1)
def example_template() -> bytes:
    """The built-in example template (its footer says 示例模板), with its placeholders."""
    return wd.build_example()


def template_bytes(template) -> bytes:
    """The bytes of a LetterTemplate, raw bytes, or the example template for None."""
    if template is None:
        return example_template()
    if isinstance(template, bytes):
        return template
    with template.file.open("rb") as handle:
        return handle.read()


def active_template(town) -> LetterTemplate | None:
    return LetterTemplate.objects.filter(town=town, active=True).order_by("-uploaded_at", "-pk").first()



def inspect_template(upload) -> tuple[bytes, list[str], list[str]]:
    """(bytes, placeholders found, Chinese errors) of an uploaded template."""
    try:
        data = read_upload(upload, wd.MAX_BYTES)
        wd.check_docx(data, getattr(upload, "name", ""))
        doc = wd.open_document(data, getattr(upload, "name", ""))
    except UploadRefused as refused:
        return b"", [], [str(refused)]
    found, broken = wd.scan(doc)
    errors = []
    unknown = [n for n in found if n not in PLACEHOLDER_NOTES]
    if unknown:
        errors.append("模板中有无法识别的占位符：" + "、".join(f"{{{{{n}}}}}" for n in unknown)
                      + "；可用的占位符：" + "、".join(f"{{{{{n}}}}}" for n in PLACEHOLDERS) + "。")
    if broken:
        errors.append("模板中有不完整的占位符（缺少大括号）：" + "、".join(f"「{b}」" for b in broken[:5])
                      + "；占位符应写成 {{村名}} 的形式。")
    if not found and not broken:
        errors.append(f"模板「{display_name(getattr(upload, 'name', ''))}」中没有任何占位符（如 {{{{村名}}}}），"
                      "生成的每份责任书都会相同；请在需要填写的位置加入占位符。")
    return data, [n for n in found if n in PLACEHOLDER_NOTES], errors


def validate_template(upload) -> list[str]:
    """Chinese errors of an uploaded template ([] when it can be used)."""
    return inspect_template(upload)[2]


def save_template(user, town, upload) -> LetterTemplate:
    """Check and store a town's own template; it replaces the town's previous one. PlanningError with the errors."""
    if town is None or town.level != Level.TOWN:
        raise PlanningError("责任书模板按乡镇设置。")
    if not can_manage(user, town):
        raise PlanningError(f"您无权设置「{town.display_name}」的责任书模板。")
    data, found, errors = inspect_template(upload)
    if errors:
        if len(errors) == 1:
            raise PlanningError(errors[0])
        raise PlanningError(f"责任书模板有 {len(errors)} 处问题，未保存。", details=errors)
    name = display_name(getattr(upload, "name", "")) or "模板.docx"
    with transaction.atomic():
        LetterTemplate.objects.filter(town=town, active=True).update(active=False)
        row = LetterTemplate(town=town, original_name=name[:200], placeholders=found, uploaded_by=user)
        row.file.save(f"{town.code}.docx", ContentFile(data), save=False)
        row.save()
        audit(user, row, town, "责任书模板", f"{town.display_name}责任书模板「{name}」", created=True,
              summary=f"上传责任书模板「{name}」，占位符：{'、'.join(found)}")
    return row


def reset_template(user, town) -> int:
    """Back to the example template: the town's own templates are kept but no longer used."""
    if not can_manage(user, town):
        raise PlanningError(f"您无权设置「{town.display_name}」的责任书模板。")
    with transaction.atomic():
        rows = list(LetterTemplate.objects.select_for_update().filter(town=town, active=True))
        LetterTemplate.objects.filter(pk__in=[r.pk for r in rows]).update(active=False)
        for row in rows:
            audit(user, row, town, "责任书模板", f"{town.display_name}责任书模板「{row.original_name}」",
                  changes=[change("启用", "是", "否")], summary="停用本乡镇模板，改用系统示例模板")
    return len(rows)


