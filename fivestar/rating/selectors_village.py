"""Reads for the village self-assessment (自评) pages, in a fixed number of queries whatever the rule count:
the assessment (one query), indicators (one), the evidence rows of the whole assessment (one)."""

import datetime
from dataclasses import dataclass, field

from django.db.models import Case, Exists, IntegerField, OuterRef, Q, Value, When
from django.http import Http404
from django.utils import timezone

from fivestar.core.roles import Action
from fivestar.standards.engine import gaps
from fivestar.standards.engine.text import EVIDENCE_KINDS, fmt

from .models import Assessment, Evidence, Round, Status
from .models.assessment import VILLAGE_EDITABLE
from .models.round import LEVEL_LABELS
from .services import evidence as evidence_service
from .services.access import can_act
from .services.evaluation import evaluate_assessment, indicators_for, progress_by_star


LIVE_PHASES = [Round.Phase.OPEN, Round.Phase.NOTICE]


def my_assessments(user):
    """The village's current assessments: every one the user self-assesses whose round is past opening, in
    自评与审核 or 公示, and each branch's latest recognised one while no newer round has reached it. So after
    submitting, through 公示 and after 认定, the village still finds its assessment and where it stands
    (`Assessment.stage_display`). Rounds still in progress first (nearest deadline first), then recognised."""
    newer = Assessment.objects.filter(
        org_unit_id=OuterRef("org_unit_id"), round__phase__in=[*LIVE_PHASES, Round.Phase.RECOGNISED],
        round__period_start__gt=OuterRef("round__period_start"))
    return (
        Assessment.objects.visible_to(user, Action.SELF_ASSESS)
        .alias(latest=~Exists(newer))
        .filter(Q(round__phase__in=LIVE_PHASES) | Q(round__phase=Round.Phase.RECOGNISED, latest=True))
        .alias(done=Case(When(round__phase=Round.Phase.RECOGNISED, then=Value(1)), default=Value(0), output_field=IntegerField()))
        .select_related("round", "org_unit", "org_unit__parent")
        .order_by("done", "round__self_deadline", "round_id", "org_unit__code")
    )


def get_assessment(user, pk: int) -> Assessment:
    a = (Assessment.objects.visible_to(user).select_related("round", "org_unit", "org_unit__parent", "framework", "updated_by")
         .defer("framework__data").filter(pk=pk).first())  # the framework as compiled once per process, not its JSON
    if a is None:
        raise Http404("申报不存在或不在您的管辖范围内")
    return a


def editability(user, a: Assessment) -> tuple[bool, str]:
    """(may the user fill it in now, why not in Chinese)."""
    if not can_act(user, a, "village"):
        return False, "您对该申报只有查看权限，不能填报或修改。"
    if a.status == Status.EXPIRED:
        return False, ("申报未在截止日期前完成，已按“未按期完成”处理（截止处理），不能再填报。"
                       "如有特殊情况，请联系县级审核人员撤销截止处理。")
    if a.round.phase == Round.Phase.NOTICE:
        period = f"（{a.round.notice_start:%Y-%m-%d} 至 {a.round.notice_end:%Y-%m-%d}）" if a.round.notice_start and a.round.notice_end else ""
        return False, f"评星结果正在公示{period}，自评已结束，不能修改。"
    if a.round.phase == Round.Phase.RECOGNISED:
        return False, "评星结果已认定，本周期自评已结束。"
    if a.round.phase != Round.Phase.OPEN:
        return False, f"评星周期当前为「{a.round.get_phase_display()}」阶段，自评已结束，不能修改。"
    if a.status not in VILLAGE_EDITABLE:
        return False, f"申报状态为「{a.get_status_display()}」，已提交审核并锁定，不能修改。如需修改，请联系镇级审核人员退回。"
    return True, ""


ICONS = {".pdf": "file-earmark-pdf", ".doc": "file-earmark-word", ".docx": "file-earmark-word", ".xls": "file-earmark-excel",
         ".xlsx": "file-earmark-excel", ".pptx": "file-earmark-ppt"}


def evidence_map(a: Assessment, codes=None) -> dict[int, Evidence]:
    """Every evidence row referenced by the assessment (or by the rules `codes`), in one query."""
    ids = {i for code, ids in (a.evidence or {}).items() if codes is None or code in codes for i in ids}
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


