"""Before a round is opened: which branches in its scope have no value, for the round's 指标数据年度, of an
indicator its frameworks read (their indicator-bound rules would score 0). Two queries per indicator
(a count and one short page), whatever the size of the scope."""

from urllib.parse import urlencode

from django.urls import reverse

from fivestar.indicators import registry
from fivestar.orgs.models import Level, OrgUnit

from .models import Round

SHOWN = 30  # villages named on the page; the rest are counted and listed on the income page


def _rules_by_indicator(rnd: Round) -> dict[str, dict]:
    """indicator code → the branch types that read it and the rules bound to it."""
    frameworks = {"rural": rnd.rural_framework.compiled()}
    frameworks["community"] = rnd.community_framework.compiled() if rnd.community_framework_id else frameworks["rural"]
    out: dict[str, dict] = {}
    for branch_type, framework in frameworks.items():
        for rule in framework.rules:
            if not rule.indicator:
                continue
            entry = out.setdefault(rule.indicator, {"branch_types": set(), "rules": {}})
            entry["branch_types"].add(branch_type)
            entry["rules"].setdefault(rule.code, rule)
    return out


def missing_indicators(rnd: Round) -> list[dict]:
    """Per indicator the round reads: the branches in scope without a value for `rnd.indicator_year`."""
    year = rnd.indicator_year
    branches = OrgUnit.objects.filter(path__startswith=rnd.scope.path, level=Level.VILLAGE, active=True)
    out = []
    for code, entry in _rules_by_indicator(rnd).items():
        indicator = registry.INDICATORS.get(code)
        if indicator is None:
            continue
        units = branches
        if entry["branch_types"] != {"rural", "community"}:
            units = units.filter(branch_type="community") if entry["branch_types"] == {"community"} else units.exclude(branch_type="community")
        missing = registry.missing_units(code, units, year)
        count = missing.count()
        if not count:
            continue
        shown = list(missing.select_related("parent").order_by("path")[:SHOWN])
        rules = sorted(entry["rules"].values(), key=lambda r: r.code)
        query = urlencode({"year": year, "unit": rnd.scope.code, "band": "missing"})
        out.append({
            "code": code, "label": f"{year} 年{indicator.label}", "count": count, "units": shown,
            "more": count - len(shown), "rules": rules, "required": [r for r in rules if r.required],
            "list_url": f"{reverse('indicators:list')}?{query}" if code == "collective_income" else "",
        })
    return out
