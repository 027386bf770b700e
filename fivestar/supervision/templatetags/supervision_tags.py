"""The supervision parts of the rating pages: the reviewer's 督导 section (the village's open problems, those
concerning a star it applied for marked) and the village's own notice on its self-assessment page. One query
each (the problems with their responsible person); the framework is the one the page has already compiled."""

from django import template

from fivestar.core.scoping import covers

from .. import selectors
from ..models.problem import ProblemStatus
from ..views_common import SEVERITY_TONES, STATUS_TONES, deadline_words, today

register = template.Library()
REVIEW_ROWS = 30
NOTICE_ROWS = 3


def _user(context):
    request = context.get("request")
    user = getattr(request, "user", None)
    return user if user is not None and user.is_authenticated else None


def _star_of(problem, framework) -> str:
    rule = framework.rules_by_code.get(problem.rule_code) if problem.rule_code else None
    return rule.star_code if rule is not None else problem.star_code


@register.inclusion_tag("supervision/_review_panel.html", takes_context=True)
def supervision_review_panel(context, a):
    """The review page's 督导 section: the village's open problems, the ones on a star it applied for first."""
    user = _user(context)
    if user is None or not covers(user, a.org_unit):
        return {"show": False}
    framework = a.framework.compiled()
    applied = set(a.applied_stars or [])
    rows = list(selectors.village_open_problems(a.org_unit)[:REVIEW_ROWS + 1])
    more = len(rows) > REVIEW_ROWS
    on = today()
    for p in rows[:REVIEW_ROWS]:
        star = _star_of(p, framework)
        p.star_name = framework.stars_by_code[star].name if star in framework.stars_by_code else ""
        rule = framework.rules_by_code.get(p.rule_code)
        p.rule_text = rule.text if rule is not None else ""
        p.linked = bool(star) and star in applied
        p.status_tone, p.severity_tone = STATUS_TONES.get(p.status, "secondary"), SEVERITY_TONES.get(p.severity, "secondary")
        p.deadline_words, p.urgent = deadline_words(p.deadline, p.status, on)
    rows = sorted(rows[:REVIEW_ROWS], key=lambda p: (not p.linked, p.deadline, p.pk))
    return {"show": True, "a": a, "rows": rows, "more": more, "linked": sum(p.linked for p in rows), "applied": bool(applied)}


@register.inclusion_tag("supervision/_village_notice.html", takes_context=True)
def supervision_village_notice(context, a):
    """The self-assessment page's short notice: open problems tied to this framework's rules (one query)."""
    user = _user(context)
    if user is None:
        return {"show": False}
    framework = a.framework.compiled()
    rows = list(selectors.village_open_problems(a.org_unit, rule_codes=list(framework.rules_by_code))[:NOTICE_ROWS + 1])
    for p in rows:
        rule = framework.rules_by_code.get(p.rule_code)
        p.rule_text = rule.text if rule is not None else p.rule_code
        p.waiting = p.status in (ProblemStatus.PENDING, ProblemStatus.RECTIFYING)
    return {"show": bool(rows), "a": a, "rows": rows[:NOTICE_ROWS], "more": len(rows) > NOTICE_ROWS}
