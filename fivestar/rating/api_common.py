"""Pieces the rating API modules share: error schemas, the scoped assessment lookup, value checks before a
save, and the assessment as the API shows it (effective values, evaluation, 差距清单).

Conventions of the rating API (documented on every route): an object outside the token user's scope is
404; an action the user has no authority for is 403; a step the workflow does not allow now is 400 with
the Chinese reason; invalid data is 422 naming the field; a save conflict is 409 with the recorded
changes of the rules in conflict.
"""

import re
from datetime import datetime
from typing import Annotated, Any, Literal

from django.http import Http404
from ninja import Schema, Status
from pydantic import AfterValidator, Field

from fivestar.standards.api import GapOut, StarResultOut, _gaps_out
from fivestar.standards.engine import validate_inputs
from fivestar.standards.values import range_problem

from . import selectors_assessment as review
from . import selectors_village as village
from .selectors_public import rating_label
from .services import ConflictError, WorkflowError
from .services.access import acting_levels
from .services.evaluation import indicators_for

MAX_ID = 2**63 - 1
MAX_RULES = 500


# OpenAPI names a schema by its class name and keeps one schema per name: the rating API's schemas have names
# of their own, so they neither replace nor are replaced by another app's ErrorOut / EvaluationOut.


def choices(enum) -> Any:
    """A Django choices enum as an inline Literal: its values listed on the field itself, instead of a shared
    schema named after the enum class (Round.Kind, Objection.Status… would collide as "Kind", "Status")."""
    return Literal[tuple(enum.values)]


def _filled(value: str) -> str:
    value = value.strip()
    if not value:
        raise ValueError("不能为空，请填写内容")
    return value


# A required text (reason, resolution): blank or only spaces is 422 naming the field, like a missing one.
FilledText = Annotated[str, AfterValidator(_filled)]

REVIEW_LEVELS = ("town", "county", "city", "province")


class RatingErrorOut(Schema):
    detail: str = Field(..., description="错误说明（中文）")
    details: list[str] = Field([], description="逐条原因（如有）")


class RatingFieldErrorOut(Schema):
    field: str = Field(..., description="出错的字段路径，如 values.zbgy-01-01")
    message: str = Field(..., description="错误说明（中文）")
    type: str = Field("", description="错误类型")


class RatingValidationErrorOut(Schema):
    detail: str = Field(..., description="错误说明（中文）")
    errors: list[RatingFieldErrorOut] = Field(..., description="逐个字段的错误")


ErrorOut, ValidationErrorOut = RatingErrorOut, RatingValidationErrorOut


class ConflictOut(Schema):
    detail: str = Field(..., description="冲突说明（中文）")
    current_version: int = Field(..., description="申报当前的版本号")
    changes: list[dict] = Field(..., description="冲突细则最近的改动：rule 细则、old 原值、new 新值、by 改动人、at 时间")


def check_id(pk: int) -> int:
    """An id beyond what a database column holds cannot exist: 404, never a database error."""
    if not 1 <= pk <= MAX_ID:
        raise Http404
    return pk


def visible_assessment(user, assessment_id: int):
    """The assessment if the user sees it (one scoped query), else 404."""
    return review.get_assessment(user, check_id(assessment_id))


def value_errors(framework, values: dict, not_applicable=(), prefix: str = "values") -> list[dict]:
    """What is wrong with `values` before a save: unknown rules, wrong types (the engine's check) and
    implausible numbers (a rate of 150%), each naming its field."""
    non_null = {c: v for c, v in values.items() if v is not None}
    errors = []
    for e in validate_inputs(framework, non_null, not_applicable=list(not_applicable), indicators=None):
        field = e.field.replace("results.", f"{prefix}.", 1) if e.field.startswith("results.") else e.field
        errors.append({"field": field, "message": e.message, "type": "value_error"})
    named = {e["field"] for e in errors}
    for code, value in non_null.items():
        rule = framework.rules_by_code.get(code)
        problem = range_problem(rule, value) if rule is not None else ""
        if problem and f"{prefix}.{code}" not in named:
            errors.append({"field": f"{prefix}.{code}", "message": problem, "type": "out_of_range"})
    return errors


def invalid(errors: list[dict], detail: str = "填报数据校验未通过。"):
    return Status(422, {"detail": detail, "errors": errors})


def conflict(exc: ConflictError):
    return Status(409, {"detail": exc.message, "current_version": exc.current_version, "changes": exc.changes})


def refused(exc: WorkflowError):
    """A workflow refusal as 400 with the service's Chinese message."""
    return Status(400, {"detail": exc.message, "details": [str(d) for d in exc.details]})


# ---- the assessment as the API shows it ------------------------------------------------------------------


