"""Pure rules for red and black flags.

Each input gives a village 0–100: 人居环境督导问题 100 − 10 per 生态宜居星 problem found in the period (not below 0);
观摩得分 the village's latest published observation score of the year up to the period's end; 生态宜居星细则得分 the
star's score ÷ its maximum × 100 in the village's latest assessment of the year. An input no village of the town has
is left out; a village missing an input others have counts 0 for it. The composite is the weighted average.

Ties: equal composites (2 decimals) share a rank. Villages ranked within the best `red` places get a red flag,
within the worst `black` places (ranked from the bottom) a black flag; villages tied on a boundary all get the
flag. A village that would get both (e.g. every score equal) gets none. Fewer villages than red + black: refused.
"""

from decimal import Decimal

from .errors import ObservationError
from .ranking import q2, rank

PER_PROBLEM = 10


def inspection_score(problems: int) -> Decimal:
    return Decimal(max(0, 100 - PER_PROBLEM * int(problems)))


def composite(inputs: dict, weights: dict, available: set) -> Decimal:
    used = {k: Decimal(str(w)) for k, w in weights.items() if k in available and w}
    total = sum(used.values())
    if not total:
        return Decimal(0)
    return q2(sum(Decimal(str(inputs.get(k) or 0)) * w for k, w in used.items()) / total)


def with_town_averages(rows: list[dict], keys=("observation", "rules")) -> list[dict]:
    """A village with no value for an input (not visited by the observation, no assessment) takes the town's average
    for it in the composite: neither rewarded nor punished for what was not measured. Scoring unmeasured inputs as
    0 flagged every unvisited village black (48 of 55 in the demo)."""
    filled = [dict(r) for r in rows]
    for key in keys:
        values = [Decimal(str(r[key])) for r in rows if r.get(key) is not None]
        if not values:
            continue
        mean = q2(sum(values) / len(values))
        for r in filled:
            if r.get(key) is None:
                r[key] = mean
    return filled


def select_flags(rows: list[dict], red: int, black: int) -> list[dict]:
    """rows: [{"code", "score", ...}] → ranked rows with row["flag"] in {"red", "black", ""}."""
    if len(rows) < red + black or not rows:
        raise ObservationError(f"参评村只有 {len(rows)} 个，少于红旗 {red} 个与黑旗 {black} 个之和，不能评选。")
    ranked = rank([dict(r) for r in rows])
    bottom = {r["code"]: r["rank"] for r in rank([{"code": r["code"], "score": -q2(r["score"])} for r in rows])}
    for row in ranked:
        is_red = red > 0 and row["rank"] <= red
        is_black = black > 0 and bottom[row["code"]] <= black
        row["flag"] = "" if is_red == is_black else ("red" if is_red else "black")
    return ranked
