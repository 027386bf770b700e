"""What the commitment pages read: a village's cadres (its own cadres and its 包村干部), a month's commitments
with their states, per-cadre counts for a page of villages, and the villages where someone has posted nothing.
Every function runs a fixed number of queries whatever the number of villages or commitments."""

import datetime
from dataclasses import dataclass, field

from django.db.models import Count, Exists, OuterRef, Q
from django.utils import timezone

from fivestar.orgs.models import Level, OrgUnit
from fivestar.people.models import Duty, Person, Position, Responsibility

from .models import Commitment
from .services.commitments import add_months, month_end, month_label

# The people of a village who post commitments: its secretary, director and cadres (plus its 包村干部).
CADRE_POSITIONS = (Position.SECRETARY, Position.DIRECTOR, Position.VILLAGE_CADRE)
LIAISON_POST = "包村干部"

PENDING_POST, PENDING_RESULT, PENDING_GRADE, GRADED = "待晒承诺", "待亮业绩", "待点评", "已点评"
STATE_TONES = {PENDING_POST: "warning", PENDING_RESULT: "info", PENDING_GRADE: "primary", GRADED: "success"}


def this_month() -> datetime.date:
    return timezone.localdate().replace(day=1)


def month_of(params) -> datetime.date:
    """?month=YYYY-MM when it is a sensible month, else this month (junk is ignored, never an error)."""
    value = str(params.get("month", "") or "").strip()
    if len(value) == 7 and value[4] == "-" and value[:4].isdigit() and value[5:].isdigit():
        year, month = int(value[:4]), int(value[5:])
        if 2000 <= year <= 2100 and 1 <= month <= 12:
            return datetime.date(year, month, 1)
    return this_month()


def month_param(month: datetime.date) -> str:
    return f"{month.year:04d}-{month.month:02d}"


def post_of(person, village_id) -> str:
    """The post (职务) shown next to a name: 包村干部 for a town cadre posting for the village."""
    if person.org_unit_id != village_id and person.position not in CADRE_POSITIONS:
        return LIAISON_POST
    return person.get_position_display()


def _person_order(person):
    order = {p: i for i, p in enumerate(CADRE_POSITIONS)}
    return (order.get(person.position, 9), person.name, person.pk)


def cadres_of(villages) -> dict[int, list[Person]]:
    """village id → its active cadres then its 包村干部 (each Person with `.post`): two queries for any number."""
    ids = [v.pk for v in villages]
    out = {i: [] for i in ids}
    for person in Person.objects.filter(org_unit_id__in=ids, active=True, position__in=CADRE_POSITIONS).order_by("pk"):
        person.post = post_of(person, person.org_unit_id)
        out[person.org_unit_id].append(person)
    for village_id in out:
        out[village_id].sort(key=_person_order)
    liaisons = (Responsibility.objects.filter(duty=Duty.VILLAGE, org_unit_id__in=ids, person__active=True)
                .select_related("person").order_by("person__name", "person_id"))
    for duty in liaisons:
        if any(p.pk == duty.person_id for p in out[duty.org_unit_id]):
            continue
        duty.person.post = LIAISON_POST
        out[duty.org_unit_id].append(duty.person)
    return out


def state_of(commitment) -> str:
    if commitment.grade:
        return GRADED
    if commitment.result:
        return PENDING_GRADE
    return PENDING_RESULT


def can_grade_now(commitment, today: datetime.date) -> bool:
    """The service's rule: a grade once the result is posted or the month is over."""
    return bool(commitment.result) or today > month_end(commitment.month)


def can_post_result_now(commitment, current: datetime.date) -> bool:
    """The service's rule: the current or the previous month, not yet graded."""
    return not commitment.grade and add_months(current, -1) <= commitment.month <= current


@dataclass
class MonthSection:
    key: str  # "current", "previous", "next" or "month"
    month: datetime.date
    title: str
    rows: list = field(default_factory=list)
    silent: list = field(default_factory=list)  # cadres who have posted nothing for this month

    @property
    def label(self) -> str:
        return month_label(self.month)

    @property
    def param(self) -> str:
        return month_param(self.month)


def village_sections(village, months: list[tuple[str, datetime.date, str]], cadres: list[Person]) -> list[MonthSection]:
    """The village's commitments of the given months, newest first, with the evidence of their results (two
    queries); each row carries `.post` and `.state`; each section lists the cadres with nothing posted."""
    rows = list(Commitment.objects.filter(org_unit=village, month__in=[m for _, m, _ in months])
                .select_related("person", "task").prefetch_related("result_evidence")
                .order_by("person__name", "person_id", "id"))
    sections = []
    for key, month, title in months:
        section = MonthSection(key, month, title)
        for row in rows:
            if row.month == month:
                row.post = post_of(row.person, village.pk)
                row.state = state_of(row)
                row.tone = STATE_TONES[row.state]
                section.rows.append(row)
        posted = {r.person_id for r in section.rows}
        section.silent = [p for p in cadres if p.pk not in posted]
        sections.append(section)
    return sections


