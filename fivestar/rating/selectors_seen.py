"""What changed since a reviewer last opened an assessment (ReviewSeen): per rule on the review page, per
assessment on the town's list. Changes the reviewer made themselves do not count."""

from dataclasses import dataclass

from django.db.models import Exists, OuterRef, Subquery

from .models import Assessment, AssessmentEvent, ReviewSeen


@dataclass(frozen=True)
class Baseline:
    """What the reviewer had seen: the assessment's version and its latest event id at their last look."""

    version: int
    event: int

    def query(self) -> str:
        return f"sv={self.version}&se={self.event}"


def baseline_for(user, a: Assessment) -> Baseline | None:
    row = ReviewSeen.objects.filter(user=user, assessment=a).values_list("seen_version", "seen_event").first()
    return Baseline(*row) if row else None


def baseline_from(params) -> Baseline | None:
    """The baseline a page handed to its star fragments and filter link (`sv`, `se`); None when absent or bad."""
    try:
        version, event = int(params.get("sv", "")), int(params.get("se", ""))
    except (TypeError, ValueError):
        return None
    if not (0 <= version < 2**31 and 0 <= event < 2**63):
        return None
    return Baseline(version, event)


_VALUE_ACTIONS = {AssessmentEvent.Action.ANSWER, AssessmentEvent.Action.REVIEW_CHANGE}


def _is_na(value) -> bool:
    return isinstance(value, dict) and "不适用" in value


def changed_rules(user, a: Assessment, since: Baseline | None) -> dict[str, dict]:
    """Rules changed after `since` by someone other than `user`: a value, 不适用, evidence or confirmation by an
    event, or a note (which records no event) through `rule_versions`. One query.

    Per rule, what changed: `value` (the value before the first change and after the last, as recorded), `na`
    (不适用 set or lifted), `evidence`, `confirmed` (沿用 confirmed) and `note` (a change without an event:
    the village's 说明)."""
    if since is None:
        return {}
    theirs: dict[str, dict] = {}
    mine: set[str] = set()
    events = (AssessmentEvent.objects.filter(assessment=a, id__gt=since.event).exclude(rule_code="").order_by("id")
              .values_list("rule_code", "user_id", "action", "old", "new"))
    for code, user_id, action, old, new in events:
        if user_id == user.pk:
            mine.add(code)
            continue
        what = theirs.setdefault(code, {"value": None, "na": False, "evidence": False, "confirmed": False, "note": False})
        if action in _VALUE_ACTIONS and (_is_na(old) or _is_na(new)):
            what["na"] = True
        elif action in _VALUE_ACTIONS:
            what["value"] = (what["value"][0] if what["value"] else old, new)
        elif action == AssessmentEvent.Action.EVIDENCE:
            what["evidence"] = True
        elif action == AssessmentEvent.Action.CONFIRM:
            what["confirmed"] = True
    versioned = {code for code, version in (a.rule_versions or {}).items() if version > since.version}
    for code in versioned - mine - theirs.keys():
        theirs[code] = {"value": None, "na": False, "evidence": False, "confirmed": False, "note": True}
    return theirs


def with_seen(qs, user):
    """Annotate assessments with the user's last look: `seen_version` (None if never opened), `others_since`
    (someone else recorded something after it) and `mine_since` (the user did). All in the list's one query."""
    seen = ReviewSeen.objects.filter(user=user, assessment=OuterRef("pk"))
    after = AssessmentEvent.objects.filter(assessment=OuterRef("pk"), id__gt=OuterRef("seen_event"))
    return qs.annotate(
        seen_version=Subquery(seen.values("seen_version")[:1]), seen_event=Subquery(seen.values("seen_event")[:1]),
    ).annotate(
        others_since=Exists(after.exclude(user=user)), mine_since=Exists(after.filter(user=user)),
    )


def changed_since_seen(a) -> bool:
    """For an assessment annotated by `with_seen`: opened before, and changed since by someone else (an event of
    theirs, or a new version with nothing of the reviewer's own in between, e.g. a note)."""
    if a.seen_version is None:
        return False
    return bool(a.others_since or (a.version > a.seen_version and not a.mine_since))
