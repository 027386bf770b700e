"""Reads for the village self-assessment (自评) pages, in a fixed number of queries whatever the rule count:
the assessment (one query), indicators (one), the evidence rows of the whole assessment (one)."""

import datetime
from dataclasses import dataclass, field

from django.http import Http404
from django.utils import timezone

from fivestar.core.roles import Action
from fivestar.standards.engine import gaps
from fivestar.standards.engine.text import EVIDENCE_KINDS, fmt

from .models import Assessment, Evidence, Round
from .models.assessment import VILLAGE_EDITABLE
from .models.round import LEVEL_LABELS
from .services import evidence as evidence_service
from .services.access import can_act
from .services.evaluation import evaluate_assessment, indicators_for, progress_by_star


def my_assessments(user):
    """Assessments the user may self-assess in open rounds, nearest deadline first."""
    return (
        Assessment.objects.visible_to(user, Action.SELF_ASSESS)
        .filter(round__phase=Round.Phase.OPEN)
        .select_related("round", "org_unit", "org_unit__parent")
        .order_by("round__self_deadline", "round_id", "org_unit__code")
    )


def get_assessment(user, pk: int) -> Assessment:
    a = Assessment.objects.visible_to(user).select_related("round", "org_unit", "org_unit__parent", "framework", "updated_by").filter(pk=pk).first()
    if a is None:
        raise Http404("申报不存在或不在您的管辖范围内")
    return a


def editability(user, a: Assessment) -> tuple[bool, str]:
    """(may the user fill it in now, why not in Chinese)."""
    if not can_act(user, a, "village"):
        return False, "您对该申报只有查看权限，不能填报或修改。"
    if a.round.phase != Round.Phase.OPEN:
        return False, f"评星周期当前为「{a.round.get_phase_display()}」阶段，自评已结束，不能修改。"
    if a.status not in VILLAGE_EDITABLE:
        return False, f"申报状态为「{a.get_status_display()}」，已提交审核并锁定，不能修改。如需修改，请联系镇级审核人员退回。"
    return True, ""


ICONS = {".pdf": "file-earmark-pdf", ".doc": "file-earmark-word", ".docx": "file-earmark-word", ".xls": "file-earmark-excel",
         ".xlsx": "file-earmark-excel", ".pptx": "file-earmark-ppt"}


def evidence_map(a: Assessment) -> dict[int, Evidence]:
    """Every evidence row referenced by the assessment, in one query."""
    ids = {i for ids in (a.evidence or {}).values() for i in ids}
    if not ids:
        return {}
    rows = Evidence.objects.filter(pk__in=ids, org_unit_id=a.org_unit_id).select_related("uploaded_by", "uploaded_by__person")
    out = {}
    for e in rows:
        e.uploader_label = uploader_name(e)
        e.icon = ICONS.get(e.extension, "file-earmark")
        out[e.pk] = e
    return out


def uploader_name(evidence: Evidence) -> str:
    user = evidence.uploaded_by
    if user is None:
        return "—"
    person = getattr(user, "person", None)
    return person.name if person else (user.get_full_name() or user.username)


def value_text(rule, value) -> str:
    if value is None:
        return "未填"
    if rule.kind == "check":
        return "达标" if value is True else "不达标"
    if rule.kind == "points":
        return f"{fmt(value)} 分"
    if rule.kind == "deduction":
        return f"{value} 次"
    return f"{fmt(value)} {rule.unit or ''}".strip()


def raw_of(rule, value) -> str:
    """The text an input holds for a stored value."""
    if value is None:
        return ""
    if rule.kind == "check":
        return "1" if value is True else "0"
    return fmt(value) if isinstance(value, float) else str(value)


@dataclass
class RuleView:
    rule: object
    value: object = None
    raw: str = ""
    points: float | None = None
    na: bool = False
    na_reason: str = ""
    note: str = ""
    carried: bool = False
    evidence: list = field(default_factory=list)
    comment: str = ""
    reviewed: list = field(default_factory=list)  # (level label, value text) where a review level changed it
    indicator_value: float | None = None
    errors: list = field(default_factory=list)
    conflict: list = field(default_factory=list)
    saved: bool = False

    @property
    def code(self):
        return self.rule.code

    @property
    def done(self) -> bool:
        return self.na or self.value is not None or self.indicator_value is not None

    @property
    def evidence_needed(self) -> int:
        ev = self.rule.evidence
        return ev.min_count if ev else 0

    @property
    def evidence_short(self) -> bool:
        return not self.na and len(self.evidence) < self.evidence_needed

    @property
    def evidence_kinds(self) -> str:
        ev = self.rule.evidence
        return "、".join(EVIDENCE_KINDS.get(k, k) for k in ev.kinds) if ev else ""


