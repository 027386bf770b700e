"""Reads for the reviewer's page of one assessment: rules with the value of every level, evidence, events."""

from django.http import Http404
from django.utils import timezone

from fivestar.core.selectors_history import actor_labels
from fivestar.standards.engine.text import KINDS, fmt

from .models import Assessment, AssessmentEvent, Evidence, Status
from .models.assessment import APPROVED_BY_LEVEL
from .models.round import LEVEL_LABELS
from .selectors_provenance import latest_return, rule_provenance
from .services.evaluation import indicators_for

EVIDENCE_URL = "/rating/evidence/{}/"
THUMB_URL = "/rating/evidence/{}/thumb/"


def get_assessment(user, pk: int) -> Assessment:
    a = (
        Assessment.objects.visible_to(user)
        .select_related("round", "round__scope", "round__rural_framework", "round__community_framework", "org_unit", "org_unit__parent", "framework")
        .filter(pk=pk).first()
    )
    if a is None:
        raise Http404("申报不存在或不在您的管辖范围内")
    return a


def _plain(value, names: dict) -> str:
    """A workflow detail (status, star codes, rule comments) in words."""
    if isinstance(value, list):
        return "、".join(_plain(v, names) for v in value) or "无"
    if isinstance(value, str) and value in Status.values:
        return Status(value).label
    return names.get(value, str(value)) if isinstance(value, str) else str(value)


def show_value(rule, value, names: dict | None = None) -> str:
    """A recorded value as a reviewer reads it: 是/否, 分, 次, or the metric with its unit."""
    if value is None:
        return "—"
    if isinstance(value, dict):
        return "；".join(f"{k}：{_plain(v, names or {})}" for k, v in value.items())
    if isinstance(value, list):
        return _plain(value, names or {})
    if rule is None:
        return str(value)
    if rule.kind == "check":
        return "是" if value is True else ("否" if value is False else str(value))
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return str(value)
    if rule.kind == "points":
        return f"{fmt(value)} 分"
    if rule.kind == "deduction":
        return f"{value} 次"
    return f"{fmt(value)}{rule.unit or ''}"


def input_value(rule, value) -> str:
    """The value as the change form's input holds it."""
    if value is None:
        return ""
    if rule.kind == "check":
        return "true" if value is True else "false"
    return fmt(value) if isinstance(value, (int, float)) and not isinstance(value, bool) else str(value)


def _evidence_items(a: Assessment, codes=None) -> dict[int, dict]:
    ids = {i for code, ids in a.evidence.items() if codes is None or code in codes for i in ids}
    items = {}
    for e in Evidence.objects.filter(pk__in=ids).only("id", "original_name", "kind", "thumbnail", "content_type", "size"):
        items[e.pk] = {
            "id": e.pk, "name": e.original_name, "url": EVIDENCE_URL.format(e.pk),
            "thumb": THUMB_URL.format(e.pk) if e.thumbnail else "", "kind": e.get_kind_display(),
        }
    return items


def rule_comments(a: Assessment) -> tuple[str, dict]:
    """The latest return comment (general, per rule), for a returned assessment."""
    if a.status != Status.RETURNED or not a.return_comments:
        return "", {}
    latest = a.return_comments[-1]
    return latest.get("comment", ""), latest.get("rules") or {}


def _what_changed(rule, what: dict) -> str:
    """What `selectors_seen.changed_rules` found changed on a rule, as a reviewer reads it: 0 次 → 1 次；佐证有增减."""
    parts = []
    if what["value"]:
        old, new = what["value"]
        parts.append(f"{show_value(rule, old)} → {show_value(rule, new)}" if old != new else "数值改动后又改回")
    parts += [label for key, label in (("na", "不适用有改动"), ("confirmed", "确认沿用上期"), ("evidence", "佐证有增减"),
                                       ("note", "说明或其他内容有改动")) if what[key]]
    return "；".join(parts) or "有改动"


