"""Pure rules: a village's observation score from its observers' weighted totals, and ranking with ties.

- Score: the average of the observers' weighted totals; with at least `drop_min` observers the single highest and
  the single lowest total are dropped first. No observer → no score.
- Ties: scores are compared rounded to 2 decimals; equal scores share a rank (1, 2, 2, 4) and are listed by
  village code; villages without a score come last without a rank.
"""

from decimal import ROUND_HALF_UP, Decimal

TWO = Decimal("0.01")


def q2(value) -> Decimal:
    return Decimal(str(value)).quantize(TWO, rounding=ROUND_HALF_UP)


def weighted_total(values: dict, weights: dict) -> Decimal:
    """Σ value × weight / Σ weight over the sheet's items (a missing item counts 0)."""
    total_weight = sum(Decimal(str(w)) for w in weights.values())
    if total_weight <= 0:
        return Decimal(0)
    return sum(Decimal(str(values.get(item, 0))) * Decimal(str(w)) for item, w in weights.items()) / total_weight


def village_score(totals: list, drop_min: int) -> tuple[Decimal | None, bool]:
    """(score, dropped extremes?) from each observer's weighted total."""
    totals = sorted(Decimal(str(t)) for t in totals)
    if not totals:
        return None, False
    dropped = len(totals) >= max(drop_min, 3)
    if dropped:
        totals = totals[1:-1]
    return q2(sum(totals) / len(totals)), dropped


def rank(rows: list[dict], key: str = "score", code: str = "code", descending: bool = True) -> list[dict]:
    """Sort rows (dicts with `key` and `code`) and set row["rank"] by the tie rule above."""
    scored = [r for r in rows if r.get(key) is not None]
    unscored = sorted((r for r in rows if r.get(key) is None), key=lambda r: r[code])
    sign = -1 if descending else 1
    scored.sort(key=lambda r: (sign * q2(r[key]), r[code]))
    previous, current = None, 0
    for position, row in enumerate(scored, start=1):
        value = q2(row[key])
        if value != previous:
            current, previous = position, value
        row["rank"] = current
    for row in unscored:
        row["rank"] = None
    return scored + unscored
