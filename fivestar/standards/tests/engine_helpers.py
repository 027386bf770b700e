"""Builders of YAML-shaped framework dicts for the engine tests (no Django)."""

from __future__ import annotations

import copy

STAR_NAMES = {
    "zbgy": "支部过硬星",
    "cyxw": "产业兴旺星",
    "stjy": "生态宜居星",
    "paf": "平安法治星",
    "wmxf": "文明幸福星",
}
OTHERS = ["cyxw", "stjy", "paf", "wmxf"]


def rule(code: str, kind: str = "check", max: float = 10, **extra) -> dict:
    data: dict = {"code": code, "text": f"细则{code}的内容", "kind": kind, "max": max}
    if kind == "deduction":
        data["per_occurrence"] = 1
    if kind == "metric":
        data["thresholds"] = [{"min": 10, "points": max / 2}, {"min": 20, "points": max}]
    data.update(extra)
    return data


def star(code: str, rules: list[dict], *, name: str | None = None, requires=(), order=None,
         pass_ratio=0.8, pass_score=None, standard_code: str | None = None) -> dict:
    data: dict = {
        "code": code,
        "name": name or STAR_NAMES.get(code, f"{code}星"),
        "requires": list(requires),
        "standards": [{"code": standard_code or f"{code}-01", "name": f"{code}标准", "rules": rules}],
    }
    if order is not None:
        data["order"] = order
    if pass_ratio is not None:
        data["pass_ratio"] = pass_ratio
    if pass_score is not None:
        data["pass_score"] = pass_score
    return data


def framework(*stars: dict, branch_type: str = "rural", code: str = "test-fw") -> dict:
    return {
        "code": code,
        "name": "测试框架",
        "branch_type": branch_type,
        "version": "2023",
        "issuer": "测试县委组织部",
        "stars": list(stars),
    }


def single(*rules: dict, **star_kw) -> dict:
    """A framework with one star `s` holding `rules`."""
    return framework(star("s", list(rules), name="测试星", **star_kw))


def five_stars(mode: str = "capstone") -> dict:
    """Rural five stars, each with 10 check rules of 10 points (100 per star, 80 to pass).

    mode ``capstone``: zbgy requires the other four; ``base``: the four require zbgy.
    """
    stars = []
    for i, code in enumerate(["zbgy", *OTHERS]):
        rules = [rule(f"{code}-01-{k:02d}") for k in range(1, 11)]
        if mode == "capstone":
            requires = OTHERS if code == "zbgy" else []
        else:
            requires = [] if code == "zbgy" else ["zbgy"]
        stars.append(star(code, rules, requires=requires, order=i + 1))
    return framework(*stars)


def all_done(data: dict, star_code: str | None = None, failed: int = 0) -> dict:
    """Results: every check rule of `star_code` (or all stars) true, except `failed` of them."""
    results = {}
    for s in data["stars"]:
        if star_code is not None and s["code"] != star_code:
            continue
        codes = [r["code"] for sd in s["standards"] for r in sd["rules"]]
        for i, code in enumerate(codes):
            results[code] = i >= failed
    return results


def clone(data: dict) -> dict:
    return copy.deepcopy(data)