def star_sections(a: Assessment, framework, *, load=None, changed=None, only_changed: bool = False,
                  returned=False) -> list[dict]:
    """Per star: its score, and how many of its rules changed since the reviewer's last look (`changed`) or carry a
    return comment. Per rule, only for the stars in `load` (every star when None): the village's value, each
    level's change with its reason, who and when, the value that counts, evidence; `only_changed` keeps the
    changed rules only (「只看有改动的细则」); `returned` reuses a `latest_return` already read (None included)."""
    levels = a.round.levels
    changed = changed or {}
    loaded = [s for s in framework.stars if load is None or s.code in load]
    codes = {r.code for s in loaded for r in s.rules if not only_changed or r.code in changed}
    counted = a.effective_answers(levels) if codes else {}
    indicators = indicators_for(a) if codes else {}
    evidence = _evidence_items(a, codes) if codes else {}
    returned = latest_return(a) if returned is False else returned
    commented = set(returned["rules"]) if returned else set()
    provenance = rule_provenance(a, codes, returned) if codes else {}
    sections = []
    for star in framework.stars:
        score = a.star_scores.get(star.code, {})
        rows = []
        for rule in star.rules:
            code = rule.code
            if code not in codes:
                continue
            value = counted.get(code)
            from_indicator = value is None and rule.indicator and rule.indicator in indicators
            shown = indicators[rule.indicator] if from_indicator else value
            why = provenance.get(code, {})
            reasons = {c["level"]: c for c in why.get("changes", [])}
            rows.append({
                "rule": rule, "code": code, "kind": KINDS[rule.kind], "max": fmt(rule.max),
                "village": show_value(rule, a.answers.get(code)),
                "levels": [{"level": lvl, "label": LEVEL_LABELS[lvl], "value": show_value(rule, a.reviews.get(lvl, {}).get(code)),
                            "changed": code in a.reviews.get(lvl, {}), "why": reasons.get(lvl)} for lvl in levels],
                "counted": show_value(rule, shown), "from_indicator": bool(from_indicator),
                "input": input_value(rule, value),
                "points": fmt(rule.points_for(shown)) if shown is not None else "—",
                "note": a.notes.get(code, ""), "na": a.not_applicable.get(code), "to_confirm": code in a.to_confirm,
                "vetoed": code in a.veto_events, "evidence": [evidence[i] for i in a.evidence.get(code, []) if i in evidence],
                "evidence_needed": rule.evidence.min_count if rule.evidence else 0,
                "evidence_hint": rule.evidence.hint if rule.evidence else "",
                "return_comment": (why.get("return") or {}).get("text", ""), "returned": why.get("return"),
                "changed_since": _what_changed(rule, changed[code]) if code in changed else None,
            })
        awarded = star.code in a.awarded
        missing = [framework.stars_by_code[c].name for c in star.requires if c not in a.awarded]
        hint = ""
        if not awarded and score and missing and score.get("score", 0) + 1e-6 >= score.get("pass_mark", 0):
            hint = f"得分已达标，但须同时达到{'、'.join(missing)}"
        elif not awarded and score and score.get("score", 0) + 1e-6 >= score.get("pass_mark", 0):
            hint = "得分已达标，但有必达项或一票否决项未达标"
        star_codes = {r.code for r in star.rules}
        sections.append({
            "code": star.code, "name": star.name, "rows": rows, "loaded": star in loaded, "awarded": awarded, "hint": hint,
            "changed_count": len(star_codes & changed.keys()), "comment_count": len(star_codes & commented),
            "reviewed_count": sum(1 for lvl in levels for c in a.reviews.get(lvl, {}) if c in star_codes),
            "applied": star.code in a.applied_stars, "score": fmt(score.get("score")) if score else "—",
            "max": fmt(score.get("max")) if score else "—", "pass_mark": fmt(score.get("pass_mark")) if score else "—",
        })
    return sections


VILLAGE_ENTRY = [AssessmentEvent.Action.ANSWER, AssessmentEvent.Action.EVIDENCE, AssessmentEvent.Action.CONFIRM]


def event_rows(a: Assessment, framework, since_id: int | None = None, with_entry: bool = True) -> list[dict]:
    """The event log; without the village's rule-by-rule entry (填报/佐证/确认) unless `with_entry`."""
    events = AssessmentEvent.objects.filter(assessment=a).order_by("at", "id")
    if since_id is not None:
        events = events.filter(id__gt=since_id)
    if not with_entry:
        events = events.exclude(level="village", action__in=VILLAGE_ENTRY)
    names = {s.code: s.name for s in framework.stars}
    events = list(events)
    actors = actor_labels({e.user_id for e in events})  # 姓名（职务）, never the login name; one query for all rows
    rows = []
    for e in events:
        rule = framework.rules_by_code.get(e.rule_code) if e.rule_code else None
        rows.append({
            "id": e.pk, "at": timezone.localtime(e.at), "user": actors.get(e.user_id, "系统") if e.user_id else "系统",
            "level": LEVEL_LABELS.get(e.level, "系统" if e.level == "system" else e.level), "action": e.get_action_display(),
            "rule": e.rule_code, "rule_text": rule.text if rule else "",
            "old": show_value(rule, e.old, names) if e.old is not None else "", "new": show_value(rule, e.new, names) if e.new is not None else "",
            "reason": e.reason,
        })
    return rows


def last_event_id(a: Assessment) -> int:
    return AssessmentEvent.objects.filter(assessment=a).order_by("-id").values_list("id", flat=True).first() or 0


def entry_event_count(a: Assessment) -> int:
    return AssessmentEvent.objects.filter(assessment=a, level="village", action__in=VILLAGE_ENTRY).count()


def reopen_level(a: Assessment, levels: list[str]) -> str | None:
    """The level at which the user may reopen: the one whose approval the assessment currently holds."""
    if a.round.phase != a.round.Phase.OPEN:
        return None
    for lvl in reversed(levels):
        if a.status == APPROVED_BY_LEVEL[lvl]:
            return lvl
    return None


def awarded_names(a: Assessment, framework) -> list[str]:
    return [s.name for s in framework.stars if s.code in a.awarded]


def applied_names(a: Assessment, framework) -> list[str]:
    return [s.name for s in framework.stars if s.code in a.applied_stars]