class EvidenceItemOut(Schema):
    id: int = Field(..., description="佐证编号")
    name: str = Field(..., description="原文件名")
    kind: str = Field(..., description="类型：photo 照片 | document 文件 | ledger 台账/记录")
    kind_name: str = Field(..., description="类型名称")
    content_type: str = Field(..., description="文件实际类型（按内容识别）")
    size: int = Field(..., description="大小（字节）")
    captured_at: datetime | None = Field(None, description="拍摄时间（照片 EXIF，如有）")
    uploaded_at: datetime = Field(..., description="上传时间")
    download: str = Field(..., description="下载地址（接口，需令牌）")


class AssessmentEvaluationOut(Schema):
    rating: int = Field(..., description="按当前计入的值评得的星级（0–5）")
    rating_label: str = Field(..., description="星级名称，如 四星")
    awarded: list[str] = Field(..., description="达到的星（代码）")
    stars: list[StarResultOut] = Field(..., description="各星得分、是否获得及原因")


class ReturnCommentOut(Schema):
    level: str = Field(..., description="退回的审核层级")
    level_name: str = Field(..., description="层级名称")
    by: str = Field("", description="退回人账号")
    at: datetime | None = Field(None, description="退回时间")
    comment: str = Field("", description="退回意见")
    rules: dict[str, str] = Field(default_factory=dict, description="细则编码 → 意见")


class AssessmentOut(Schema):
    id: int = Field(..., description="申报编号")
    org_unit: str = Field(..., description="村（社区）代码")
    org_unit_name: str = Field(..., description="村（社区）名称")
    town: str | None = Field(None, description="所属乡镇代码")
    town_name: str | None = Field(None, description="所属乡镇名称")
    round_id: int = Field(..., description="评星周期编号")
    round_name: str = Field(..., description="评星周期名称")
    framework: str = Field(..., description="适用的创建标准代码")
    status: str = Field(..., description="申报状态代码")
    status_name: str = Field(..., description="申报状态名称，如 已提交")
    stage_name: str = Field(..., description="村级看到的阶段：周期公示、认定后为 公示中 / 已认定")
    version: int = Field(..., description="申报版本号：保存时作为 expected_version 传回，用于逐条细则的冲突检查")
    rule_versions: dict[str, int] = Field(..., description="细则编码 → 该细则最近一次改动时的申报版本")
    rating: int = Field(..., description="当前星级（0–5）")
    awarded: list[str] = Field(..., description="当前达到的星（代码）")
    applied_stars: list[str] = Field(..., description="申报的星（提交时选择）")
    values: dict[str, Any] = Field(..., description="每条细则当前计入的值（最高审核层级的改动优先）")
    answers: dict[str, Any] = Field(..., description="村级自评填报的值")
    reviews: dict[str, dict[str, Any]] = Field(..., description="审核层级 → 细则编码 → 该层级改动后的值")
    notes: dict[str, str] = Field(..., description="细则编码 → 说明")
    not_applicable: dict[str, str] = Field(..., description="细则编码 → 不适用的理由")
    to_confirm: list[str] = Field(..., description="沿用上期结果、尚待确认的细则编码")
    veto_events: list[str] = Field(..., description="本期记录了否决事项的细则编码")
    evidence: dict[str, list[int]] = Field(..., description="细则编码 → 佐证编号")
    evidence_items: list[EvidenceItemOut] = Field(..., description="本申报用到的佐证材料")
    return_comments: list[ReturnCommentOut] = Field(..., description="退回意见（退回修改时）")
    progress_done: int = Field(..., description="已完成的细则数")
    progress_total: int = Field(..., description="细则总数")
    modified_since_approval: bool = Field(..., description="审核通过后是否又有改动")
    submitted_at: datetime | None = Field(None, description="提交时间")
    updated_at: datetime = Field(..., description="最近更新时间")
    acting_levels: list[str] = Field(..., description="您可以办理的审核层级：town 镇级初审 | county 县级审核 | city 市级复核 | province 省级抽查")
    can_fill: bool = Field(..., description="您现在能否填报、修改、上传佐证和提交（村级自评）")
    read_only_reason: str = Field("", description="不能填报时的原因")
    evaluation: AssessmentEvaluationOut = Field(..., description="按当前计入的值评星的结果（与申报页、审核页、公示一致）")
    gaps: list[GapOut] = Field(..., description="差距清单：每颗未获得的星还差多少、怎样补齐")


def _evidence_out(items) -> list[dict]:
    return [{"id": e.pk, "name": e.original_name, "kind": e.kind, "kind_name": e.get_kind_display(), "content_type": e.content_type,
             "size": e.size, "captured_at": e.captured_at, "uploaded_at": e.uploaded_at, "download": f"/api/v1/evidence/{e.pk}"}
            for e in sorted(items, key=lambda e: e.uploaded_at, reverse=True)]


