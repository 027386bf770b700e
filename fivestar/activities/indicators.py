"""The indicators activity records feed, read by metric rules exactly as collective income is: a value per branch
for the round's 指标数据年度, read in one query for any number of branches (`values`), absent when the branch
recorded nothing of that family that year (so the self-assessment says 未登记 and the round's opening lists it)."""

import datetime

from django.db.models import Count, Exists, IntegerField, OuterRef, Q, Sum, Value

from .models import ActivityKind, ActivitySession, Award, Funding, Honour, Incident, MentoringPair, RiskCheck

# code → (Chinese name, unit, the page a reviewer opens to see where it came from)
INDICATORS: dict[str, tuple[str, str]] = {
    "labour_sessions_year": ("本年度志愿劳动次数", "次"),
    "night_school_rate": ("夜校参学率", "%"),
    "party_day_sessions_year": ("本年度主题党日次数", "次"),
    "party_day_rate": ("主题党日参加率", "%"),
    "honours_county_plus": ("县级以上荣誉", "项"),
    "awards_year": ("本年度评优评先人数", "人"),
    "mentoring_pairs_year": ("本年度导师帮带结对数", "对"),
    "three_zero_year": ("三零（零上访/零事故/零案件，是 1，否 0）", ""),
    "campaign_funds_year": ("本年度专项行动到位资金", "元"),
}

SESSION_CODES = {ActivityKind.Code.LABOUR: ("labour_sessions_year", None), ActivityKind.Code.NIGHT_SCHOOL: (None, "night_school_rate"),
                 ActivityKind.Code.PARTY_DAY: ("party_day_sessions_year", "party_day_rate")}
HONOUR_LEVELS = [Honour.Level.NATIONAL, Honour.Level.PROVINCIAL, Honour.Level.CITY, Honour.Level.COUNTY]


def _bounds(year: int):
    return datetime.date(year, 1, 1), datetime.date(year + 1, 1, 1)


def _part(qs, tag: str, c, x=None, y=None):
    zero = Value(0, output_field=IntegerField())
    return (qs.order_by().values("org_unit_id")
            .annotate(tag=Value(tag), c=c, x=x if x is not None else zero, y=y if y is not None else zero)
            .values_list("org_unit_id", "tag", "c", "x", "y"))


# The ids appear once per part of the union (seven times): chunks keep a query under SQLite's 32,766 parameters.
CHUNK = 2000


def values(unit_ids, year: int) -> dict[int, dict[str, float]]:
    """Every activity indicator of the branches `unit_ids` for `year`, in one query (a UNION ALL of grouped counts)
    per 2,000 branches."""
    ids = sorted(set(unit_ids))
    out: dict[int, dict[str, float]] = {}
    for i in range(0, len(ids), CHUNK):
        out.update(_values(ids[i:i + CHUNK], year))
    return out


def _values(ids: list[int], year: int) -> dict[int, dict[str, float]]:
    start, end = _bounds(year)
    sessions = (ActivitySession.objects.filter(org_unit_id__in=ids, date__gte=start, date__lt=end).order_by()
                .values("org_unit_id", "kind__code")
                .annotate(c=Count("id"), x=Sum("attended", filter=Q(expected__gt=0)), y=Sum("expected"))
                .values_list("org_unit_id", "kind__code", "c", "x", "y"))
    parts = [
        _part(Honour.objects.filter(org_unit_id__in=ids, year__lte=year, level__in=HONOUR_LEVELS), "honours", Count("id")),
        _part(Award.objects.filter(org_unit_id__in=ids, year=year), "awards", Count("id")),
        _part(MentoringPair.objects.filter(Q(end__isnull=True) | Q(end__gte=start), org_unit_id__in=ids, start__lt=end), "pairs", Count("id")),
        _part(RiskCheck.objects.filter(org_unit_id__in=ids, date__gte=start, date__lt=end), "checks", Count("id")),
        _part(Incident.objects.filter(org_unit_id__in=ids, date__gte=start, date__lt=end), "incidents", Count("id")),
    ]
    # Funding names its unit through its project.
    parts.append(Funding.objects.filter(project__org_unit_id__in=ids, date__gte=start, date__lt=end).order_by()
                 .values("project__org_unit_id")
                 .annotate(tag=Value("funds"), c=Count("id"), x=Sum("amount"), y=Value(0, output_field=IntegerField()))
                 .values_list("project__org_unit_id", "tag", "c", "x", "y"))
    rows = sessions.union(*parts, all=True)
    raw: dict[int, dict[str, tuple]] = {}
    for unit_id, tag, c, x, y in rows:
        raw.setdefault(unit_id, {})[tag] = (c or 0, x or 0, y or 0)
    return {unit_id: _derive(tags) for unit_id, tags in raw.items()}


