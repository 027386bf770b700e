"""Frameworks over the API: list, detail (stars → standards → rules), evaluate a set of results, publish and
archive. Drafts outside the token user's scope are 404; managing a version outside it is 403 (the services decide)."""

from typing import Any

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from ninja import Query, Router, Schema, Status
from pydantic import Field

from . import services

from .engine import gaps, validate_inputs
from .engine import evaluate as run_evaluation
from .models import FrameworkVersion
from .selectors import get_version, visible_versions
from .values import range_problem

router = Router(tags=["创建标准"])


class FrameworkOut(Schema):
    id: int
    code: str
    name: str
    branch_type: str
    version: str
    issuer: str
    status: str
    status_name: str
    org_unit: str | None
    star_count: int
    standard_count: int
    rule_count: int
    based_on: str | None
    published_at: str | None


class FrameworkPage(Schema):
    items: list[FrameworkOut]
    count: int


class FrameworkFilters(Schema):
    status: FrameworkVersion.Status | None = Field(None, description="draft 草稿 | published 已发布 | archived 已停用")
    branch_type: str | None = Field(None, description="rural 农村 | community 社区")


class ThresholdOut(Schema):
    min: float
    points: float


class EvidenceOut(Schema):
    kinds: list[str] = []
    min_count: int | None = None
    hint: str = ""


class RuleOut(Schema):
    code: str
    text: str
    kind: str
    max: float
    per_occurrence: float | None = None
    thresholds: list[ThresholdOut] = []
    unit: str | None = None
    indicator: str | None = None
    required: bool = False
    veto: bool = False
    na_allowed: bool = False
    pass_mark: float
    evidence: EvidenceOut | None = None


class StandardOut(Schema):
    code: str
    name: str
    rules: list[RuleOut]


class StarOut(Schema):
    code: str
    name: str
    order: int
    pass_ratio: float | None = None
    pass_score: float | None = None
    requires: list[str] = []
    max: float
    standards: list[StandardOut]


class FrameworkDetail(FrameworkOut):
    stars: list[StarOut]


class EvaluateIn(Schema):
    results: dict[str, Any] = Field(default_factory=dict, description="细则编码 → 值：达标项 true/false，计分项、指标项为数值，扣分项为发生次数")
    not_applicable: list[str] = Field(default_factory=list, description="标记为不适用的细则编码")
    veto_events: list[str] = Field(default_factory=list, description="已记录否决事项的细则编码")
    indicators: dict[str, Any] = Field(default_factory=dict, description="指标编码 → 数值，如 collective_income")


class StarResultOut(Schema):
    code: str
    name: str
    awarded: bool
    qualified: bool
    score: float
    max: float
    pass_mark: float
    reasons: list[str]
    missing_requires: list[str]


class GapOut(Schema):
    star_code: str
    star_name: str
    points_short: float
    reachable: bool
    notes: list[str]
    blockers: list[str]
    improvements: list[dict]


class EvaluationOut(Schema):
    framework: str
    rating: int
    awarded: list[str]
    stars: list[StarResultOut]
    gaps: list[GapOut]


class FieldErrorOut(Schema):
    field: str
    message: str
    type: str = ""


class ValidationErrorOut(Schema):
    detail: str
    errors: list[FieldErrorOut]


def _summary(v: FrameworkVersion) -> dict:
    return {
        "id": v.pk, "code": v.code, "name": v.name, "branch_type": v.branch_type, "version": v.version,
        "issuer": v.issuer, "status": v.status, "status_name": v.get_status_display(),
        "org_unit": v.org_unit.code if v.org_unit_id else None, "star_count": v.star_count,
        "standard_count": v.standard_count, "rule_count": v.rule_count,
        "based_on": v.based_on.code if v.based_on_id else None,
        "published_at": v.published_at.isoformat() if v.published_at else None,
    }


def _rule(r) -> dict:
    ev = r.evidence
    return {
        "code": r.code, "text": r.text, "kind": r.kind, "max": r.max, "per_occurrence": r.per_occurrence,
        "thresholds": [{"min": t.min, "points": t.points} for t in r.thresholds], "unit": r.unit,
        "indicator": r.indicator, "required": r.required, "veto": r.veto, "na_allowed": r.na_allowed,
        "pass_mark": r.pass_mark,
        "evidence": {"kinds": list(ev.kinds), "min_count": ev.min_count, "hint": ev.hint} if ev else None,
    }


