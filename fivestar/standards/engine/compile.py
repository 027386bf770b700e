"""Build the immutable model from YAML-shaped data (validated first)."""

from __future__ import annotations

from .errors import FrameworkInvalid
from .model import Evidence, Framework, Rule, Standard, Star, Threshold, rule_plan
from .graph import topo_order
from .validate import validate_framework


def load_framework(data: dict) -> Framework:
    """Validate `data` and build a `Framework`; raise `FrameworkInvalid` listing every problem."""
    errors = validate_framework(data)
    if errors:
        raise FrameworkInvalid(errors)
    indexed = list(enumerate(data["stars"]))
    indexed.sort(key=lambda p: (p[1].get("order") if p[1].get("order") is not None else p[0] + 1, p[0]))
    stars = tuple(
        _star(s, order if s.get("order") is None else s["order"])
        for order, (_, s) in enumerate(indexed, start=1)
    )
    stars_by_code = {s.code: s for s in stars}
    rules_by_code = {r.code: r for s in stars for r in s.rules}
    version = data.get("version")
    return Framework(
        code=data["code"],
        name=data["name"],
        branch_type=data["branch_type"],
        version="" if version is None else str(version),
        issuer=str(data.get("issuer") or ""),
        stars=stars,
        rules_by_code=rules_by_code,
        stars_by_code=stars_by_code,
        topo_order=topo_order(stars),
    )


def _star(data: dict, order: int) -> Star:
    code = data["code"]
    standards = tuple(_standard(sd, code) for sd in data["standards"])
    rules = tuple(r for sd in standards for r in sd.rules)
    return Star(
        code=code,
        name=data["name"],
        order=order,
        standards=standards,
        requires=tuple(data.get("requires") or ()),
        pass_ratio=data.get("pass_ratio"),
        pass_score=data.get("pass_score"),
        rules=rules,
        max_total=round(sum(r.max for r in rules), 6),
        plan=tuple(rule_plan(r) for r in rules),
    )


def _standard(data: dict, star_code: str) -> Standard:
    code = data["code"]
    return Standard(
        code=code,
        name=data["name"],
        rules=tuple(_rule(r, star_code, code) for r in data["rules"]),
    )


def _rule(data: dict, star_code: str, standard_code: str) -> Rule:
    kind = data["kind"]
    mx = data["max"]
    thresholds = tuple(Threshold(t["min"], t["points"]) for t in data.get("thresholds") or ())
    ev = data.get("evidence")
    evidence = None
    if ev is not None:
        evidence = Evidence(
            kinds=tuple(ev.get("kinds") or ()),
            min_count=ev.get("min_count") if ev.get("min_count") is not None else 1,
            hint=ev.get("hint") or "",
        )
    pass_mark = data.get("pass_mark")
    return Rule(
        code=data["code"],
        text=data["text"],
        kind=kind,
        max=mx,
        star_code=star_code,
        standard_code=standard_code,
        per_occurrence=data.get("per_occurrence") if kind == "deduction" else None,
        thresholds=thresholds,
        unit=data.get("unit"),
        indicator=data.get("indicator"),
        required=bool(data.get("required")),
        veto=bool(data.get("veto")),
        na_allowed=bool(data.get("na_allowed")),
        pass_mark=mx if pass_mark is None else pass_mark,
        evidence=evidence,
        _mins=tuple(t.min for t in thresholds),
        _pts=tuple(t.points for t in thresholds),
    )