def return_comments(a: Assessment) -> list[dict]:
    """The reviewers' return comments, with the level in Chinese and the time in local time."""
    out = []
    for item in a.return_comments or []:
        try:
            at = timezone.localtime(datetime.datetime.fromisoformat(item.get("at") or ""))
        except (TypeError, ValueError):
            at = None
        out.append({**item, "at": at, "level_label": LEVEL_LABELS.get(item.get("level"), item.get("level") or "")})
    return out


def rule_comments(a: Assessment) -> dict[str, str]:
    out = {}
    for item in a.return_comments or []:
        for code, text in (item.get("rules") or {}).items():
            out[code] = f"{out[code]}；{text}" if code in out else text
    return out


def rule_view(a: Assessment, rule, scores: dict, indicators: dict, evidence: dict, comments: dict) -> RuleView:
    code = rule.code
    value = a.answers.get(code)
    reviewed = [(LEVEL_LABELS[lvl], value_text(rule, a.reviews[lvl][code])) for lvl in a.round.levels
                if code in (a.reviews or {}).get(lvl, {}) and a.reviews[lvl][code] != value]
    return RuleView(
        rule=rule, value=value, raw=raw_of(rule, value), points=scores.get(code),
        na=code in a.not_applicable, na_reason=a.not_applicable.get(code, ""), note=a.notes.get(code) or "",
        carried=code in a.to_confirm, evidence=[evidence[i] for i in a.evidence.get(code, []) if i in evidence],
        comment=comments.get(code, ""), reviewed=reviewed,
        indicator_value=indicators.get(rule.indicator) if rule.indicator else None,
    )


@dataclass
class Live:
    """What the current answers earn: evaluation, gap list, progress per star."""

    evaluation: object
    report: object
    progress: list
    done: int
    total: int

    @property
    def scores(self) -> dict:
        return {code: pts for s in self.evaluation.stars for code, pts in s.rule_scores.items()}

    @property
    def awarded_codes(self) -> list[str]:
        return [s.code for s in self.evaluation.stars if s.awarded]

    @property
    def rows(self) -> list[dict]:
        """Per star: progress `p` and evaluation result `s` (for the accordion headers)."""
        return [{"p": p, "s": s} for p, s in zip(self.progress, self.evaluation.stars)]

    @property
    def awarded_names(self) -> str:
        return "、".join(s.name for s in self.evaluation.stars if s.awarded) or "暂无"


def live(a: Assessment, framework, indicators: dict) -> Live:
    evaluation = evaluate_assessment(a, indicators, framework=framework)  # in memory only: never saved here
    values = {c: v for c, v in a.effective_answers(a.round.levels).items() if c in framework.rules_by_code and v is not None}
    na = [c for c in a.not_applicable if c in framework.rules_by_code]
    veto = [c for c in a.veto_events if c in framework.rules_by_code]
    report = gaps(framework, values, na, veto, indicators, evaluation=evaluation, validate=False)
    for gap in report:  # the spec: improvements ordered by the points they gain
        gap.improvements.sort(key=lambda i: -i.gain)
    progress = progress_by_star(a, framework, indicators)
    for row in progress:
        row["percent"] = round(row["done"] * 100 / row["total"]) if row["total"] else 0
    done, total = sum(r["done"] for r in progress), sum(r["total"] for r in progress)
    return Live(evaluation, report, progress, done, total)


def sections(a: Assessment, framework, lv: Live, indicators: dict, evidence: dict) -> list[dict]:
    """Star → standard → RuleView, with per-star progress and whether a star holds comments."""
    comments = rule_comments(a)
    scores = lv.scores
    progress = {p["code"]: p for p in lv.progress}
    out = []
    for star, result in zip(framework.stars, lv.evaluation.stars):
        standards = []
        for sd in star.standards:
            rows = [rule_view(a, r, scores, indicators, evidence, comments) for r in sd.rules]
            standards.append({"standard": sd, "rules": rows, "carried": [r.code for r in rows if r.carried]})
        out.append({"star": star, "result": result, "progress": progress[star.code], "standards": standards,
                    "commented": sum(1 for s in standards for r in s["rules"] if r.comment)})
    return out


def page_context(user, a: Assessment) -> dict:
    framework = a.framework.compiled()
    indicators = indicators_for(a)
    evidence = evidence_map(a)
    lv = live(a, framework, indicators)
    can_edit, why = editability(user, a)
    library = sorted(evidence.values(), key=lambda e: e.uploaded_at, reverse=True)
    return {
        "a": a, "framework": framework, "live": lv, "sections": sections(a, framework, lv, indicators, evidence),
        "can_edit": can_edit, "read_only_reason": why, "indicators": indicators, "library": library,
        "return_comments": return_comments(a),
        "default_stars": lv.awarded_codes, "max_mb": evidence_service.MAX_BYTES // 1048576,
    }
