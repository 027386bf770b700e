"""The canonical form of framework data: key order of docs/framework-format.md, defaults omitted.

Every import stores this form, so YAML → database → Excel → database → YAML gives the same text:
- keys in the documented order; unknown keys are kept after the known ones;
- `required`/`veto`/`na_allowed` only when true, `pass_mark` only when it differs from `max`,
  `requires` always (``[]`` when none), `pass_ratio`/`pass_score`/`order` only when set,
  `per_occurrence` only for deduction rules, `thresholds`/`unit`/`indicator` only for metric rules,
  `evidence` only when it says something (its `kinds`/`hint` only when not empty);
- whole-number floats become ints (``3.0`` → ``3``), texts are stripped, `version` is text.

`canonical` expects data that passed `validate_framework`; it does not validate.
"""

from __future__ import annotations

TOP_KEYS = ("code", "name", "branch_type", "version", "issuer", "stars")
STAR_KEYS = ("code", "name", "order", "pass_ratio", "pass_score", "requires", "standards")
STANDARD_KEYS = ("code", "name", "rules")
RULE_KEYS = (
    "code", "text", "kind", "max", "per_occurrence", "thresholds", "unit", "indicator",
    "required", "veto", "na_allowed", "pass_mark", "evidence",
)
EVIDENCE_KEYS = ("kinds", "min_count", "hint")


def num(value):
    """``3.0`` → ``3``; other values unchanged."""
    if isinstance(value, float) and value.is_integer() and abs(value) < 2**53:
        return int(value)
    return value


def text(value):
    return value.strip() if isinstance(value, str) else value


def _ordered(item: dict, keys: tuple[str, ...], values: dict) -> dict:
    out = {k: values[k] for k in keys if values.get(k) is not None}
    for k, v in item.items():  # unknown keys (invalid data) keep their place at the end
        if k not in keys:
            out[k] = v
    return out


def canonical(data: dict) -> dict:
    values: dict = {"code": data.get("code"), "name": text(data.get("name"))}
    values["branch_type"] = data.get("branch_type")
    version = data.get("version")
    if version is not None and str(version).strip() != "":
        values["version"] = str(num(version)).strip()
    if text(data.get("issuer")):
        values["issuer"] = text(data["issuer"])
    values["stars"] = [canonical_star(s) for s in data.get("stars") or []]
    return _ordered(data, TOP_KEYS, values)


def canonical_star(star: dict) -> dict:
    values: dict = {"code": star.get("code"), "name": text(star.get("name"))}
    for key in ("order", "pass_ratio", "pass_score"):
        if star.get(key) is not None:
            values[key] = num(star[key])
    values["requires"] = list(star.get("requires") or [])
    values["standards"] = [
        _ordered(sd, STANDARD_KEYS, {"code": sd.get("code"), "name": text(sd.get("name")),
                                     "rules": [canonical_rule(r) for r in sd.get("rules") or []]})
        for sd in star.get("standards") or []
    ]
    return _ordered(star, STAR_KEYS, values)


def canonical_rule(rule: dict) -> dict:
    kind = rule.get("kind")
    mx = num(rule.get("max"))
    values: dict = {"code": rule.get("code"), "text": text(rule.get("text")), "kind": kind, "max": mx}
    if kind == "deduction" and rule.get("per_occurrence") is not None:
        values["per_occurrence"] = num(rule["per_occurrence"])
    if kind == "metric":
        if rule.get("thresholds") is not None:
            values["thresholds"] = [{"min": num(t["min"]), "points": num(t["points"])} for t in rule["thresholds"]]
        if text(rule.get("unit")):
            values["unit"] = text(rule["unit"])
        if rule.get("indicator"):
            values["indicator"] = rule["indicator"]
    for flag in ("required", "veto", "na_allowed"):
        if rule.get(flag) is True:
            values[flag] = True
    pass_mark = num(rule.get("pass_mark"))
    if pass_mark is not None and pass_mark != mx:
        values["pass_mark"] = pass_mark
    evidence = canonical_evidence(rule.get("evidence"))
    if evidence:
        values["evidence"] = evidence
    return _ordered(rule, RULE_KEYS, values)


def canonical_evidence(ev) -> dict | None:
    if not isinstance(ev, dict):
        return None
    values: dict = {}
    if ev.get("kinds"):
        values["kinds"] = list(ev["kinds"])
    if ev.get("min_count") is not None:
        values["min_count"] = ev["min_count"]
    if text(ev.get("hint")):
        values["hint"] = text(ev["hint"])
    return _ordered(ev, EVIDENCE_KEYS, values) or None
