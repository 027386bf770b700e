"""Benchmark of the pure-Python rating engine.

Builds a synthetic 200-rule, 5-star framework (every rule kind and flag, capstone
dependencies) and evaluates 50,000 branches with random results in one process.

    .venv/bin/python bench/engine.py [--branches 50000] [--seed 1] [--no-validate] [--gaps]

Only the engine calls are timed; generating the random inputs is not.
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from fivestar.standards.engine import evaluate, gaps, load_framework  # noqa: E402

STARS = [("zbgy", "支部过硬星"), ("cyxw", "产业兴旺星"), ("stjy", "生态宜居星"),
         ("paf", "平安法治星"), ("wmxf", "文明幸福星")]
STANDARDS_PER_STAR = 8
RULES_PER_STANDARD = 5  # 5 stars x 8 standards x 5 rules = 200 rules
CHUNK = 1000


def build_framework_data() -> dict:
    stars = []
    n = 0
    for s, (code, name) in enumerate(STARS):
        standards = []
        for d in range(STANDARDS_PER_STAR):
            rules = []
            for k in range(RULES_PER_STANDARD):
                rules.append(_rule(f"{code}-{d + 1:02d}-{k + 1:02d}", n))
                n += 1
            standards.append({"code": f"{code}-{d + 1:02d}", "name": f"{name}标准{d + 1}", "rules": rules})
        star = {"code": code, "name": name, "order": s + 1, "standards": standards,
                "requires": [c for c, _ in STARS[1:]] if code == "zbgy" else []}
        if s % 2 == 0:
            star["pass_ratio"] = 0.8
        else:
            star["pass_ratio"] = 0.7
            star["pass_score"] = 60
        stars.append(star)
    return {"code": "bench-200", "name": "基准测试框架", "branch_type": "rural",
            "version": "bench", "issuer": "bench", "stars": stars}


def _rule(code: str, n: int) -> dict:
    kind = ("check", "points", "deduction", "metric")[n % 4]
    rule: dict = {"code": code, "text": f"细则{code}的内容说明", "kind": kind, "max": 2 + n % 5}
    if kind == "deduction":
        rule["per_occurrence"] = 1
    if kind == "metric":
        mx = rule["max"]
        rule["thresholds"] = [{"min": 10, "points": mx / 2}, {"min": 50, "points": mx}]
        rule["unit"] = "万元"
        if n % 8 == 3:
            rule["thresholds"] = [{"min": 50000, "points": mx / 2}, {"min": 100000, "points": mx}]
            rule["unit"] = "元"
            rule["indicator"] = "collective_income"
    if n % 10 == 1:
        rule["required"] = True
        rule["pass_mark"] = rule["max"] / 2 if kind != "check" else rule["max"]
    if n % 37 == 5:
        rule["veto"] = True
    if n % 6 == 2:
        rule["na_allowed"] = True
    if n % 3 == 0:
        rule["evidence"] = {"kinds": ["photo", "ledger"], "min_count": 1, "hint": "照片及台账"}
    return rule


def random_branch(fw, rng: random.Random):
    """Random inputs; each branch has a "quality" so that ratings spread over 0..5 stars."""
    quality = rng.uniform(0.75, 1.0)
    results: dict = {}
    na: list[str] = []
    vetoes: list[str] = []
    for rule in fw.rules_by_code.values():
        if rule.na_allowed and rng.random() < 0.1:
            na.append(rule.code)
            continue
        if rule.veto and rng.random() < 0.01:
            vetoes.append(rule.code)
        if rng.random() < 0.02:
            continue  # nothing recorded yet
        good = rng.random() < quality
        if rule.kind == "check":
            results[rule.code] = good
        elif rule.kind == "points":
            results[rule.code] = rule.max if good else rng.randint(0, int(rule.max))
        elif rule.kind == "deduction":
            results[rule.code] = 0 if good else rng.randint(1, 3)
        elif rule.indicator is None:
            results[rule.code] = rng.uniform(50, 80) if good else rng.uniform(0, 60)
    indicators = {"collective_income": rng.uniform(20000, 150000)}
    return results, na, vetoes, indicators


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--branches", type=int, default=50_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--no-validate", action="store_true", help="skip input validation")
    parser.add_argument("--gaps", action="store_true", help="also run gap analysis per branch")
    args = parser.parse_args()

    t0 = time.perf_counter()
    fw = load_framework(build_framework_data())
    load_ms = (time.perf_counter() - t0) * 1000
    assert len(fw.rules_by_code) == 200 and len(fw.stars) == 5
    rng = random.Random(args.seed)
    validate = not args.no_validate
    elapsed = 0.0
    done = 0
    histogram = [0] * 6
    while done < args.branches:
        batch = [random_branch(fw, rng) for _ in range(min(CHUNK, args.branches - done))]
        t = time.perf_counter()
        for results, na, vetoes, indicators in batch:
            ev = evaluate(fw, results, na, vetoes, indicators, validate=validate)
            if args.gaps:
                gaps(fw, results, na, vetoes, indicators, evaluation=ev)
            histogram[ev.rating] += 1
        elapsed += time.perf_counter() - t
        done += len(batch)
    what = "evaluate" + (" + gaps" if args.gaps else "") + ("" if validate else " (no validation)")
    print(f"framework: 200 rules, 5 stars, loaded in {load_ms:.1f} ms")
    print(f"{what}: {done} branches in {elapsed:.2f} s = {done / elapsed:,.0f} branches/s")
    print("rating histogram (0..5 stars):", histogram)


if __name__ == "__main__":
    main()