def counts_by_cadre(village_ids, month) -> dict[tuple[int, int], dict]:
    """(village id, person id) → {"posted", "results", "graded"} for one month: one grouped query."""
    rows = (Commitment.objects.filter(org_unit_id__in=village_ids, month=month).values("org_unit_id", "person_id")
            .annotate(posted=Count("id"), results=Count("id", filter=~Q(result="")), graded=Count("id", filter=~Q(grade=""))))
    return {(r["org_unit_id"], r["person_id"]): {k: r[k] for k in ("posted", "results", "graded")} for r in rows}


def totals_under(villages_qs, month) -> dict:
    """The month's totals over a set of villages (already scoped): commitments posted / with results / graded, the
    villages with any and the villages with none: two queries."""
    figures = (Commitment.objects.filter(org_unit__in=villages_qs.values("pk"), month=month)
               .aggregate(posted=Count("id"), results=Count("id", filter=~Q(result="")),
                          graded=Count("id", filter=~Q(grade="")), villages=Count("org_unit", distinct=True)))
    figures["silent_villages"] = villages_qs.exclude(Exists(Commitment.objects.filter(org_unit=OuterRef("pk"), month=month))).count()
    return figures


def with_silent_cadre(villages_qs, month):
    """The villages (of a queryset) where at least one active cadre or 包村干部 has posted nothing for the month."""
    posted_by_cadre = Commitment.objects.filter(org_unit=OuterRef("org_unit"), person=OuterRef("pk"), month=month)
    silent_cadre = Person.objects.filter(org_unit=OuterRef("pk"), active=True, position__in=CADRE_POSITIONS).exclude(Exists(posted_by_cadre))
    posted_by_liaison = Commitment.objects.filter(org_unit=OuterRef("org_unit"), person=OuterRef("person"), month=month)
    silent_liaison = (Responsibility.objects.filter(duty=Duty.VILLAGE, org_unit=OuterRef("pk"), person__active=True)
                      .exclude(Exists(posted_by_liaison)))
    return villages_qs.filter(Exists(silent_cadre) | Exists(silent_liaison))


def village_rows(villages, month, silent_only=False) -> list[dict]:
    """A page of villages × cadres with the month's counts: three queries (cadres, 包村干部, counts)."""
    cadres = cadres_of(villages)
    counts = counts_by_cadre([v.pk for v in villages], month)
    zero = {"posted": 0, "results": 0, "graded": 0}
    out = []
    for village in villages:
        people = []
        for person in cadres[village.pk]:
            figures = counts.get((village.pk, person.pk), zero)
            if silent_only and figures["posted"]:
                continue
            people.append({"person": person, **figures})
        total = {k: sum(f[k] for (v, _), f in counts.items() if v == village.pk) for k in zero}
        out.append({"village": village, "people": people, "total": total,
                    "silent": sum(1 for p in people if not p["posted"])})
    return out


def villages_under(user, unit):
    return (OrgUnit.objects.visible_to(user).filter(level=Level.VILLAGE, active=True, path__startswith=unit.path)
            .select_related("area").order_by("code"))


def towns_under(user, unit):
    return (OrgUnit.objects.visible_to(user).filter(level=Level.TOWN, active=True, path__startswith=unit.path)
            .select_related("parent").order_by("code"))


def town_totals(town_ids, month) -> dict[int, dict]:
    """town id → the month's counts over its villages: one grouped query."""
    rows = (Commitment.objects.filter(org_unit__parent_id__in=town_ids, month=month).values("org_unit__parent_id")
            .annotate(posted=Count("id"), results=Count("id", filter=~Q(result="")), graded=Count("id", filter=~Q(grade="")),
                      villages=Count("org_unit", distinct=True)))
    zero = {"posted": 0, "results": 0, "graded": 0, "villages": 0}
    found = {r["org_unit__parent_id"]: {k: r[k] for k in zero} for r in rows}
    return {i: found.get(i, dict(zero)) for i in town_ids}


def ungraded(user, villages_qs, month, today):
    """The month's commitments of the villages the town may grade now and has not (results posted, or the month
    is over), scoped to the user; ordered by village then person."""
    qs = (Commitment.objects.visible_to(user).filter(org_unit__in=villages_qs.values("pk"), month=month, grade="")
          .select_related("org_unit", "person", "task").prefetch_related("result_evidence"))
    if today <= month_end(month):
        qs = qs.exclude(result="")
    return qs.order_by("org_unit__code", "person__name", "id")


def public_sections(village, today: datetime.date) -> list[MonthSection]:
    """This month's commitments and last month's results of a village for its public page: one query; the rows
    carry only what may be shown (names, posts, the texts, the grade and the number of evidence items)."""
    current = today.replace(day=1)
    previous = add_months(current, -1)
    rows = list(Commitment.objects.filter(org_unit=village, month__in=[current, previous])
                .select_related("person").annotate(evidence_count=Count("result_evidence"))
                .only("month", "content", "star_code", "result", "result_at", "grade", "town_comment", "graded_at",
                      "person__name", "person__position", "person__org_unit_id", "org_unit_id")
                .order_by("person__name", "person_id", "id"))
    sections = [MonthSection("current", current, "本月承诺"), MonthSection("previous", previous, "上月业绩")]
    for section in sections:
        for row in rows:
            if row.month == section.month:
                row.post = post_of(row.person, village.pk)
                row.state = state_of(row)
                section.rows.append(row)
    return sections

