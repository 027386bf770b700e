"""Why each rule holds its value: the reviewers' reasons and the return comments, each with who (姓名（职务）,
never a login name) and when (local time), for the reviewer's page.

    rule_provenance(assessment, codes=None) -> {rule code: {
        "changes": [{"level", "level_label", "reason", "by", "at"}],   # the latest change per review level still held
        "return":  {"text", "level_label", "by", "at", "current"} | None,  # the latest 退回修改's comment on the rule
    }}

The village's note (说明) is shown as it stands: saving a note records no event, so who wrote it and when is
not known and is not guessed from the rule's last answer.

A fixed number of queries whatever the number of rules: one for the rule events, one for the latest return,
and the names of everyone involved at once.
"""

from django.utils import timezone

from fivestar.core.selectors_history import actor_labels

from .models import Assessment, AssessmentEvent, Status
from .models.round import LEVEL_LABELS



def latest_return(a: Assessment) -> dict | None:
    """The return comments the village has to act on (or just acted on): general and per rule, with who and when.
    None once a level has approved since (approval clears them)."""
    if not a.return_comments:
        return None
    entry = a.return_comments[-1]
    event = (AssessmentEvent.objects.filter(assessment=a, action=AssessmentEvent.Action.RETURN)
             .order_by("-id").values("user_id", "at", "level").first())
    by = actor_labels([event["user_id"]]).get(event["user_id"], "") if event and event["user_id"] else ""
    return {
        "comment": entry.get("comment", ""), "rules": entry.get("rules") or {},
        "level_label": LEVEL_LABELS.get(entry.get("level", ""), ""), "by": by,
        "at": timezone.localtime(event["at"]) if event else None, "current": a.status == Status.RETURNED,
    }


def rule_provenance(a: Assessment, codes=None, returned=False) -> dict[str, dict]:
    """See the module docstring. `codes` limits the rules read (one star's); `returned` reuses `latest_return`."""
    events = AssessmentEvent.objects.filter(assessment=a, action=AssessmentEvent.Action.REVIEW_CHANGE).exclude(rule_code="")
    if codes is not None:
        events = events.filter(rule_code__in=list(codes))
    latest = {}  # (rule, level) → the latest event
    for e in events.order_by("id").values("rule_code", "level", "user_id", "at", "reason"):
        latest[(e["rule_code"], e["level"])] = e
    returned = latest_return(a) if returned is False else returned
    names = actor_labels({e["user_id"] for e in latest.values()})
    out: dict[str, dict] = {}

    def slot(code):
        return out.setdefault(code, {"changes": [], "return": None})

    for level in a.round.levels:
        for code in a.reviews.get(level, {}):
            e = latest.get((code, level))
            if e is None or (codes is not None and code not in codes):
                continue
            slot(code)["changes"].append({
                "level": level, "level_label": LEVEL_LABELS[level], "reason": e["reason"],
                "by": names.get(e["user_id"], "系统") if e["user_id"] else "系统", "at": timezone.localtime(e["at"]),
            })
    if returned:
        for code, text in returned["rules"].items():
            if codes is None or code in codes:
                slot(code)["return"] = {"text": text, "level_label": returned["level_label"], "by": returned["by"],
                                        "at": returned["at"], "current": returned["current"]}
    return out
