"""Target responsibility letters (目标责任书): what a letter says about a village (its targets, its ledger tasks, the
people of its responsibility chain), a town's own Word template or the built-in example, one letter rendered, the
signing (date and scanned copy). The background batch for a whole town is in letters_batch.py."""

import datetime
import io

from django.db import transaction
from django.utils import timezone

from fivestar.core.uploads import display_name
from fivestar.people.models import Duty, Person, Position, Responsibility
from fivestar.rating.models import Evidence
from fivestar.rating.services.errors import WorkflowError
from fivestar.rating.services.evidence import sniff, store_evidence

from ..models import LedgerTask, ResponsibilityLetter, VillageTarget
from ..models.ledger import TaskStatus
from . import letters_docx as wd
from .access import can_manage
from .errors import PlanningError
from .letters_batch import start_letter_batch
from .letters_templates import (PLACEHOLDER_NOTES, PLACEHOLDERS, active_template, audit, change, example_template,
                                inspect_template, reset_template, save_template, template_bytes, validate_template)
from .settings import category_labels, planning_settings_for, town_of
from .stars import StarCatalog, star_names
from .targets import RATING_NAMES, check_year

TABLE_PLACEHOLDER = "任务清单"
TASK_HEADERS = ["序号", "所属星", "创建任务", "责任人", "完成时限"]
TASK_WIDTHS = [9, 26, 70, 22, 28]
MAX_TASKS = 200
UNSET = "（未设定）"
BLANK_DATE = "    年  月  日"
SCAN_TYPES = {"application/pdf": "PDF", "image/jpeg": "JPG", "image/png": "PNG"}


