"""Mentoring pairs, awards, honours, risk checks and campaign projects with funding: entered by the village (or
the town/county above it), each checked, attributed and kept in history."""

from decimal import Decimal, InvalidOperation

from django.db import IntegrityError, transaction
from django.db.models import Sum

from fivestar.people.models import Person

from ..models import Award, CampaignProject, Funding, Honour, MentoringPair, RiskCheck
from .access import can_edit
from .common import check_date, check_year, saved, text
from .errors import ActivityError

MAX_AMOUNT = Decimal("1000000000")


def _require(user, unit):
    if not can_edit(user, unit):
        raise ActivityError("您无权登记该村（社区）的记录。")


def _choice(value, choices, label):
    if value not in choices.values:
        raise ActivityError(f"{label}无效，应为：{'、'.join(str(lbl) for lbl in choices.labels)}。")
    return value


def amount(value, label="金额") -> Decimal:
    try:
        value = Decimal(str(value).replace(",", "").strip())
    except (InvalidOperation, ValueError):
        raise ActivityError(f"{label}应为数字（元）。") from None
    if not value.is_finite() or value < 0:
        raise ActivityError(f"{label}不能为负数。")
    if value > MAX_AMOUNT:
        raise ActivityError(f"{label}超过 10 亿元，明显不合理，请核对单位（应以“元”为单位）。")
    return value.quantize(Decimal("0.01"))


def add_pair(user, village, **fields) -> MentoringPair:
    return saved(build_pair(user, village, **fields), user)


def build_pair(user, village, *, mentor, mentee, kind, start, end=None, meetings_held=0, note="") -> MentoringPair:
    """A checked, unsaved pair (adding saves it; editing copies its fields onto the existing one)."""
    _require(user, village)
    people = {p.pk: p for p in Person.objects.filter(pk__in=[i for i in (_int(mentor), _int(mentee)) if i is not None]).select_related("org_unit")}
    mentor_p, mentee_p = people.get(_int(mentor)), people.get(_int(mentee))
    if mentor_p is None or mentee_p is None:
        raise ActivityError("请选择导师和帮带对象。")
    if mentor_p.pk == mentee_p.pk:
        raise ActivityError("导师和帮带对象不能是同一人。")
    if not mentee_p.org_unit.path.startswith(village.path):
        raise ActivityError("帮带对象应为本村（社区）的人员。")
    start = check_date(start, "开始日期")
    end = check_date(end, "结束日期", future_ok=True) if end else None
    if end and end < start:
        raise ActivityError("结束日期不能早于开始日期。")
    return MentoringPair(org_unit=village, mentor=mentor_p, mentee=mentee_p, kind=_choice(kind, MentoringPair.Kind, "帮带方式"),
                         start=start, end=end, meetings_held=_nonneg(meetings_held, "帮带次数"), note=text(note, "备注", 200, required=False),
                         recorded_by=user)


def _int(value):
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _nonneg(value, label, limit=100000):
    number = _int(value or 0)
    if number is None or not (0 <= number <= limit):
        raise ActivityError(f"{label}应为 0 至 {limit} 之间的整数。")
    return number


def add_award(user, village, **fields) -> Award:
    return saved(build_award(user, village, **fields), user)


def build_award(user, village, *, person_name, category, year, person=None, note="") -> Award:
    _require(user, village)
    person_obj = None
    if person:
        person_obj = Person.objects.filter(pk=_int(person), org_unit__path__startswith=village.path).first()
        if person_obj is None:
            raise ActivityError("所选人员不属于本村（社区）。")
    name = text(person_name or (person_obj.name if person_obj else ""), "姓名", 30)
    return Award(org_unit=village, person=person_obj, person_name=name, category=text(category, "评选类别", 30),
                 year=check_year(year), note=text(note, "备注", 200, required=False), recorded_by=user)


def build_honour(user, village, *, title, level, issuer, year, note="", certificate=None) -> Honour:
    """A checked, unsaved honour (the importer saves many at once)."""
    _require(user, village)
    return Honour(org_unit=village, title=text(title, "荣誉称号", 100), level=_choice(level, Honour.Level, "级别"),
                  issuer=text(issuer, "授予单位", 100), year=check_year(year), note=text(note, "备注", 200, required=False),
                  certificate=certificate, recorded_by=user)


def add_honour(user, village, *, upload=None, **fields) -> Honour:
    honour = build_honour(user, village, **fields)
    if Honour.objects.filter(org_unit=village, title=honour.title, year=honour.year).exists():
        raise ActivityError(f"「{honour.title}」（{honour.year}年）已登记。")
    try:
        with transaction.atomic():
            if upload is not None:
                honour.certificate = store_certificate(user, village, upload)
            return saved(honour, user)
    except IntegrityError:
        raise ActivityError(f"「{honour.title}」（{honour.year}年）已登记。") from None


def store_certificate(user, village, upload):
    """The certificate scan through rating's evidence store: type checked by content, EXIF/GPS stripped."""
    from fivestar.rating.models import Evidence
    from fivestar.rating.services.errors import WorkflowError
    from fivestar.rating.services.evidence import store_evidence

    try:
        return store_evidence(village, user, upload, Evidence.Kind.DOCUMENT, "荣誉证书")
    except WorkflowError as e:
        raise ActivityError(e.message) from None


def add_risk_check(user, village, **fields) -> RiskCheck:
    return saved(build_risk_check(user, village, **fields), user)


def build_risk_check(user, village, *, date, checker, findings="", risks_found=0) -> RiskCheck:
    _require(user, village)
    return RiskCheck(org_unit=village, date=check_date(date, "排查日期"), checker=text(checker, "排查人", 60),
                     findings=text(findings, "排查情况", 300, required=False), risks_found=_nonneg(risks_found, "发现隐患数", 1000),
                     recorded_by=user)


def add_project(user, village, **fields) -> CampaignProject:
    return saved(build_project(user, village, **fields), user)


def build_project(user, village, *, name, year, target="", progress=0, budget=0) -> CampaignProject:
    _require(user, village)
    return CampaignProject(org_unit=village, name=text(name, "项目名称", 60), year=check_year(year), target=text(target, "目标任务", 200, required=False),
                           progress=_nonneg(progress, "完成进度", 100), budget=amount(budget or 0, "计划投入"), recorded_by=user)


def set_progress(user, project: CampaignProject, progress) -> CampaignProject:
    _require(user, project.org_unit)
    project.progress = _nonneg(progress, "完成进度", 100)
    return saved(project, user)


def add_funding(user, project: CampaignProject, *, source, value, date, note="") -> Funding:
    _require(user, project.org_unit)
    row = Funding(project=project, source=_choice(source, Funding.Source, "资金来源"), amount=amount(value), date=check_date(date, "到位日期"),
                  note=text(note, "备注", 200, required=False), recorded_by=user)
    with transaction.atomic():
        saved(row, user)
        total = Funding.objects.filter(project=project).aggregate(s=Sum("amount"))["s"] or 0
        CampaignProject.objects.filter(pk=project.pk).update(funded=total)
        project.funded = total
    return row