def _derive(tags: dict[str, tuple]) -> dict[str, float]:
    out: dict[str, float] = {}
    if any(t in tags for t in SESSION_CODES) or "other" in tags:
        for code, (count_key, rate_key) in SESSION_CODES.items():
            c, attended, expected = tags.get(code, (0, 0, 0))
            if count_key:
                out[count_key] = float(c)
            if rate_key and expected:
                out[rate_key] = round(100.0 * float(attended) / float(expected), 1)
    if "honours" in tags:
        out["honours_county_plus"] = float(tags["honours"][0])
    if "awards" in tags:
        out["awards_year"] = float(tags["awards"][0])
    if "pairs" in tags:
        out["mentoring_pairs_year"] = float(tags["pairs"][0])
    if "checks" in tags or "incidents" in tags:
        out["three_zero_year"] = 0.0 if tags.get("incidents", (0,))[0] else 1.0
    if "funds" in tags:
        out["campaign_funds_year"] = float(tags["funds"][1])
    return out


def missing(code: str, units, year: int):
    """The branches of `units` with no recorded value of `code` for `year` (a queryset, one query)."""
    start, end = _bounds(year)
    unit = OuterRef("pk")
    if code in ("labour_sessions_year", "party_day_sessions_year"):
        recorded = ActivitySession.objects.filter(org_unit_id=unit, date__gte=start, date__lt=end)
    elif code in ("night_school_rate", "party_day_rate"):
        kind = ActivityKind.Code.NIGHT_SCHOOL if code == "night_school_rate" else ActivityKind.Code.PARTY_DAY
        recorded = ActivitySession.objects.filter(org_unit_id=unit, date__gte=start, date__lt=end, kind__code=kind, expected__gt=0)
    elif code == "honours_county_plus":
        recorded = Honour.objects.filter(org_unit_id=unit, year__lte=year)
    elif code == "awards_year":
        recorded = Award.objects.filter(org_unit_id=unit, year=year)
    elif code == "mentoring_pairs_year":
        recorded = MentoringPair.objects.filter(Q(end__isnull=True) | Q(end__gte=start), org_unit_id=unit, start__lt=end)
    elif code == "three_zero_year":
        return units.filter(~Exists(RiskCheck.objects.filter(org_unit_id=unit, date__gte=start, date__lt=end)),
                            ~Exists(Incident.objects.filter(org_unit_id=unit, date__gte=start, date__lt=end)))
    elif code == "campaign_funds_year":
        recorded = Funding.objects.filter(project__org_unit_id=unit, date__gte=start, date__lt=end)
    else:
        raise KeyError(code)
    return units.filter(~Exists(recorded))


def source_url(code: str, unit_code: str) -> str:
    """Where a reviewer sees the records behind a value: the village's activity page, at the right section."""
    from django.urls import reverse

    anchor = {"honours_county_plus": "honours", "awards_year": "awards", "mentoring_pairs_year": "pairs",
              "three_zero_year": "safety", "campaign_funds_year": "projects"}.get(code, "sessions")
    return reverse("activities:village", args=[unit_code]) + f"#{anchor}"