def assessment_out(a, user, evaluation=None, indicators: dict | None = None) -> dict:
    """Everything the API shows of one assessment: a fixed number of queries (indicators, evidence). After a
    write, the evaluation the write ran (and the indicators it read) are given, so nothing is scored again."""
    framework = a.framework.compiled()
    indicators = indicators_for(a) if indicators is None else indicators
    lv = village.live(a, framework, indicators, evaluation)  # in memory: never saved here
    can_fill, why = village.editability(user, a)
    evaluation = lv.evaluation
    return {
        "id": a.pk, "org_unit": a.org_unit.code, "org_unit_name": a.org_unit.display_name,
        "town": a.org_unit.parent.code if a.org_unit.parent_id else None,
        "town_name": a.org_unit.parent.display_name if a.org_unit.parent_id else None,
        "round_id": a.round_id, "round_name": a.round.name, "framework": framework.code,
        "status": a.status, "status_name": a.get_status_display(), "stage_name": a.stage_display,
        "version": a.version, "rule_versions": dict(a.rule_versions or {}), "rating": a.rating, "awarded": list(a.awarded),
        "applied_stars": list(a.applied_stars), "values": a.effective_answers(a.round.levels), "answers": dict(a.answers),
        "reviews": {lvl: dict(v) for lvl, v in (a.reviews or {}).items()}, "notes": {c: n or "" for c, n in (a.notes or {}).items()},
        "not_applicable": dict(a.not_applicable), "to_confirm": list(a.to_confirm), "veto_events": list(a.veto_events),
        "evidence": {c: list(ids) for c, ids in (a.evidence or {}).items() if ids},
        "evidence_items": _evidence_out(village.evidence_map(a).values()),
        "return_comments": [{**c, "level_name": c.get("level_label", ""), "level": c.get("level") or ""} for c in village.return_comments(a)],
        "progress_done": a.progress_done, "progress_total": a.progress_total,
        "modified_since_approval": a.modified_since_approval, "submitted_at": a.submitted_at, "updated_at": a.updated_at,
        "acting_levels": [lvl for lvl in acting_levels(user, a) if lvl != "village"],
        "can_fill": can_fill, "read_only_reason": why,
        "evaluation": {"rating": evaluation.rating, "rating_label": rating_label(evaluation.rating),
                       "awarded": list(evaluation.awarded_codes), "stars": [s.to_dict() for s in evaluation.stars]},
        "gaps": _gaps_out(lv.report),
    }


def fresh_out(user, assessment_id: int, written=None) -> dict:
    """The assessment re-read after a write (the scoped lookup again, so the answer is what the user sees).
    `written`: the assessment the write returned; while nobody has written since (same version), its evaluation
    is the one shown (the write evaluated once; it is not run again)."""
    a = visible_assessment(user, assessment_id)
    if written is not None and getattr(written, "evaluation", None) is not None and written.version == a.version:
        return assessment_out(a, user, written.evaluation, written.indicator_values)
    return assessment_out(a, user)


# ---- what blocks a submission ----------------------------------------------------------------------------

RULE_CODE = re.compile(r"[a-z][a-z0-9]*(?:-[a-z0-9]+)+")


class MissingOut(Schema):
    message: str = Field(..., description="未完成的内容（中文，一句话）")
    star: str | None = Field(None, description="涉及的星代码（如有）")
    star_name: str | None = Field(None, description="涉及的星名称（如有）")
    rule: str | None = Field(None, description="涉及的细则编码（如有）")
    rule_text: str | None = Field(None, description="细则内容（如有）")
    reason: str | None = Field(None, description="原因，如 尚未填报、沿用上期结果尚未确认、缺少佐证材料")


def missing_items(exc: WorkflowError, framework) -> list[dict]:
    """What blocks submission, as objects: the service's structured items when it gives them, else its
    plain-text lines (the rule named in the text)."""
    out = []
    for item in getattr(exc, "items", None) or exc.details:
        if isinstance(item, str):
            code = next((m for m in RULE_CODE.findall(item) if m in framework.rules_by_code), None)
            rule = framework.rules_by_code.get(code) if code else None
            star = framework.stars_by_code.get(rule.star_code) if rule else None
            out.append({"message": item, "star": rule.star_code if rule else None, "star_name": star.name if star else None,
                        "rule": code, "rule_text": rule.text if rule else None, "reason": None})
            continue
        get = (lambda k: item.get(k)) if isinstance(item, dict) else (lambda k: getattr(item, k, None))
        out.append({"message": str(item) if not isinstance(item, dict) else str(get("message") or get("reason") or ""),
                    "star": get("star") or None, "star_name": get("star_name") or None, "rule": get("rule") or None,
                    "rule_text": get("rule_text") or None, "reason": get("reason") or None})
    return out
