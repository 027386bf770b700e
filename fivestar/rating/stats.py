"""Pre-aggregated round figures per town: refreshed from one town's rows (≤ a few dozen) on change."""

from django.db.models import Count

from .models import Assessment, RoundTownStats


def refresh_town_stats(round_id: int, town_id: int) -> RoundTownStats:
    rows = Assessment.objects.filter(round_id=round_id, town_id=town_id)
    by_status = dict(rows.order_by().values_list("status").annotate(n=Count("id")).values_list("status", "n"))
    by_rating = {str(k): v for k, v in rows.order_by().values_list("rating").annotate(n=Count("id")).values_list("rating", "n")}
    stats, _ = RoundTownStats.objects.update_or_create(
        round_id=round_id, town_id=town_id, defaults={"by_status": by_status, "by_rating": by_rating, "total": sum(by_status.values())}
    )
    return stats


def refresh_round_stats(round_id: int):
    """All towns of a round (after opening or recognition): one grouped query, one write per town."""
    grouped = (
        Assessment.objects.filter(round_id=round_id)
        .order_by()
        .values_list("town_id", "status", "rating")
        .annotate(n=Count("id"))
    )
    towns: dict[int, dict] = {}
    for town_id, status, rating, n in grouped:
        entry = towns.setdefault(town_id, {"by_status": {}, "by_rating": {}, "total": 0})
        entry["by_status"][status] = entry["by_status"].get(status, 0) + n
        entry["by_rating"][str(rating)] = entry["by_rating"].get(str(rating), 0) + n
        entry["total"] += n
    RoundTownStats.objects.filter(round_id=round_id).delete()
    RoundTownStats.objects.bulk_create(
        [RoundTownStats(round_id=round_id, town_id=t, **v) for t, v in towns.items() if t is not None], batch_size=2000
    )

