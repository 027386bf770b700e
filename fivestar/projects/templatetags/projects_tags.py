"""What the projects app shows on other apps' pages: the agreements signed at a 项目推介会, on that meeting's page."""

from django import template

register = template.Library()


@register.inclusion_tag("projects/_meeting_agreements.html", takes_context=True)
def meeting_agreements(context, meeting):
    """The agreements recorded at `meeting`, each with its villages' shares, in one query (participant rows joined to
    their agreement, project and village, grouped here), narrowed to the projects the viewer may see."""
    from ..models import Participant
    from ..services.access import visible_q

    user = context["request"].user
    rows = (Participant.objects.filter(visible_q(user, "agreement__project__village__"), agreement__meeting=meeting)
            .select_related("agreement__project", "village").order_by("agreement__signed_on", "agreement_id", "id")[:500])
    agreements = {}
    for p in rows:
        entry = agreements.setdefault(p.agreement_id, {"agreement": p.agreement, "project": p.agreement.project, "participants": []})
        entry["participants"].append(p)
    return {"agreements": list(agreements.values()), "meeting": meeting}
