"""Reads behind the rating API's lists: scoped in SQL (`visible_to`), filtered in SQL, paginated by the caller;
the large JSON columns are left out of list rows."""

from fivestar.orgs.models import Level, OrgUnit

from .models import Assessment

LIST_DEFERRED = ("answers", "notes", "reviews", "evidence", "approved_snapshot", "star_scores", "not_applicable", "to_confirm",
                 "return_comments", "rule_versions", "veto_events")


def assessment_list(user, *, round_id: int | None = None, town: str | None = None, status: str | None = None,
                    rating: int | None = None, q: str | None = None):
    """Assessments the user sees, newest round first, then by unit; one query (plus the count)."""
    qs = (
        Assessment.objects.visible_to(user)
        .select_related("round", "org_unit", "town")
        .defer(*LIST_DEFERRED)
        .order_by("-round__period_start", "-round_id", "org_unit__path")
    )
    if round_id is not None:
        qs = qs.filter(round_id=round_id)
    if town:
        qs = qs.filter(town__code=town, town__level=Level.TOWN)
    if status:
        qs = qs.filter(status=status)
    if rating is not None:
        qs = qs.filter(rating=rating)
    if q and q.strip():
        qs = qs.filter(org_unit__in=OrgUnit.objects.filter(level=Level.VILLAGE).search(q))
    return qs