def return_comments(a: Assessment, framework=None) -> list[dict]:
    """The reviewers' return comments, with the level in Chinese and the time in local time; with `framework`,
    `rule_list` names each commented rule by its text (the page shows texts, codes only as secondary)."""
    out = []
    for item in a.return_comments or []:
        try:
            at = timezone.localtime(datetime.datetime.fromisoformat(item.get("at") or ""))
        except (TypeError, ValueError):
            at = None
        row = {**item, "at": at, "level_label": LEVEL_LABELS.get(item.get("level"), item.get("level") or "")}
        if framework is not None:
            rules = framework.rules_by_code
            row["rule_list"] = [{"code": code, "star": rules[code].star_code if code in rules else "",
                                 "text": rules[code].text if code in rules else code, "comment": text}
                                for code, text in (item.get("rules") or {}).items()]
        out.append(row)
    return out


def rule_comments(a: Assessment) -> dict[str, str]:
    out = {}
    for item in a.return_comments or []:
        for code, text in (item.get("rules") or {}).items():
            out[code] = f"{out[code]}；{text}" if code in out else text
    return out


def rule_points(a: Assessment, rule, values: dict, indicators: dict) -> float | None:
    """The points a rule earns now, as the engine scores it (None when 不适用); no engine call."""
    if rule.code in a.not_applicable:
        return None
    value = values.get(rule.code)
    if value is None and rule.indicator:
        value = indicators.get(rule.indicator)
    return rule.points_for(value)


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


def live(a: Assessment, framework, indicators: dict, evaluation=None) -> Live:
    """The evaluation (given when the caller has just run it, else run here in memory: never saved) with the
    gap list and progress per star."""
    if evaluation is None:
        evaluation = evaluate_assessment(a, indicators, framework=framework)
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


@dataclass
class StarStanding:
    code: str
    name: str
    score: float
    max: float
    pass_mark: float
    awarded: bool
    done: int  # answered and confirmed (or 不适用, or read from an indicator)
    pending: int  # carried forward with a value, waiting for the village to confirm it
    empty: int
    total: int
    carried: list = field(default_factory=list)  # codes to confirm

    @property
    def filled(self) -> int:
        return self.done + self.pending

    @property
    def percent(self) -> int:
        return round(self.done * 100 / self.total) if self.total else 0

    @property
    def pending_percent(self) -> int:
        return round(self.filled * 100 / self.total) - self.percent if self.total else 0

    @property
    def complete(self) -> bool:
        return self.empty == 0 and self.pending == 0


@dataclass
class Standing:
    """What the page shows at a glance, read from the evaluation stored on the assessment (cached by every
    save): no engine run and no gap analysis on a page view. Filled = done + waiting for confirmation."""

    rating: int
    stars: list

    @property
    def done(self) -> int:
        return sum(s.done for s in self.stars)

    @property
    def pending(self) -> int:
        return sum(s.pending for s in self.stars)

    @property
    def filled(self) -> int:
        return self.done + self.pending

    @property
    def total(self) -> int:
        return sum(s.total for s in self.stars)

    @property
    def awarded_codes(self) -> list[str]:
        return [s.code for s in self.stars if s.awarded]

    @property
    def awarded_names(self) -> str:
        return "、".join(s.name for s in self.stars if s.awarded) or "暂无"

    def star(self, code: str) -> StarStanding:
        return next(s for s in self.stars if s.code == code)

    @property
    def first_open(self) -> str:
        """The star a phone opens first: the first one with something left to do."""
        return next((s.code for s in self.stars if not s.complete), "")


def standing(a: Assessment, framework, indicators: dict) -> Standing:
    if any(star.code not in (a.star_scores or {}) for star in framework.stars):
        evaluate_assessment(a, indicators, framework=framework)  # never evaluated (or another framework): in memory only
    values = a.effective_answers(a.round.levels)
    pending_codes = set(a.to_confirm)
    stars = []
    for star in framework.stars:
        done = pending = empty = 0
        carried = []
        for r in star.rules:
            filled = (r.code in a.not_applicable or values.get(r.code) is not None
                      or (r.indicator and indicators.get(r.indicator) is not None))
            if not filled:
                empty += 1
            elif r.code in pending_codes:
                pending += 1
                carried.append(r.code)
            else:
                done += 1
        stored = a.star_scores[star.code]
        stars.append(StarStanding(star.code, star.name, stored["score"], stored["max"], stored["pass_mark"], stored["awarded"],
                                  done, pending, empty, len(star.rules), carried))
    return Standing(a.rating, stars)


