"""Small filters of the /planning/ pages."""

from django import template

register = template.Library()


@register.filter
def short_by(p) -> str:
    """What a village still lacks against its target, in words ("" when reached or without a target)."""
    if not p or not p.get("has_target") or p.get("reached"):
        return ""
    if p.get("missing_names"):
        return f"还差：{p['missing_names']}"
    gap = int(p.get("target_rating") or 0) - int(p.get("current_rating") or 0)
    return f"还差 {gap} 星" if gap > 0 else ""


@register.filter
def get_item(mapping, key):
    return (mapping or {}).get(key)


@register.inclusion_tag("planning/_problem_ledger.html", takes_context=True)
def problem_ledger(context, problem):
    """On a supervision problem's page: its ledger task (a link) or, for whoever manages the village's ledger,
    the button that turns it into one (one query)."""
    from fivestar.planning.models import LedgerTask
    from fivestar.planning.services import can_manage

    request = context.get("request")
    user = getattr(request, "user", None)
    task = LedgerTask.objects.filter(problem_id=problem.pk).only("id", "year").order_by("id").first()
    return {"p": problem, "task": task, "can": user is not None and can_manage(user, problem.org_unit),
            "csrf_token": context.get("csrf_token")}