@router.get("/frameworks", response=FrameworkPage, summary="创建标准版本列表")
def list_frameworks(request, filters: FrameworkFilters = Query(...)):
    qs = visible_versions(request.user)
    if filters.status:
        qs = qs.filter(status=filters.status)
    if filters.branch_type:
        qs = qs.filter(branch_type=filters.branch_type)
    items = [_summary(v) for v in qs]
    return {"items": items, "count": len(items)}


@router.get("/frameworks/{framework_id}", response=FrameworkDetail, summary="创建标准详情（星、标准、细则）")
def get_framework(request, framework_id: int):
    version = get_version(request.user, framework_id)
    fw = version.compiled()
    stars = [
        {"code": s.code, "name": s.name, "order": s.order, "pass_ratio": s.pass_ratio, "pass_score": s.pass_score,
         "requires": list(s.requires), "max": s.max_total,
         "standards": [{"code": sd.code, "name": sd.name, "rules": [_rule(r) for r in sd.rules]} for sd in s.standards]}
        for s in fw.stars
    ]
    return {**_summary(version), "stars": stars}


@router.post("/frameworks/{framework_id}/evaluate", response={200: EvaluationOut, 422: ValidationErrorOut},
             summary="按创建标准评星（计算各星得分、是否获得及差距）")
def evaluate_framework(request, framework_id: int, payload: EvaluateIn):
    fw = get_version(request.user, framework_id).compiled()
    errors = [{"field": e.field, "message": e.message, "type": "value_error"}
              for e in validate_inputs(fw, payload.results, payload.not_applicable, payload.veto_events, payload.indicators)]
    known = {e["field"] for e in errors}
    for code, value in payload.results.items():  # a rate of 150%, an income of 10^30: refused, not scored
        rule = fw.rules_by_code.get(code)
        problem = range_problem(rule, value) if rule is not None else ""
        if problem and f"results.{code}" not in known:
            errors.append({"field": f"results.{code}", "message": problem, "type": "out_of_range"})
    for code, value in payload.indicators.items():
        rule = next((r for r in fw.rules_by_code.values() if r.indicator == code), None)
        problem = range_problem(rule, value) if rule is not None else ""
        if problem and f"indicators.{code}" not in known:
            errors.append({"field": f"indicators.{code}", "message": problem, "type": "out_of_range"})
    if errors:
        return Status(422, {"detail": "填报数据校验未通过。", "errors": errors})
    ev = run_evaluation(fw, payload.results, payload.not_applicable, payload.veto_events, payload.indicators, validate=False)
    report = gaps(fw, payload.results, payload.not_applicable, payload.veto_events, payload.indicators,
                  evaluation=ev, validate=False)
    return Status(200, {
        "framework": fw.code, "rating": ev.rating, "awarded": ev.awarded_codes,
        "stars": [sr.to_dict() for sr in ev.stars], "gaps": _gaps_out(report),
    })


class DetailOut(Schema):
    detail: str


def _gaps_out(report) -> list[dict]:
    return [{
        "star_code": g.star_code, "star_name": g.star_name, "points_short": g.points_short,
        "reachable": g.reachable, "notes": g.notes, "blockers": [b.message for b in g.blockers],
        "improvements": [{"rule_code": i.rule_code, "action": i.action, "gain": i.gain, "mandatory": i.mandatory,
                          "current": i.current, "target": i.target} for i in g.improvements],
    } for g in report]


class GapAssessmentOut(Schema):
    id: int
    round_id: int
    round_name: str
    status: str
    status_name: str


class VillageGapOut(Schema):
    village: str
    village_name: str
    assessment: GapAssessmentOut | None = Field(None, description="本村当前申报（最近一个评星周期）；从未参加评星时为空")
    framework: str
    indicator_year: int = Field(description="读取哪一年的指标数据（评星周期的指标数据年度）")
    indicators: dict[str, float]
    simulation: bool = Field(description="true：模拟测算（不影响申报），结果不保存")
    rating: int
    rating_label: str
    awarded: list[str]
    stars: list[StarResultOut]
    gaps: list[GapOut]