def changed_stars(before: Assessment, after: Standing, framework, indicators: dict) -> list[str]:
    """The stars whose header (score, pass, filled, waiting for confirmation) differs between the assessment as
    it was read before a write and `after`: what a save's answer re-renders. Every star when `before` holds no
    stored evaluation (it is never evaluated here)."""
    if any(star.code not in (before.star_scores or {}) for star in framework.stars):
        return [s.code for s in after.stars]
    old = standing(before, framework, indicators)
    return [new.code for new, was in zip(after.stars, old.stars) if new != was]


def star_rules(a: Assessment, framework, star, indicators: dict, evidence: dict | None = None) -> list[dict]:
    """One star's standards and their rule views (what a star's pane shows when it is opened)."""
    if evidence is None:
        evidence = evidence_map(a, {r.code for r in star.rules})
    comments = rule_comments(a)
    values = a.effective_answers(a.round.levels)
    out = []
    for sd in star.standards:
        rows = [rule_view(a, r, {r.code: rule_points(a, r, values, indicators)}, indicators, evidence, comments) for r in sd.rules]
        out.append({"standard": sd, "rules": rows, "carried": [r.code for r in rows if r.carried]})
    return out


def carried_summary(a: Assessment, framework, star) -> list[dict]:
    """The carried-forward answers of one star waiting for confirmation: rule text and the value carried."""
    values = a.effective_answers(a.round.levels)
    pending = set(a.to_confirm)
    out = []
    for r in star.rules:
        if r.code not in pending:
            continue
        if r.code in a.not_applicable:
            text = f"不适用（{a.not_applicable[r.code]}）"
        elif values.get(r.code) is None:
            continue
        else:
            text = value_text(r, values.get(r.code))
        out.append({"code": r.code, "text": r.text, "value": text})
    return out


def group_missing(framework, items) -> list[dict]:
    """Missing items grouped by star, in the framework's order (items of the page as a whole first); one line
    per rule, its reasons joined (尚未确认；缺少佐证材料…)."""
    groups = {"": {"code": "", "name": "", "items": []}}
    for star in framework.stars:
        groups[star.code] = {"code": star.code, "name": star.name, "items": []}
    for item in items:
        rows = groups.get(item.star, groups[""])["items"]
        if item.rule and rows and rows[-1]["rule"] == item.rule:
            rows[-1]["reason"] += "；" + item.reason
        else:
            rows.append({"star": item.star, "rule": item.rule, "rule_text": item.rule_text, "reason": item.reason})
    return [g for g in groups.values() if g["items"]]


def page_context(user, a: Assessment) -> dict:
    framework = a.framework.compiled()
    indicators = indicators_for(a)
    st = standing(a, framework, indicators)
    can_edit, why = editability(user, a)
    first = st.first_open
    sections = []
    comments = rule_comments(a)
    for star, row in zip(framework.stars, st.stars):
        section = {"star": star, "progress": row, "commented": sum(1 for r in star.rules if r.code in comments)}
        if star.code == first or section["commented"]:  # open on arrival: rendered now, the others when opened
            section["standards"] = None
        sections.append(section)
    evidence = evidence_map(a)  # one query: the open stars' thumbnails and the reusable-evidence list
    for section in sections:
        if "standards" in section:
            section["standards"] = star_rules(a, framework, section["star"], indicators, evidence)
    return {
        "a": a, "framework": framework, "live": st, "sections": sections,
        "can_edit": can_edit, "read_only_reason": why, "indicators": indicators,
        "return_comments": return_comments(a, framework),
        "library": sorted(evidence.values(), key=lambda e: e.uploaded_at, reverse=True),
        "rule_index": [{"code": star.code, "name": star.name, "rules": [[r.code, r.text[:29] + ("…" if len(r.text) > 30 else "")] for r in star.rules]}
                       for star in framework.stars],
        "default_stars": st.awarded_codes, "max_mb": evidence_service.MAX_BYTES // 1048576,
    }
