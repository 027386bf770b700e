"""Reading the 差距 form: one input per rule (`r-<code>`), 不适用 (`na-<code>` + reason `nar-<code>`),
and recorded veto events (`veto-<code>`). Values are checked by the engine's validate_inputs and every
problem is attached, in Chinese, to the field it belongs to."""

from .engine import validate_inputs
from .gap_selectors import Answers
from .values import parse_rule_value

REASON_MAX = 200
_FIELD_PREFIX = {"results": "r", "not_applicable": "na", "veto_events": "veto", "na_reasons": "nar"}


def _value(rule, text: str, answers: Answers):
    try:
        return parse_rule_value(rule, text)
    except ValueError as exc:
        answers.add_error(f"r-{rule.code}", str(exc))
        return None


def parse_answers(framework, data) -> Answers:
    """The form data (a QueryDict or dict) as engine inputs, with per-field Chinese errors."""
    answers = Answers()
    for rule in framework.rules:
        code = rule.code
        if not rule.indicator:
            text = (data.get(f"r-{code}") or "").strip()
            answers.raw[f"r-{code}"] = text
            if text:
                value = _value(rule, text, answers)
                if value is not None:
                    answers.results[code] = value
        if data.get(f"na-{code}"):
            answers.not_applicable.append(code)
            reason = (data.get(f"nar-{code}") or "").strip()
            answers.na_reasons[code] = reason
            if not reason:
                answers.add_error(f"nar-{code}", "标记“不适用”须填写理由。")
            elif len(reason) > REASON_MAX:
                answers.add_error(f"nar-{code}", f"理由不能超过 {REASON_MAX} 个字。")
        if data.get(f"veto-{code}"):
            answers.veto_events.append(code)
    for error in validate_inputs(framework, answers.results, answers.not_applicable, answers.veto_events):
        group, _, code = error.field.partition(".")
        answers.add_error(f"{_FIELD_PREFIX.get(group, group)}-{code}", error.message)
        # Evaluate the rest as if the bad entry were not there.
        if group == "results":
            answers.results.pop(code, None)
        elif group == "not_applicable" and code in answers.not_applicable:
            answers.not_applicable.remove(code)
            answers.na_reasons.pop(code, None)
        elif group == "veto_events" and code in answers.veto_events:
            answers.veto_events.remove(code)
    return answers


def attach_errors(answers: Answers, errors) -> None:
    """Engine/service errors (`results.<code>` …) onto the form fields they belong to."""
    for error in errors:
        group, _, code = error.field.partition(".")
        prefix = _FIELD_PREFIX.get(group)
        answers.add_error(f"{prefix}-{code}" if prefix else "__all__", error.message)
