"""Reading what the self-assessment page posts: one rule's value/note/不适用, evidence uploads, stars applied for.
Every problem comes back as a Chinese sentence attached to the rule it belongs to."""

import re
from dataclasses import dataclass, field

from fivestar.standards.values import parse_rule_value

from .models import Evidence

NOTE_MAX = 500
REASON_MAX = 200
DESCRIPTION_MAX = 200


@dataclass
class RuleInput:
    """One rule's posted fields: service arguments, the raw text to re-render, and errors."""

    values: dict = field(default_factory=dict)
    notes: dict = field(default_factory=dict)
    not_applicable: dict = field(default_factory=dict)
    cleared_na: list = field(default_factory=list)
    raw: str = ""
    na: bool = False
    na_reason: str = ""
    note: str = ""
    errors: list = field(default_factory=list)

    @property
    def changes_anything(self) -> bool:
        return bool(self.values or self.notes or self.not_applicable or self.cleared_na)


def parse_value(rule, text: str, errors: list):
    """The posted text as the value the engine expects, or None (nothing recorded / an error added)."""
    try:
        return parse_rule_value(rule, text)
    except ValueError as exc:
        errors.append(str(exc))
        return None


def parse_rule(a, rule, data) -> RuleInput:
    code = rule.code
    form = RuleInput(raw=(data.get("value") or "").strip(), na=bool(data.get("na")),
                     na_reason=(data.get("na_reason") or "").strip(), note=(data.get("note") or "").strip())
    if form.na and not rule.na_allowed:
        form.errors.append("该细则不允许标记为“不适用”。")
    elif form.na:
        if not form.na_reason:
            form.errors.append("标记“不适用”须填写理由。")
        elif len(form.na_reason) > REASON_MAX:
            form.errors.append(f"不适用的理由不能超过 {REASON_MAX} 个字。")
        elif a.not_applicable.get(code) != form.na_reason:
            form.not_applicable[code] = form.na_reason
    elif code in a.not_applicable:
        form.cleared_na.append(code)
    if not form.na and not rule.indicator:
        value = parse_value(rule, form.raw, form.errors)
        if value != a.answers.get(code) and not (value is None and form.raw):
            form.values[code] = value
    if len(form.note) > NOTE_MAX:
        form.errors.append(f"说明不能超过 {NOTE_MAX} 个字。")
    elif form.note != (a.notes.get(code) or ""):
        form.notes[code] = form.note
    return form


def parse_version(data) -> int | None:
    try:
        return int(data.get("version"))
    except (TypeError, ValueError):
        return None


_FIELD = re.compile(r"^[a-z_]+\.[a-z0-9-]+：")


def plain_details(details: list[str]) -> list[str]:
    """`results.zbgy-01-01：得分…` → `得分…` (the rule is already on screen)."""
    return [_FIELD.sub("", d) for d in details]


@dataclass
class UploadInput:
    kind: str = Evidence.Kind.PHOTO
    description: str = ""
    rules: list = field(default_factory=list)
    files: list = field(default_factory=list)
    errors: list = field(default_factory=list)


def parse_upload(framework, data, files) -> UploadInput:
    form = UploadInput(kind=data.get("kind") or Evidence.Kind.PHOTO, description=(data.get("description") or "").strip(),
                       rules=[c for c in dict.fromkeys(data.getlist("rules")) if c], files=[f for f in files.getlist("files") if f])
    if form.kind not in Evidence.Kind.values:
        form.errors.append("请选择佐证类型（照片、文件或台账）。")
    if len(form.description) > DESCRIPTION_MAX:
        form.errors.append(f"说明不能超过 {DESCRIPTION_MAX} 个字。")
    unknown = [c for c in form.rules if c not in framework.rules_by_code]
    if unknown:
        form.errors.append(f"未知的细则：{'、'.join(unknown)}")
    if not form.rules:
        form.errors.append("请勾选该佐证对应的细则（至少一条）。")
    if not form.files:
        form.errors.append("请选择要上传的照片或文件。")
    return form


def parse_stars(framework, data) -> list[str]:
    return [c for c in dict.fromkeys(data.getlist("stars")) if c in framework.stars_by_code]