class SimulateIn(Schema):
    results: dict[str, Any] = Field(default_factory=dict, description="细则编码 → 值（整套填写，未给出的细则按未填计；指标类细则读取登记数据，不能填写）")
    not_applicable: list[str] = Field(default_factory=list, description="标记为不适用的细则编码")
    veto_events: list[str] = Field(default_factory=list, description="已记录否决事项的细则编码")


def _village_gap(request, code: str):
    from fivestar.rating.selectors_public import rating_label

    from .gap_selectors import current_for
    from .views_gap import _village

    unit = _village(request.user, code)
    current = current_for(request.user, unit)
    if current.framework is None:
        return unit, current, Status(404, {"detail": "尚无适用于该村（社区）的已发布创建标准。"})
    a = current.assessment

    def out(evaluation, report, simulation):
        return {
            "village": unit.code, "village_name": unit.display_name, "framework": current.fv.code,
            "assessment": {"id": a.pk, "round_id": a.round_id, "round_name": a.round.name, "status": a.status,
                           "status_name": a.get_status_display()} if a else None,
            "indicator_year": current.indicator_year, "indicators": current.indicators, "simulation": simulation,
            "rating": evaluation.rating, "rating_label": rating_label(evaluation.rating), "awarded": list(evaluation.awarded_codes),
            "stars": [sr.to_dict() for sr in evaluation.stars], "gaps": _gaps_out(report),
        }

    return unit, current, out


@router.get("/villages/{code}/gap", response={200: VillageGapOut, 404: DetailOut},
            summary="村（社区）差距分析：本村当前申报可获得的星及差距（与申报页、公示一致）")
def village_gap(request, code: str):
    _, current, out = _village_gap(request, code)
    if isinstance(out, Status):
        return out
    return Status(200, out(current.evaluation, current.report, False))


@router.post("/villages/{code}/gap/simulate", response={200: VillageGapOut, 404: DetailOut, 422: ValidationErrorOut},
             summary="模拟测算（不影响申报）：按给出的填写和本村登记的指标数据计算，不保存")
def village_gap_simulate(request, code: str, payload: SimulateIn):
    _, current, out = _village_gap(request, code)
    if isinstance(out, Status):
        return out
    fw = current.framework
    results = {c: v for c, v in payload.results.items() if not (c in fw.rules_by_code and fw.rules_by_code[c].indicator)}
    errors = [{"field": e.field, "message": e.message, "type": "value_error"}
              for e in validate_inputs(fw, results, payload.not_applicable, payload.veto_events, current.indicators)]
    for code_, value in results.items():
        rule = fw.rules_by_code.get(code_)
        problem = range_problem(rule, value) if rule is not None else ""
        if problem and f"results.{code_}" not in {e["field"] for e in errors}:
            errors.append({"field": f"results.{code_}", "message": problem, "type": "out_of_range"})
    if errors:
        return Status(422, {"detail": "填报数据校验未通过。", "errors": errors})
    ev = run_evaluation(fw, results, payload.not_applicable, payload.veto_events, current.indicators, validate=False)
    report = gaps(fw, results, payload.not_applicable, payload.veto_events, current.indicators, evaluation=ev, validate=False)
    return Status(200, out(ev, report, True))


def _lifecycle(request, framework_id: int, action):
    version = get_version(request.user, framework_id)
    try:
        version = action(version, request.user)
    except PermissionDenied:
        return Status(403, {"detail": services.NO_RIGHT})
    except DjangoValidationError as exc:
        return Status(409, {"detail": "；".join(exc.messages)})
    return Status(200, _summary(version))


@router.post("/frameworks/{framework_id}/publish", response={200: FrameworkOut, 403: DetailOut, 404: DetailOut, 409: DetailOut},
             summary="发布草稿（需对其适用范围有管理创建标准的权限）")
def publish_framework(request, framework_id: int):
    return _lifecycle(request, framework_id, services.publish)


@router.post("/frameworks/{framework_id}/archive", response={200: FrameworkOut, 403: DetailOut, 404: DetailOut, 409: DetailOut},
             summary="停用版本（需对其适用范围有管理创建标准的权限）")
def archive_framework(request, framework_id: int):
    return _lifecycle(request, framework_id, services.archive)