def cn_date(day: datetime.date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def _names(people) -> str:
    return "、".join(dict.fromkeys(p.name for p in people)) or UNSET


def letter_contexts(villages, year: int) -> dict[int, dict]:
    """village id → letter_context, for many villages of one or a few towns in a fixed number of queries."""
    villages = list(villages)
    ids = [v.pk for v in villages]
    if not ids:
        return {}
    targets = {t.org_unit_id: t for t in VillageTarget.objects.filter(year=year, org_unit_id__in=ids)}
    tasks: dict[int, list] = {}
    for task in (LedgerTask.objects.filter(year=year, org_unit_id__in=ids).exclude(status=TaskStatus.CANCELLED)
                 .select_related("responsible").order_by("org_unit_id", "deadline", "id")):
        tasks.setdefault(task.org_unit_id, []).append(task)
    secretaries: dict[int, list] = {}
    for person in Person.objects.filter(org_unit_id__in=ids, position=Position.SECRETARY, active=True).order_by("-user_id", "pk"):
        secretaries.setdefault(person.org_unit_id, []).append(person)
    liaisons: dict[int, list] = {}
    for duty in (Responsibility.objects.filter(duty=Duty.VILLAGE, org_unit_id__in=ids, person__active=True)
                 .select_related("person").order_by("id")):
        liaisons.setdefault(duty.org_unit_id, []).append(duty.person)
    leaders: dict[int, list] = {}
    area_ids = {v.area_id for v in villages if v.area_id}
    for duty in (Responsibility.objects.filter(duty=Duty.AREA, area_id__in=area_ids, person__active=True)
                 .select_related("person").order_by("id")):
        leaders.setdefault(duty.area_id, []).append(duty.person)
    signed = dict(ResponsibilityLetter.objects.filter(year=year, org_unit_id__in=ids, signed_on__isnull=False)
                  .values_list("org_unit_id", "signed_on"))
    towns: dict[int, tuple] = {}
    out = {}
    for village in villages:
        town = town_of(village.parent if village.parent_id else village)
        if town.pk not in towns:
            towns[town.pk] = (category_labels(planning_settings_for(town)), StarCatalog(town).names())
        labels, names = towns[town.pk]
        target = targets.get(village.pk)
        rows = [{"star": names.get(t.star_code, t.star_code), "task": t.title, "deadline": t.deadline,
                 "responsible": t.responsible.name if t.responsible_id else "村党支部书记"}
                for t in tasks.get(village.pk, [])[:MAX_TASKS]]
        category = (target.category if target is not None else "") or village.category
        out[village.pk] = {
            "村名": village.display_name,
            "乡镇": town.display_name,
            "年度": str(year),
            "创建类别": labels.get(category, category) if category else UNSET,
            "目标星级": RATING_NAMES.get(target.target_rating, "") if target is not None and target.target_rating else UNSET,
            "目标星": star_names(target.target_stars, names) if target is not None and target.target_stars else UNSET,
            "任务清单": rows,
            "村党支部书记": _names(secretaries.get(village.pk, [])[:1]),
            "包村干部": _names(liaisons.get(village.pk, [])),
            "包片领导": _names(leaders.get(village.area_id, [])),
            "签订日期": cn_date(signed[village.pk]) if village.pk in signed else BLANK_DATE,
        }
    return out


def letter_context(village, year) -> dict:
    """Placeholder name → value for one village's letter; 任务清单 is a list of rows (star, task, responsible,
    deadline)."""
    return letter_contexts([village], check_year(year))[village.pk]


def render_with(data: bytes, context: dict) -> bytes:
    doc = wd.open_document(data)
    rows = [[str(i), r["star"], r["task"], r["responsible"], cn_date(r["deadline"])]
            for i, r in enumerate(context[TABLE_PLACEHOLDER], start=1)]
    values = {k: v for k, v in context.items() if k != TABLE_PLACEHOLDER}
    wd.fill(doc, values, TABLE_PLACEHOLDER, rows, TASK_HEADERS, TASK_WIDTHS)
    doc.core_properties.title = f"{context['村名']}{context['年度']}年度目标责任书"
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def render_letter(template_or_None, village, year) -> bytes:
    """One village's letter (.docx bytes) from a LetterTemplate (or bytes), or from the example template."""
    return render_with(template_bytes(template_or_None), letter_context(village, year))


def letter_filename(village, year) -> str:
    return f"{village.display_name}{year}年度目标责任书.docx"


def letter_for(village, year) -> ResponsibilityLetter:
    """The village's letter row for the year (created pending when missing)."""
    letter, _ = ResponsibilityLetter.objects.get_or_create(year=check_year(year), org_unit=village)
    return letter


def _scan(letter, user, scan_evidence):
    """The scanned copy as Evidence of the village: an Evidence row or an upload (stored now); PDF/JPG/PNG only."""
    if scan_evidence is None:
        return None
    if isinstance(scan_evidence, Evidence):
        if scan_evidence.org_unit_id != letter.org_unit_id:
            raise PlanningError(f"材料「{scan_evidence.original_name}」不属于「{letter.org_unit.display_name}」，不能作为签字扫描件。")
        mime = scan_evidence.content_type
        name = scan_evidence.original_name
    else:
        name = display_name(getattr(scan_evidence, "name", ""))
        try:
            head = scan_evidence.read(8192)
            scan_evidence.seek(0)
            mime = sniff(head, name)[0] if head else ""
        except WorkflowError:
            mime = ""
    if mime not in SCAN_TYPES:
        raise PlanningError(f"签字扫描件「{name}」只能是 PDF 或 JPG、PNG 图片。")
    if isinstance(scan_evidence, Evidence):
        return scan_evidence
    try:
        return store_evidence(letter.org_unit, user, scan_evidence, Evidence.Kind.DOCUMENT, "目标责任书签字扫描件")
    except WorkflowError as error:
        raise PlanningError(error.message) from None


def mark_signed(letter, user, signed_on, scan_evidence) -> ResponsibilityLetter:
    """Record a letter as signed on `signed_on` with its scanned signed copy (an Evidence or an upload)."""
    village = letter.org_unit
    if not can_manage(user, village):
        raise PlanningError(f"您无权登记「{village.display_name}」目标责任书的签订情况。")
    if not isinstance(signed_on, datetime.date):
        raise PlanningError("请填写正确的签订日期。")
    today = timezone.localdate()
    if signed_on > today:
        raise PlanningError("签订日期不能晚于今天。")
    if signed_on.year < letter.year - 1:
        raise PlanningError(f"签订日期应在 {letter.year - 1} 年以后。")
    if scan_evidence is None and not letter.signed_copy_id:
        raise PlanningError("请上传签字盖章后的责任书扫描件（PDF 或 JPG 图片）。")
    with transaction.atomic():
        evidence = _scan(letter, user, scan_evidence)
        current = ResponsibilityLetter.objects.select_for_update().select_related("org_unit").get(pk=letter.pk)
        changes = [change("状态", current.get_status_display(), ResponsibilityLetter.Status.SIGNED.label),
                   change("签订日期", current.signed_on, signed_on)]
        current.status = ResponsibilityLetter.Status.SIGNED
        current.signed_on = signed_on
        if evidence is not None:
            changes.append(change("签字扫描件", "", evidence.original_name) if current.signed_copy_id != evidence.pk else None)
            current.signed_copy = evidence
        current.updated_by = user
        current.save()
        what = f"{village.display_name}{current.year}年度目标责任书"
        audit(user, current, village, "目标责任书", what, changes=changes, summary=f"{what}已签订")
    return current


__all__ = ["PLACEHOLDERS", "PLACEHOLDER_NOTES", "active_template", "example_template", "inspect_template", "letter_context",
           "letter_contexts", "letter_filename", "letter_for", "mark_signed", "render_letter", "render_with", "reset_template",
           "save_template", "start_letter_batch", "template_bytes", "validate_template"]
